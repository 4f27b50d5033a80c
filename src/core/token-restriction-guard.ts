import type { AuditLog } from './audit.js';
import { ApiError } from './errors.js';
import type { AccessToken, RequestContext, TokenRestrictions } from './model.js';
import type { UnitOfWork } from './ports.js';
import type { RateLimiter, RateLimitState } from './rate-limiter.js';
import { isIpAllowed } from './token-restrictions.js';

/** Dependencies of {@link TokenRestrictionGuard}. */
export interface TokenRestrictionGuardDeps {
  uow: UnitOfWork;
  audit: AuditLog;
  /** Counters shared by every server process: a token's rate limit holds across all of them. */
  limiter: RateLimiter;
}

/** Where a request of a rate-limited token stands in its window, for the `RateLimit-*` headers. */
export interface TokenRateLimitState extends RateLimitState {
  /** The token's limit: requests per window. */
  limit: number;
  /** The window's length in seconds. */
  windowSeconds: number;
}

/** A refusal for the token's rate limit, with the window it ran into. */
export class TokenRateLimitedError extends ApiError {
  readonly state: TokenRateLimitState;

  constructor(state: TokenRateLimitState) {
    super('token_rate_limited', {
      detail: `This token allows ${state.limit} requests per ${state.windowSeconds} seconds. Retry after ${state.retryAfterSeconds} seconds.`,
      retryAfterSeconds: state.retryAfterSeconds,
    });
    this.state = state;
  }
}

/**
 * Enforces a verified token's restrictions on one request (docs/tokens.md, "Restrictions"): the
 * client address against `allowed_ips`, then one hit on the token's `rate_limit` counter. Project
 * restrictions are enforced where projects are read and changed (`ProjectService`).
 */
export class TokenRestrictionGuard {
  readonly #deps: TokenRestrictionGuardDeps;

  constructor(deps: TokenRestrictionGuardDeps) {
    this.#deps = deps;
  }

  /**
   * Admits a request of `token`, whose `restrictions` are set, from `context.ip`: at once (undefined)
   * without a rate limit, else once the shared counter has counted the request.
   * @returns the rate-limit window after this request, when the token has a rate limit.
   * @throws ApiError `ip_not_allowed` (audited each time), {@link TokenRateLimitedError} (audited
   * once per token and window: on the first refused request of the window).
   */
  admit(
    token: AccessToken,
    restrictions: TokenRestrictions,
    context: RequestContext,
  ): undefined | Promise<TokenRateLimitState> {
    if (!isIpAllowed(restrictions, context.ip)) {
      return this.#refuse(token, context, new ApiError('ip_not_allowed'));
    }
    if (restrictions.rateLimit === null) return undefined;
    return this.#hit(token, restrictions.rateLimit, context);
  }

  async #hit(
    token: AccessToken,
    rateLimit: { requests: number; perSeconds: number },
    context: RequestContext,
  ): Promise<TokenRateLimitState> {
    const limit = rateLimit.requests;
    const windowSeconds = rateLimit.perSeconds;
    const hit = await this.#deps.limiter.hit(`token:${token.id}`, { limit, windowMs: windowSeconds * 1000 });
    const state = { ...hit, limit, windowSeconds };
    if (hit.allowed) return state;
    const refusal = new TokenRateLimitedError(state);
    // The count is atomic across processes: exactly one request is the window's first refusal.
    if (hit.count === limit + 1) return this.#refuse(token, context, refusal);
    throw refusal;
  }

  async #refuse(token: AccessToken, context: RequestContext, refusal: ApiError): Promise<never> {
    await this.#deps.audit.record(this.#deps.uow.stores, {
      accountId: token.accountId,
      action: 'token.auth_failed',
      actor: { type: 'anonymous', id: null },
      target: { type: 'token', id: token.id },
      context,
      details: { reason: refusal.code, masked: token.masked },
    });
    throw refusal;
  }
}

import type { AuditLog } from './audit.js';
import type { Clock } from './clock.js';
import { ApiError } from './errors.js';
import type { AccessToken, RequestContext, TokenRestrictions } from './model.js';
import type { UnitOfWork } from './ports.js';
import type { RateLimiter, RateLimitState } from './rate-limiter.js';
import { isIpAllowed } from './token-restrictions.js';

/** Dependencies of {@link TokenRestrictionGuard}. */
export interface TokenRestrictionGuardDeps {
  uow: UnitOfWork;
  clock: Clock;
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

/**
 * Requests a process takes from a token's shared counter at once: 1 % of the limit, 1 below 200. The
 * counter never passes what was taken, so the processes together never admit more than the limit;
 * each may leave less than 1 % of it unused in a window.
 */
export function rateLimitBlock(requests: number): number {
  return Math.max(1, Math.floor(requests / 100));
}

/** What one process holds of a token's current window: requests taken from the counter, not yet used. */
interface Lease {
  left: number;
  resetAtMs: number;
  /** The shared count when the block was taken. */
  sharedCount: number;
  /** This process's block crossed the limit: its next refusal is the window's first. */
  auditNextRefusal: boolean;
}

/** Most leases kept; ended ones are dropped past it. */
const MAX_LEASES = 100_000;

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
 * client address against `allowed_ips`, then the token's `rate_limit`, counted in a shared counter
 * that this process draws on in blocks ({@link rateLimitBlock}). Project restrictions are enforced where projects are read and changed (`ProjectService`).
 */
export class TokenRestrictionGuard {
  readonly #deps: TokenRestrictionGuardDeps;
  readonly #leases = new Map<string, Lease>();

  constructor(deps: TokenRestrictionGuardDeps) {
    this.#deps = deps;
  }

  /**
   * Admits a request of `token`, whose `restrictions` are set, from `context.ip`: at once without a
   * rate limit or while this process holds requests taken from the shared counter ({@link
   * rateLimitBlock}), else once the counter has given it another block.
   * @returns the rate-limit window after this request, when the token has a rate limit.
   * @throws ApiError `ip_not_allowed` (audited each time), {@link TokenRateLimitedError} (audited at
   * most once per token and window: by the process whose block first passed the limit).
   */
  admit(
    token: AccessToken,
    restrictions: TokenRestrictions,
    context: RequestContext,
  ): undefined | TokenRateLimitState | Promise<TokenRateLimitState> {
    if (!isIpAllowed(restrictions, context.ip)) {
      return this.#refuse(token, context, new ApiError('ip_not_allowed'));
    }
    const rateLimit = restrictions.rateLimit;
    if (rateLimit === null) return undefined;
    const now = this.#deps.clock.now().getTime();
    const lease = this.#leases.get(token.id);
    if (lease !== undefined && lease.left > 0 && lease.resetAtMs > now) {
      lease.left -= 1;
      return stateOf(lease, rateLimit, now);
    }
    return this.#take(token, rateLimit, context, now);
  }

  /** Takes a block of requests from the token's shared counter; refuses when nothing is left of it. */
  async #take(
    token: AccessToken,
    rateLimit: { requests: number; perSeconds: number },
    context: RequestContext,
    now: number,
  ): Promise<TokenRateLimitState> {
    const limit = rateLimit.requests;
    const block = rateLimitBlock(limit);
    const hit = await this.#deps.limiter.hit(
      `token:${token.id}`,
      { limit, windowMs: rateLimit.perSeconds * 1000 },
      block,
    );
    const before = hit.count - block;
    const granted = Math.max(0, Math.min(block, limit - before));
    const previous = this.#leases.get(token.id);
    if (granted > 0) {
      if (this.#leases.size >= MAX_LEASES) this.#prune(now);
      const lease = {
        left: granted - 1,
        resetAtMs: hit.resetAt.getTime(),
        sharedCount: hit.count,
        auditNextRefusal: hit.count > limit,
      };
      this.#leases.set(token.id, lease);
      return stateOf(lease, rateLimit, now);
    }
    this.#leases.delete(token.id);
    const refusal = new TokenRateLimitedError({
      ...stateOf({ left: 0, resetAtMs: hit.resetAt.getTime(), sharedCount: hit.count }, rateLimit, now),
      allowed: false,
    });
    // Counts are atomic across processes: one block is the first past the limit. Its process audits
    // the window's first refusal (the block's own, or, if the block was partly granted, its next).
    const isFirst =
      before === limit || (previous !== undefined && previous.auditNextRefusal && previous.resetAtMs > now);
    if (isFirst) return this.#refuse(token, context, refusal);
    throw refusal;
  }

  #prune(now: number): void {
    for (const [id, lease] of this.#leases) if (lease.resetAtMs <= now) this.#leases.delete(id);
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

/** Where the window stands as this process sees it: the shared count, less what it holds unused. */
function stateOf(
  lease: Pick<Lease, 'left' | 'resetAtMs' | 'sharedCount'>,
  rateLimit: { requests: number; perSeconds: number },
  now: number,
): TokenRateLimitState {
  const limit = rateLimit.requests;
  const remaining = Math.max(0, limit - lease.sharedCount) + lease.left;
  return {
    allowed: true,
    count: Math.min(limit, lease.sharedCount) - lease.left,
    remaining,
    resetAt: new Date(lease.resetAtMs),
    retryAfterSeconds: Math.max(0, Math.ceil((lease.resetAtMs - now) / 1000)),
    limit,
    windowSeconds: rateLimit.perSeconds,
  };
}

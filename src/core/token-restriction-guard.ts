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

/** Where a refused request of a rate-limited token stands in its window, for its 429 answer. */
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

/**
 * What one process holds of a token's current window: requests taken from the shared counter and not
 * yet used. It is also what the `RateLimit-*` headers of the token's responses are read from.
 */
export class RateLimitLease {
  /** The token's limit, requests per window, as a header writes it. */
  readonly limitText: string;

  constructor(
    /** The token's limit: requests per window. */
    readonly limit: number,
    /** Requests taken and not yet used. */
    public left: number,
    /** When the window resets, in epoch milliseconds. */
    readonly resetAtMs: number,
    /** The shared count when the block was taken. */
    readonly sharedCount: number,
    /** This process's block crossed the limit: its next refusal is the window's first. */
    readonly auditNextRefusal: boolean,
  ) {
    this.limitText = String(limit);
  }

  /** Requests left in the window as this process sees it: what the counter has not given out, and its own unused ones. */
  remaining(): number {
    return Math.max(0, this.limit - this.sharedCount) + this.left;
  }

  /** Whole seconds until the window resets, at `nowMs`. */
  resetSeconds(nowMs: number): number {
    return Math.max(0, Math.ceil((this.resetAtMs - nowMs) / 1000));
  }
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
  readonly #leases = new Map<string, RateLimitLease>();

  constructor(deps: TokenRestrictionGuardDeps) {
    this.#deps = deps;
  }

  /**
   * Admits a request of `token`, whose `restrictions` are set, from `context.ip` at `now`: at once
   * without a rate limit or while this process holds requests taken from the shared counter ({@link
   * rateLimitBlock}), else once the counter has given it another block. {@link leaseOf} then tells
   * where the token's window stands.
   * @throws ApiError `ip_not_allowed` (audited each time), {@link TokenRateLimitedError} (audited at
   * most once per token and window: by the process whose block first passed the limit).
   */
  admit(
    token: AccessToken,
    restrictions: TokenRestrictions,
    context: RequestContext,
    now: Date,
  ): undefined | Promise<void> {
    if (!isIpAllowed(restrictions, context.ip)) {
      return this.#refuse(token, context, new ApiError('ip_not_allowed'));
    }
    const rateLimit = restrictions.rateLimit;
    if (rateLimit === null) return undefined;
    const nowMs = now.getTime();
    const lease = this.#leases.get(token.id);
    if (lease !== undefined && lease.left > 0 && lease.resetAtMs > nowMs) {
      lease.left -= 1;
      return undefined;
    }
    return this.#take(token, rateLimit, context, nowMs);
  }

  /**
   * The window this process holds of a rate-limited token's count, as its last admitted request left
   * it; undefined before any.
   */
  leaseOf(tokenId: string): RateLimitLease | undefined {
    return this.#leases.get(tokenId);
  }

  /** Takes a block of requests from the token's shared counter; refuses when nothing is left of it. */
  async #take(
    token: AccessToken,
    rateLimit: { requests: number; perSeconds: number },
    context: RequestContext,
    now: number,
  ): Promise<void> {
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
      const resetAtMs = hit.resetAt.getTime();
      this.#leases.set(
        token.id,
        new RateLimitLease(limit, granted - 1, resetAtMs, hit.count, hit.count > limit),
      );
      return;
    }
    this.#leases.delete(token.id);
    const refusal = new TokenRateLimitedError({
      allowed: false,
      count: Math.min(limit, hit.count),
      remaining: 0,
      resetAt: hit.resetAt,
      retryAfterSeconds: Math.max(0, Math.ceil((hit.resetAt.getTime() - now) / 1000)),
      limit,
      windowSeconds: rateLimit.perSeconds,
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

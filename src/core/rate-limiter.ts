import type { Clock } from './clock.js';

/** A fixed window: at most `limit` hits per `windowMs` milliseconds. */
export interface RateLimitWindow {
  /** Hits allowed in one window; the hit that reaches it is still allowed. */
  limit: number;
  /** Length of one window in milliseconds, counted from the first hit after the last window ended. */
  windowMs: number;
}

/** Where a key stands in its current window. */
export interface RateLimitState {
  /** Whether the hit (or, for a peek, one more hit) is within the limit. */
  allowed: boolean;
  /** Hits counted in the current window, denied ones included. */
  count: number;
  /** Hits still allowed in the current window; never negative. */
  remaining: number;
  /** When the current window ends and the count starts again from zero. */
  resetAt: Date;
  /** Whole seconds until `resetAt`, rounded up; 0 when no window is open. */
  retryAfterSeconds: number;
}

/**
 * Counters in fixed windows, keyed by a string, shared by every server process that uses the same
 * store: N processes together allow a key `limit` hits per window, not N × `limit`. Backs the
 * sign-in throttle, the guessing limits of the device flow and the leaked-token endpoint, and
 * per-token rate limits (`{requests, per_seconds}`, taken in blocks by `TokenRestrictionGuard`), whose `RateLimit-Limit`,
 * `RateLimit-Remaining` and `RateLimit-Reset` headers map to `limit`, `remaining` and `resetAt`.
 *
 * Keys are opaque: each limit gives its keys a prefix of its own (`sign-in:`, `revoke:`). Hits are
 * atomic, so concurrent hits on one key never allow more than `limit` of them.
 */
export interface RateLimiter {
  /**
   * Counts one hit on `key` (or `weight` hits at once: a block taken ahead), opening a new window
   * when none is open.
   * @returns the state after this hit; `allowed` is false once the count exceeds `window.limit`.
   */
  hit(key: string, window: RateLimitWindow, weight?: number): Promise<RateLimitState>;
  /**
   * The state of `key` without counting a hit; `allowed` says whether one more hit would be.
   * A key with no open window reads as count 0 and `retryAfterSeconds` 0.
   */
  peek(key: string, window: RateLimitWindow): Promise<RateLimitState>;
  /** Forgets `key`'s window, so that its next hit opens a new one. */
  reset(key: string): Promise<void>;
}

/** The state after a hit that brought a window ending at `resetAtMs` to `count`, seen at `nowMs`. */
export function hitState(
  count: number,
  resetAtMs: number,
  nowMs: number,
  window: RateLimitWindow,
): RateLimitState {
  return {
    allowed: count <= window.limit,
    count,
    remaining: Math.max(0, window.limit - count),
    resetAt: new Date(resetAtMs),
    retryAfterSeconds: Math.max(0, Math.ceil((resetAtMs - nowMs) / 1000)),
  };
}

/**
 * The state a peek reports for a window of `count` hits ending at `resetAtMs`, seen at `nowMs`:
 * whether one more hit would be allowed; a window that has ended reads as empty.
 */
export function peekState(
  count: number,
  resetAtMs: number,
  nowMs: number,
  window: RateLimitWindow,
): RateLimitState {
  if (resetAtMs <= nowMs) {
    return {
      ...hitState(0, nowMs + window.windowMs, nowMs, window),
      allowed: window.limit > 0,
      retryAfterSeconds: 0,
    };
  }
  return { ...hitState(count, resetAtMs, nowMs, window), allowed: count < window.limit };
}

/**
 * {@link RateLimiter} in this process's memory, for tests and single-process use. Windows that
 * ended are dropped once more than `maxKeys` keys are tracked.
 */
export class MemoryRateLimiter implements RateLimiter {
  readonly #windows = new Map<string, { count: number; resetAtMs: number }>();
  readonly #clock: Clock;
  readonly #maxKeys: number;

  constructor(clock: Clock, maxKeys = 100_000) {
    this.#clock = clock;
    this.#maxKeys = maxKeys;
  }

  hit(key: string, window: RateLimitWindow, weight = 1): Promise<RateLimitState> {
    const now = this.#clock.now().getTime();
    if (this.#windows.size > this.#maxKeys) this.#prune(now);
    const stored = this.#windows.get(key);
    const open =
      stored === undefined || stored.resetAtMs <= now
        ? { count: 0, resetAtMs: now + window.windowMs }
        : stored;
    open.count += weight;
    this.#windows.set(key, open);
    return Promise.resolve(hitState(open.count, open.resetAtMs, now, window));
  }

  peek(key: string, window: RateLimitWindow): Promise<RateLimitState> {
    const now = this.#clock.now().getTime();
    const stored = this.#windows.get(key) ?? { count: 0, resetAtMs: now };
    return Promise.resolve(peekState(stored.count, stored.resetAtMs, now, window));
  }

  reset(key: string): Promise<void> {
    this.#windows.delete(key);
    return Promise.resolve();
  }

  #prune(now: number): void {
    for (const [key, open] of this.#windows) if (open.resetAtMs <= now) this.#windows.delete(key);
  }
}

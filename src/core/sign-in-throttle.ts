import type { RateLimiter, RateLimitWindow } from './rate-limiter.js';

/** Limits of {@link SignInThrottle}: failures allowed per window. */
export interface ThrottleLimits {
  windowMs: number;
  /** Failures for one account from one IP address. */
  perAccountAndIp: number;
  /** Failures from one IP address across all accounts. */
  perIp: number;
  /** Failures for one account across all IP addresses, not applied to addresses it signed in from. */
  perAccount: number;
}

/**
 * Fifteen-minute windows: 5 failures per account and address, 100 per address (many people may share
 * one address behind NAT), 20 per account from addresses it never signed in from.
 */
export const DEFAULT_THROTTLE_LIMITS: ThrottleLimits = {
  windowMs: 15 * 60_000,
  perAccountAndIp: 5,
  perIp: 100,
  perAccount: 20,
};

/** How long an address stays trusted for an account after its last successful sign-in from there. */
export const TRUSTED_ADDRESS_MS = 90 * 86_400_000;

/** Options of {@link SignInThrottle}. */
export interface SignInThrottleOptions {
  /** Where failures are counted; shared by every server process. */
  limiter: RateLimiter;
  /** Prefix of this throttle's keys, so that two throttles on one limiter never share counts. */
  name: string;
  limits?: ThrottleLimits;
}

/**
 * Slows password guessing without letting an attacker lock the owner out: the account-wide limit
 * never applies to an address the account has signed in from, so a flood from elsewhere cannot
 * stop the owner at their usual place. Counts live in a {@link RateLimiter}, so they hold across
 * every server process that shares it.
 */
export class SignInThrottle {
  readonly #limiter: RateLimiter;
  readonly #name: string;
  readonly #limits: ThrottleLimits;

  constructor(options: SignInThrottleOptions) {
    this.#limiter = options.limiter;
    this.#name = options.name;
    this.#limits = options.limits ?? DEFAULT_THROTTLE_LIMITS;
  }

  /** Seconds until `email` may be tried again from `ip`; 0 when it may be tried now. */
  async retryAfter(email: string, ip: string): Promise<number> {
    const checks = [this.#peek(this.#pair(email, ip), this.#limits.perAccountAndIp)];
    checks.push(this.#peek(this.#key('ip', ip), this.#limits.perIp));
    const trusted = await this.#limiter.peek(this.#trusted(email, ip), {
      limit: 1,
      windowMs: TRUSTED_ADDRESS_MS,
    });
    if (trusted.count === 0) checks.push(this.#peek(this.#key('account', email), this.#limits.perAccount));
    let wait = 0;
    for (const state of await Promise.all(checks)) {
      if (!state.allowed) wait = Math.max(wait, state.retryAfterSeconds);
    }
    return wait;
  }

  /** Counts a failed sign-in of `email` from `ip`. */
  async recordFailure(email: string, ip: string): Promise<void> {
    const windowMs = this.#limits.windowMs;
    await Promise.all([
      this.#limiter.hit(this.#pair(email, ip), { limit: this.#limits.perAccountAndIp, windowMs }),
      this.#limiter.hit(this.#key('ip', ip), { limit: this.#limits.perIp, windowMs }),
      this.#limiter.hit(this.#key('account', email), { limit: this.#limits.perAccount, windowMs }),
    ]);
  }

  /** Clears the pair's failures and trusts `ip` for `email` for {@link TRUSTED_ADDRESS_MS} from now. */
  async recordSuccess(email: string, ip: string): Promise<void> {
    const trusted = this.#trusted(email, ip);
    await this.#limiter.reset(this.#pair(email, ip));
    // A new window each time: trust lasts from the latest success, not the first.
    await this.#limiter.reset(trusted);
    await this.#limiter.hit(trusted, { limit: 1, windowMs: TRUSTED_ADDRESS_MS });
  }

  #peek(key: string, limit: number) {
    const window: RateLimitWindow = { limit, windowMs: this.#limits.windowMs };
    return this.#limiter.peek(key, window);
  }

  #key(kind: string, value: string): string {
    return `${this.#name}:${kind}:${value}`;
  }

  #pair(email: string, ip: string): string {
    return this.#key('pair', `${email}|${ip}`);
  }

  #trusted(email: string, ip: string): string {
    return this.#key('trusted', `${email}|${ip}`);
  }
}

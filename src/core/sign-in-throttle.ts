import type { Clock } from './clock.js';

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

interface Window {
  start: number;
  failures: number;
}

const MAX_TRACKED = 100_000;

/**
 * Slows password guessing without letting an attacker lock the owner out: the account-wide limit
 * never applies to an address the account has signed in from, so a flood from elsewhere cannot
 * stop the owner at their usual place. Counts are kept in this process's memory.
 */
export class SignInThrottle {
  readonly #windows = new Map<string, Window>();
  readonly #trusted = new Map<string, Set<string>>();
  readonly #clock: Clock;
  readonly #limits: ThrottleLimits;

  constructor(clock: Clock, limits: ThrottleLimits = DEFAULT_THROTTLE_LIMITS) {
    this.#clock = clock;
    this.#limits = limits;
  }

  /** Seconds until `email` may be tried again from `ip`; 0 when it may be tried now. */
  retryAfter(email: string, ip: string): number {
    const checks: [string, number][] = [
      [`pair:${email}|${ip}`, this.#limits.perAccountAndIp],
      [`ip:${ip}`, this.#limits.perIp],
    ];
    if (!this.#trusted.get(email)?.has(ip)) checks.push([`account:${email}`, this.#limits.perAccount]);
    const now = this.#clock.now().getTime();
    let wait = 0;
    for (const [key, limit] of checks) {
      const window = this.#current(key, now);
      if (window !== undefined && window.failures >= limit) {
        wait = Math.max(wait, Math.ceil((window.start + this.#limits.windowMs - now) / 1000));
      }
    }
    return wait;
  }

  /** Counts a failed sign-in of `email` from `ip`. */
  recordFailure(email: string, ip: string): void {
    const now = this.#clock.now().getTime();
    if (this.#windows.size > MAX_TRACKED) this.#prune(now);
    for (const key of [`pair:${email}|${ip}`, `ip:${ip}`, `account:${email}`]) {
      const window = this.#current(key, now) ?? { start: now, failures: 0 };
      window.failures += 1;
      this.#windows.set(key, window);
    }
  }

  /** Clears the pair's failures and trusts `ip` for `email` from now on. */
  recordSuccess(email: string, ip: string): void {
    this.#windows.delete(`pair:${email}|${ip}`);
    const trusted = this.#trusted.get(email) ?? new Set<string>();
    if (trusted.size < 100) trusted.add(ip);
    this.#trusted.set(email, trusted);
  }

  #current(key: string, now: number): Window | undefined {
    const window = this.#windows.get(key);
    if (window === undefined || now - window.start >= this.#limits.windowMs) return undefined;
    return window;
  }

  #prune(now: number): void {
    for (const [key, window] of this.#windows) {
      if (now - window.start >= this.#limits.windowMs) this.#windows.delete(key);
    }
  }
}

import type { Clock } from './clock.js';

/** Options of {@link UnknownTokenCache}. */
export interface UnknownTokenCacheOptions {
  clock: Clock;
  /** How long a hash found in no row is taken as unknown without asking again. Default 30 s. */
  ttlMs?: number;
  /** The most hashes held (0 holds none); the least recently used go first. Default 10,000. */
  capacity?: number;
}

/**
 * Digests (`memoryKeyOf`) of well-formed values that matched no token, each "unknown until" a short while from
 * now, so that a client or attacker repeating such a value costs one database look-up per value and
 * per TTL instead of one per request. Bounded and least-recently-used, so a flood of distinct values
 * cannot grow memory: the oldest entries leave first, and forgetting one only costs a look-up.
 *
 * Issuing a token calls {@link forget} with its digest, so a token is never refused in the process that
 * issued it. Another process sharing the database (PostgreSQL) keeps its own entries and could refuse
 * a new token until the TTL passes, but only if someone presented that exact value before it was
 * issued: a fresh value carries 190 bits from the CSPRNG, so no one can, and the TTL stays short anyway.
 */
export class UnknownTokenCache {
  // A Map iterates in insertion order: re-inserting on a hit keeps the least recently used first.
  readonly #until = new Map<string, number>();
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #capacity: number;

  constructor(options: UnknownTokenCacheOptions) {
    this.#clock = options.clock;
    this.#ttlMs = options.ttlMs ?? 30_000;
    this.#capacity = options.capacity ?? 10_000;
  }

  /** Whether `tokenHash` matched no token less than the TTL ago; a hit becomes the most recently used. */
  isKnownUnknown(tokenHash: string): boolean {
    const until = this.#until.get(tokenHash);
    if (until === undefined) return false;
    this.#until.delete(tokenHash);
    if (this.#clock.now().getTime() >= until) return false;
    this.#until.set(tokenHash, until);
    return true;
  }

  /** Records that `tokenHash` matched no token now, dropping the least recently used hash if full. */
  remember(tokenHash: string): void {
    if (this.#capacity <= 0) return;
    if (!this.#until.delete(tokenHash) && this.#until.size >= this.#capacity) {
      const oldest = this.#until.keys().next();
      if (oldest.done !== true) this.#until.delete(oldest.value);
    }
    this.#until.set(tokenHash, this.#clock.now().getTime() + this.#ttlMs);
  }

  /** Forgets `tokenHash`, e.g. because a token with it was just issued. */
  forget(tokenHash: string): void {
    this.#until.delete(tokenHash);
  }

  /** Number of hashes held, expired or not. */
  get size(): number {
    return this.#until.size;
  }
}

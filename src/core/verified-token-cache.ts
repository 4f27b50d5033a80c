import type { AccessToken } from './model.js';

/**
 * Tokens this process has looked up, by keyed hash, so verification usually needs no database
 * round trip. Entries hold the token's expiry and revocation instants, which the verifier checks on
 * every request; {@link evict} makes a revocation done in this process effective on the next request.
 *
 * Only safe where this process sees every revocation (one server on SQLite). Where several processes
 * share a database, leave it out and read through.
 */
export class VerifiedTokenCache {
  readonly #byHash = new Map<string, AccessToken>();
  readonly #hashById = new Map<string, string>();
  readonly #capacity: number;

  /** @param capacity the most tokens held; the least recently inserted go first. */
  constructor(capacity = 100_000) {
    this.#capacity = capacity;
  }

  /** The cached token for `tokenHash`, if any. */
  get(tokenHash: string): AccessToken | undefined {
    return this.#byHash.get(tokenHash);
  }

  /** Remembers `token` under `tokenHash`. */
  set(tokenHash: string, token: AccessToken): void {
    if (this.#byHash.size >= this.#capacity) {
      const oldest = this.#byHash.keys().next();
      if (oldest.done !== true) this.#delete(oldest.value);
    }
    this.#byHash.set(tokenHash, token);
    this.#hashById.set(token.id, tokenHash);
  }

  /** Forgets the token with this id; the next request reads it from the database. */
  evict(tokenId: string): void {
    const hash = this.#hashById.get(tokenId);
    if (hash !== undefined) this.#delete(hash);
  }

  /** Number of cached tokens. */
  get size(): number {
    return this.#byHash.size;
  }

  #delete(hash: string): void {
    const token = this.#byHash.get(hash);
    this.#byHash.delete(hash);
    if (token !== undefined) this.#hashById.delete(token.id);
  }
}

import type { AccessToken } from './model.js';

/**
 * Tokens this process has looked up, by keyed hash, so verification usually needs no database
 * round trip. Entries hold the token's expiry and revocation instants, which the verifier checks on
 * every request; {@link evict} makes a revocation done in this process effective on the next request.
 *
 * A least-recently-used cache: a hit makes its token the most recent, and when the cache is full the
 * token used longest ago leaves first, so memory stays bounded whatever the number of tokens.
 *
 * Only safe where this process sees every revocation (one server on SQLite). Where several processes
 * share a database, leave it out and read through.
 */
export class VerifiedTokenCache {
  // A Map iterates in insertion order: re-inserting on a hit keeps the least recently used first.
  readonly #byHash = new Map<string, AccessToken>();
  readonly #hashById = new Map<string, string>();
  readonly #capacity: number;

  /** @param capacity the most tokens held (0 holds none); the least recently used go first. */
  constructor(capacity = 100_000) {
    this.#capacity = capacity;
  }

  /** The cached token for `tokenHash`, if any, which becomes the most recently used. */
  get(tokenHash: string): AccessToken | undefined {
    const token = this.#byHash.get(tokenHash);
    if (token !== undefined) {
      this.#byHash.delete(tokenHash);
      this.#byHash.set(tokenHash, token);
    }
    return token;
  }

  /** Remembers `token` under `tokenHash` as the most recently used, dropping the least recent if full. */
  set(tokenHash: string, token: AccessToken): void {
    if (this.#capacity <= 0) return;
    if (this.#byHash.has(tokenHash)) this.#delete(tokenHash);
    else if (this.#byHash.size >= this.#capacity) {
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
    if (token !== undefined && this.#hashById.get(token.id) === hash) this.#hashById.delete(token.id);
  }
}

import type { AccessToken } from './model.js';

/**
 * Tokens this process has looked up, by keyed hash, so verification usually needs no database
 * round trip. Entries hold the token's expiry and revocation instants, which the verifier checks on
 * every request; {@link evict} makes a revocation done in this process effective on the next request.
 *
 * A least-recently-used cache: when it is full, the token used longest ago leaves first, so memory stays
 * bounded whatever the number of tokens. A hit moves its token to the recent end only when at least half
 * the capacity has been added since it was last put there: a token used over and over (one busy CI
 * pipeline) is then not deleted and re-added on every request, which V8's `Map` makes slow on a large
 * map, and a token used at least once per half a cache of new look-ups is never the one to leave.
 *
 * Safe where this process hears of every revocation: one server on SQLite, or servers sharing
 * PostgreSQL while their notification connection is up. While it is not, {@link distrust} makes the
 * cache answer nothing and keep nothing, so every verification reads through.
 */
/** A cached token and the count of placements at its last move to the recent end. */
interface Entry {
  token: AccessToken;
  stamp: number;
}

export class VerifiedTokenCache {
  // A Map iterates in insertion order: re-inserting keeps the least recently used first.
  readonly #byHash = new Map<string, Entry>();
  readonly #hashById = new Map<string, string>();
  readonly #capacity: number;
  #isTrusted = true;
  #generation = 0;
  /** Counts placements at the recent end; an entry's `stamp` is the count at its last one. */
  #tick = 0;

  /** @param capacity the most tokens held (0 holds none); the least recently used go first. */
  constructor(capacity = 100_000) {
    this.#capacity = capacity;
  }

  /**
   * Changes with every eviction and change of trust. Read it before a database look-up and pass it to
   * {@link set}: a token read before an eviction may be the revoked one's old state.
   */
  get generation(): number {
    return this.#generation;
  }

  /** The cached token for `tokenHash`, if any, which becomes the most recently used; never while distrusted. */
  get(tokenHash: string): AccessToken | undefined {
    if (!this.#isTrusted) return undefined;
    const entry = this.#byHash.get(tokenHash);
    if (entry === undefined) return undefined;
    if (this.#tick - entry.stamp >= this.#capacity >>> 1) {
      this.#byHash.delete(tokenHash);
      this.#byHash.set(tokenHash, entry);
      entry.stamp = ++this.#tick;
    }
    return entry.token;
  }

  /**
   * Remembers `token` under `tokenHash` as the most recently used, dropping the least recent if full,
   * unless distrusted or `generation` (read before the look-up that found `token`) is no longer current.
   */
  set(tokenHash: string, token: AccessToken, generation = this.#generation): void {
    if (this.#capacity <= 0 || !this.#isTrusted || generation !== this.#generation) return;
    if (this.#byHash.has(tokenHash)) this.#delete(tokenHash);
    else if (this.#byHash.size >= this.#capacity) {
      const oldest = this.#byHash.keys().next();
      if (oldest.done !== true) this.#delete(oldest.value);
    }
    this.#byHash.set(tokenHash, { token, stamp: ++this.#tick });
    this.#hashById.set(token.id, tokenHash);
  }

  /** Forgets the token with this id; the next request reads it from the database. */
  evict(tokenId: string): void {
    this.#generation += 1;
    const hash = this.#hashById.get(tokenId);
    if (hash !== undefined) this.#delete(hash);
  }

  /** Whether entries are served; false from {@link distrust} until {@link trust}. */
  get isTrusted(): boolean {
    return this.#isTrusted;
  }

  /** Forgets everything and serves nothing until {@link trust}: revocations may go unheard. */
  distrust(): void {
    this.#isTrusted = false;
    this.#clear();
  }

  /** Serves entries again, starting empty: whatever was missed while distrusted is read afresh. */
  trust(): void {
    this.#clear();
    this.#isTrusted = true;
  }

  /** Number of cached tokens. */
  get size(): number {
    return this.#byHash.size;
  }

  #clear(): void {
    this.#generation += 1;
    this.#byHash.clear();
    this.#hashById.clear();
  }

  #delete(hash: string): void {
    const entry = this.#byHash.get(hash);
    this.#byHash.delete(hash);
    if (entry !== undefined && this.#hashById.get(entry.token.id) === hash)
      this.#hashById.delete(entry.token.id);
  }
}

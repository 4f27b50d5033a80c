import type { AccessToken, ApiKey } from './model.js';
import type { CredentialKind } from './ports.js';

/** The stored credential of each kind the cache holds. */
export interface CredentialOfKind {
  token: AccessToken;
  api_key: ApiKey;
}

/** One cached credential with its kind, so that a look-up of one kind never returns the other. */
type Entry = {
  [K in CredentialKind]: {
    kind: K;
    credential: CredentialOfKind[K];
    /** The count of placements at the entry's last move to the recent end. */
    stamp: number;
  };
}[CredentialKind];

/**
 * Credentials (access tokens and API keys) this process has looked up, by the digest of their value (`memoryKeyOf`), so verification usually needs no database
 * round trip. Entries hold the token's expiry and revocation instants, which the verifier checks on
 * every request; {@link evict} makes a revocation done in this process effective on the next request.
 *
 * A least-recently-used cache: when it is full, the credential used longest ago leaves first, so memory
 * stays bounded whatever the number of tokens. A hit moves its entry to the recent end only when at least
 * half the capacity has been placed there since the entry last was: a token used over and over (one busy
 * CI pipeline) is then not deleted and re-added on every request, which V8's `Map` makes slow on a large
 * map, and a credential used at least once per half a cache of new look-ups is never the one to leave.
 *
 * Safe where this process hears of every revocation: one server on SQLite, or servers sharing
 * PostgreSQL while their notification connection is up. While it is not, {@link distrust} makes the
 * cache answer nothing and keep nothing, so every verification reads through.
 */
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

  /**
   * The cached credential of `kind` (default: a token) for `hash`, if any, which becomes the most
   * recently used; never while distrusted.
   */
  get<K extends CredentialKind = 'token'>(hash: string, kind?: K): CredentialOfKind[K] | undefined {
    if (!this.#isTrusted) return undefined;
    const entry = this.#byHash.get(hash);
    if (entry === undefined || entry.kind !== (kind ?? 'token')) return undefined;
    if (this.#tick - entry.stamp >= this.#capacity >>> 1) {
      this.#byHash.delete(hash);
      this.#byHash.set(hash, entry);
      entry.stamp = ++this.#tick;
    }
    return entry.credential as CredentialOfKind[K];
  }

  /**
   * Remembers `token` under `tokenHash` as the most recently used, dropping the least recent if full,
   * unless distrusted or `generation` (read before the look-up that found `token`) is no longer current.
   */
  set(tokenHash: string, token: AccessToken, generation = this.#generation): void {
    this.#put(tokenHash, { kind: 'token', credential: token, stamp: 0 }, generation);
  }

  /** {@link set} for an API key: the same cache, the same eviction, the same trust. */
  setApiKey(keyHash: string, key: ApiKey, generation = this.#generation): void {
    this.#put(keyHash, { kind: 'api_key', credential: key, stamp: 0 }, generation);
  }

  /** {@link set} for a credential of either kind. */
  setCredential<K extends CredentialKind>(
    hash: string,
    kind: K,
    credential: CredentialOfKind[K],
    generation = this.#generation,
  ): void {
    this.#put(hash, { kind, credential, stamp: 0 } as Entry, generation);
  }

  #put(hash: string, entry: Entry, generation: number): void {
    if (this.#capacity <= 0 || !this.#isTrusted || generation !== this.#generation) return;
    if (this.#byHash.has(hash)) this.#delete(hash);
    else if (this.#byHash.size >= this.#capacity) {
      const oldest = this.#byHash.keys().next();
      if (oldest.done !== true) this.#delete(oldest.value);
    }
    entry.stamp = ++this.#tick;
    this.#byHash.set(hash, entry);
    this.#hashById.set(entry.credential.id, hash);
  }

  /** Forgets the token or API key with this id; the next request reads it from the database. */
  evict(id: string): void {
    this.#generation += 1;
    const hash = this.#hashById.get(id);
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

  /** Number of cached credentials. */
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
    if (entry !== undefined && this.#hashById.get(entry.credential.id) === hash)
      this.#hashById.delete(entry.credential.id);
  }
}

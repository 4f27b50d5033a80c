import type { UnitOfWork } from '../ports.js';
import type { Envelope, EnvelopeCipher } from './envelope-cipher.js';
import { providerKeyAssociatedData } from './provider-key-service.js';
import type { StoredProviderKey } from './provider-key-store.js';

/** A provider key whose data key does not unwrap, which stops a rotation until it is dealt with. */
export class KeyDoesNotUnwrapError extends Error {
  constructor(key: StoredProviderKey, cause: unknown) {
    super(
      `provider key ${key.id} (account ${key.accountId}, ${key.provider}) does not unwrap with ` +
        `key-encryption key ${key.envelope.kekId} (${cause instanceof Error ? cause.message : String(cause)})`,
      { cause },
    );
    this.name = 'KeyDoesNotUnwrapError';
  }
}

/** Another rotation made a newer key-encryption key current: this one stops rather than undo its work. */
export class RotationSupersededError extends Error {
  constructor(kekId: string, newest: string | undefined) {
    super(
      `key-encryption key ${kekId} is no longer the newest (${newest ?? 'none'}): another rotation started`,
    );
    this.name = 'RotationSupersededError';
  }
}

/** Dependencies of {@link KekRotation}. */
export interface KekRotationDeps {
  uow: UnitOfWork;
  cipher: EnvelopeCipher;
}

/** Where a rotation stands. */
export interface RotationProgress {
  /** The key-encryption key every data key is being re-wrapped with. */
  kekId: string;
  /** Provider keys re-wrapped with it so far, this run or an earlier one. */
  done: number;
  /** Provider keys in all. */
  total: number;
}

/** What {@link KekRotation.run} did. */
export interface RotationSummary extends RotationProgress {
  /** Whether it continued a rotation an earlier run left unfinished instead of starting one. */
  continued: boolean;
  /** Provider keys this run re-wrapped. */
  rewrapped: number;
  /** Key-encryption keys removed, no key referencing them any more. */
  removed: string[];
  /** Key-encryption keys still referenced by a key saved during the run; a later run removes them. */
  remaining: string[];
}

/**
 * Rotation of the key-encryption key of provider keys: a new key-encryption key becomes current,
 * every data key is re-wrapped with it in small transactions (payloads are never decrypted), then the
 * key-encryption keys nothing references are deleted, and with their salt they are gone for good.
 *
 * Resumable: a run that stops half-way leaves the new key current and some data keys wrapped by the
 * old one; the next run sees that, continues with the same key and skips what is done. Safe while
 * servers run: they encrypt with the newest key-encryption key and load an unknown one on demand.
 */
export class KekRotation {
  readonly #deps: KekRotationDeps;

  constructor(deps: KekRotationDeps) {
    this.#deps = deps;
  }

  /**
   * Starts a rotation, or continues an unfinished one: when some provider key is wrapped by another
   * key-encryption key than the newest, the newest is the one a rotation was moving to.
   */
  async begin(): Promise<{ kekId: string; continued: boolean }> {
    const { stores } = this.#deps.uow;
    const newest = await stores.keyEncryptionKeys.findNewest();
    if (newest !== undefined) {
      const { notWrappedBy } = await stores.providerKeys.countByWrapping(newest.id);
      if (notWrappedBy > 0) return { kekId: newest.id, continued: true };
    }
    return { kekId: await this.#deps.cipher.createKeyEncryptionKey(), continued: false };
  }

  /**
   * Re-wraps up to `batchSize` data keys not yet wrapped by `kekId`, in one transaction; a key saved
   * again meanwhile is left as the save wrote it.
   * @throws {@link KeyDoesNotUnwrapError}, or {@link RotationSupersededError} when `kekId` is no
   * longer the newest key-encryption key; nothing of the batch is written then.
   * @returns how many keys it found to re-wrap (0 when none is left) and how many it re-wrapped.
   */
  async rewrapBatch(kekId: string, batchSize: number): Promise<{ seen: number; rewrapped: number }> {
    const { uow, cipher } = this.#deps;
    // Two rotations at once would wrap each other's keys back and forth: the older one gives way.
    const newest = await uow.stores.keyEncryptionKeys.findNewest();
    if (newest?.id !== kekId) throw new RotationSupersededError(kekId, newest?.id);
    const keys = await uow.stores.providerKeys.listNotWrappedBy(kekId, batchSize);
    if (keys.length === 0) return { seen: 0, rewrapped: 0 };
    // Unwrapped and wrapped before the transaction: the cipher reads key-encryption keys outside it.
    const rewrapped: { key: StoredProviderKey; to: Envelope }[] = [];
    for (const key of keys) {
      try {
        rewrapped.push({ key, to: await cipher.rewrap(key.envelope, providerKeyAssociatedData(key), kekId) });
      } catch (error) {
        throw new KeyDoesNotUnwrapError(key, error);
      }
    }
    const changed = await uow.transaction(async (stores) => {
      let count = 0;
      for (const { key, to } of rewrapped) {
        if (await stores.providerKeys.rewrap(key.id, key.envelope, to)) count += 1;
      }
      return count;
    });
    return { seen: keys.length, rewrapped: changed };
  }

  /** Deletes every key-encryption key but `kekId` that no provider key references. @returns their ids. */
  async removeUnreferenced(kekId: string): Promise<string[]> {
    return this.#deps.uow.stores.keyEncryptionKeys.deleteUnreferenced(kekId);
  }

  /**
   * Runs a whole rotation (or the rest of an unfinished one), reporting progress after each batch.
   * @throws {@link KeyDoesNotUnwrapError} naming the key that does not unwrap, or
   * {@link RotationSupersededError}; keys re-wrapped so far stay re-wrapped.
   */
  async run(options: {
    batchSize: number;
    onStart?: (start: { kekId: string; continued: boolean; total: number; done: number }) => void;
    onProgress?: (progress: RotationProgress) => void;
  }): Promise<RotationSummary> {
    const { kekId, continued } = await this.begin();
    const { providerKeys } = this.#deps.uow.stores;
    const counts = await providerKeys.countByWrapping(kekId);
    const total = counts.total;
    let done = total - counts.notWrappedBy;
    options.onStart?.({ kekId, continued, total, done });
    let rewrapped = 0;
    for (;;) {
      const batch = await this.rewrapBatch(kekId, options.batchSize);
      if (batch.seen === 0) break;
      rewrapped += batch.rewrapped;
      // A key saved again meanwhile is under the new key-encryption key already: done as well.
      done = Math.min(total, done + batch.seen);
      options.onProgress?.({ kekId, done, total });
    }
    const removed = await this.removeUnreferenced(kekId);
    const remaining = (await this.#deps.uow.stores.keyEncryptionKeys.list())
      .map((kek) => kek.id)
      .filter((id) => id !== kekId);
    return { kekId, continued, done, total, rewrapped, removed, remaining };
  }
}

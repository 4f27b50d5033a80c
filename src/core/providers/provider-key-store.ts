import type { ProviderName } from '@skytells/contract';
import type { Envelope } from './envelope-cipher.js';

/** A provider key as stored: everything but the key in plain. */
export interface StoredProviderKey {
  id: string;
  accountId: string;
  provider: ProviderName;
  /** The API base URL (`openai_compatible` only). */
  baseUrl: string | null;
  /** At most the last 4 characters of the key, e.g. `…3xYz`. */
  masked: string;
  /** The key, sealed. */
  envelope: Envelope;
  createdAt: Date;
  updatedAt: Date;
}

/** A key-encryption key as stored: its id and the salt it is derived with, never the key itself. */
export interface KeyEncryptionKeyRecord {
  id: string;
  salt: Uint8Array;
  createdAt: Date;
}

/** Provider keys (BYOK), one per account and provider. */
export interface ProviderKeyStore {
  /** The account's key for `provider`, if any. */
  find(accountId: string, provider: ProviderName): Promise<StoredProviderKey | undefined>;
  /** The account's keys, by provider name. */
  list(accountId: string): Promise<StoredProviderKey[]>;
  /** Stores `key` as the account's key for its provider, replacing any other. */
  put(key: StoredProviderKey): Promise<void>;
  /** Removes the account's key for `provider`. @returns whether it existed. */
  delete(accountId: string, provider: ProviderName): Promise<boolean>;
  /** Up to `limit` keys whose data key is wrapped by another key-encryption key than `kekId`, by id. */
  listNotWrappedBy(kekId: string, limit: number): Promise<StoredProviderKey[]>;
  /** How many keys there are in all, and how many are wrapped by another key-encryption key than `kekId`. */
  countByWrapping(kekId: string): Promise<{ total: number; notWrappedBy: number }>;
  /**
   * Replaces the wrapped data key of key `id`, only if it is still `from`: the single conditional
   * update that leaves a key saved again in the meantime alone.
   * @returns whether this call changed it.
   */
  rewrap(
    id: string,
    from: Pick<Envelope, 'kekId' | 'wrappedDek'>,
    to: Pick<Envelope, 'kekId' | 'wrappedDek'>,
  ): Promise<boolean>;
}

/** The salts of the key-encryption keys; the newest is the current one. */
export interface KeyEncryptionKeyStore {
  /** Stores a new key-encryption key. */
  insert(kek: KeyEncryptionKeyRecord): Promise<void>;
  /** The newest key-encryption key, if any: the one new data keys are wrapped with. */
  findNewest(): Promise<KeyEncryptionKeyRecord | undefined>;
  /** The key-encryption key `id`, if it exists. */
  findById(id: string): Promise<KeyEncryptionKeyRecord | undefined>;
  /** Every key-encryption key, oldest first. */
  list(): Promise<KeyEncryptionKeyRecord[]>;
  /**
   * Removes every key-encryption key but `keepId` that no provider key references.
   * @returns the ids removed.
   */
  deleteUnreferenced(keepId: string): Promise<string[]>;
}

/**
 * A value sealed by envelope encryption: the payload under a data key of its own (DEK), and the DEK
 * under a key-encryption key (KEK). Re-wrapping the DEK under another KEK leaves the payload as it is.
 */
export interface Envelope {
  /** The key-encryption key the data key is wrapped with (`kek_…`). */
  kekId: string;
  /** The data key, encrypted under the KEK; printable text. */
  wrappedDek: string;
  /** The payload, encrypted under the data key; printable text. */
  ciphertext: string;
}

/**
 * Envelope encryption of secrets kept in the database (providers' API keys), so that a copy of the
 * database alone reveals none of them, and the key-encryption key can be rotated without decrypting
 * any payload.
 *
 * `associatedData` binds an envelope to its place (account, row): an envelope moved elsewhere does
 * not open there.
 */
export interface EnvelopeCipher {
  /**
   * Encrypts `plaintext` under a fresh data key wrapped by the current key-encryption key (created
   * first when there is none).
   */
  encrypt(plaintext: Uint8Array, associatedData: string): Promise<Envelope>;
  /**
   * Decrypts what {@link encrypt} returned for the same `associatedData`.
   * @throws Error when the envelope was altered, belongs to other associated data, or its
   * key-encryption key is unknown or cannot be derived.
   */
  decrypt(envelope: Envelope, associatedData: string): Promise<Uint8Array>;
  /**
   * The same envelope with its data key wrapped by the key-encryption key `kekId` instead; the
   * payload is untouched.
   * @throws Error as {@link decrypt} does, for either key.
   */
  rewrap(envelope: Envelope, associatedData: string, kekId: string): Promise<Envelope>;
  /** Creates a key-encryption key, which becomes the current one. @returns its id. */
  createKeyEncryptionKey(): Promise<string>;
}

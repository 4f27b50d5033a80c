/**
 * Authenticated encryption of small secrets kept in the database (authenticator-app secrets), so
 * that a copy of the database alone reveals none of them. Providers' API keys use envelope
 * encryption instead (`EnvelopeCipher`), so that their key can be rotated.
 *
 * `associatedData` binds a sealed value to its owner (an account id): a value moved to another
 * row does not open there. A sealed value names the format version it was written with, so the
 * cipher or key can change without rewriting old rows at once.
 */
export interface SecretBox {
  /** Encrypts `plaintext` for `associatedData`; the result is printable text for a `text` column. */
  seal(plaintext: Uint8Array, associatedData: string): string;
  /**
   * Decrypts what {@link seal} returned for the same `associatedData`.
   * @throws Error when the value was altered, belongs to other associated data, or has an unknown version.
   */
  open(sealed: string, associatedData: string): Uint8Array;
}

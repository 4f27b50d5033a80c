import { createHmac, createSecretKey, hash, hkdfSync, type KeyObject, timingSafeEqual } from 'node:crypto';

/** What a derived key is used for; each purpose gets its own key from the server secret. */
export type KeyPurpose =
  | 'token-hash'
  | 'api-key-hash'
  | 'session-hash'
  | 'csrf'
  | 'client-secret'
  | 'oauth-code'
  | 'device-code'
  | 'recovery-code'
  | 'webauthn-challenge';

const PURPOSES: readonly KeyPurpose[] = [
  'token-hash',
  'api-key-hash',
  'session-hash',
  'csrf',
  'client-secret',
  'oauth-code',
  'device-code',
  'recovery-code',
  'webauthn-challenge',
];

/**
 * Keyed hashing with subkeys derived from the server secret (HKDF-SHA-256, RFC 5869), so a
 * leaked database alone cannot be used to test guesses of token values.
 */
export class KeyedHasher {
  // KeyObjects, not Buffers: HMAC with a prepared key object is markedly faster on the hot path.
  readonly #keys: Record<KeyPurpose, KeyObject>;

  /** @param secret the server secret, at least 32 bytes of entropy. */
  constructor(secret: string) {
    const derive = (purpose: KeyPurpose) =>
      createSecretKey(Buffer.from(hkdfSync('sha256', secret, 'skytells', `skytells/${purpose}/v1`, 32)));
    this.#keys = Object.fromEntries(PURPOSES.map((purpose) => [purpose, derive(purpose)])) as Record<
      KeyPurpose,
      KeyObject
    >;
  }

  /** HMAC-SHA-256 of `value` under the key for `purpose`, base64url-encoded. */
  hash(purpose: KeyPurpose, value: string): string {
    return createHmac('sha256', this.#keys[purpose]).update(value).digest('base64url');
  }

  /** Compares `value`'s hash with `expected` in constant time. */
  verify(purpose: KeyPurpose, value: string, expected: string): boolean {
    return constantTimeEqual(this.hash(purpose, value), expected);
  }
}

/**
 * The key under which this process's memory knows a credential value (the verification caches):
 * SHA-256 of the value, in one call. Stored hashes are keyed so that a leaked database cannot test
 * guesses; in memory a key would add nothing, since the process holds its HMAC keys beside it, and a
 * one-shot digest is a fraction of an HMAC's cost on the path of every request.
 */
export function memoryKeyOf(value: string): string {
  return hash('sha256', value, 'base64url');
}

/** Compares two strings in time that depends only on their lengths. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  // Compare against itself on a length mismatch so the work done does not depend on where they differ.
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

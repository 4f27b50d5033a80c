import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { SecretBox } from '../../core/secret-box.js';

/** What a box's key is for; each purpose gets its own key from the server secret. */
export type SecretBoxPurpose = 'totp-secret' | 'provider-key' | 'webhook-secret';

const VERSION = 'v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/**
 * {@link SecretBox} with AES-256-GCM (NIST SP 800-38D): a 256-bit key derived from the server secret
 * with HKDF-SHA-256 (RFC 5869) for one purpose, a random 96-bit nonce per value, and a 128-bit tag
 * over the ciphertext and the associated data.
 *
 * Sealed format, version 1: `v1.<nonce>.<ciphertext><tag>`, both parts base64url.
 */
export class AesGcmSecretBox implements SecretBox {
  readonly #key: Buffer;

  /**
   * @param secret the server secret, at least 32 bytes of entropy.
   * @param purpose separates the keys of unrelated secrets.
   */
  constructor(secret: string, purpose: SecretBoxPurpose) {
    this.#key = Buffer.from(
      hkdfSync('sha256', secret, 'skytells', `skytells/secret-box/${purpose}/${VERSION}`, 32),
    );
  }

  seal(plaintext: Uint8Array, associatedData: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return `${VERSION}.${nonce.toString('base64url')}.${body.toString('base64url')}`;
  }

  open(sealed: string, associatedData: string): Uint8Array {
    const [version, nonceText, bodyText, ...rest] = sealed.split('.');
    if (version !== VERSION || nonceText === undefined || bodyText === undefined || rest.length > 0) {
      throw new Error('sealed secret: unknown format');
    }
    const nonce = Buffer.from(nonceText, 'base64url');
    const body = Buffer.from(bodyText, 'base64url');
    if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES) throw new Error('sealed secret: malformed');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    // final() throws when the tag does not match: altered data or other associated data.
    return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]);
  }
}

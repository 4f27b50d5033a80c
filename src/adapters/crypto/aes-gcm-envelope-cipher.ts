import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import type { Envelope, EnvelopeCipher } from '../../core/providers/envelope-cipher.js';
import type { KeyEncryptionKeyStore } from '../../core/providers/provider-key-store.js';
import { newId, type Random } from '../../core/random.js';

const VERSION = 'v1';
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const SALT_BYTES = 32;

/** Dependencies of {@link AesGcmEnvelopeCipher}. */
export interface AesGcmEnvelopeCipherDeps {
  /** The server secret (`SKYTELLS_SECRET`), at least 32 bytes of entropy. */
  secret: string;
  /** Where the key-encryption keys' salts are kept. */
  keks: KeyEncryptionKeyStore;
  clock: Clock;
  random: Random;
}

/**
 * The key-encryption key `kekId` with salt `salt`: HKDF-SHA-256 (RFC 5869) of the server secret.
 * The salt is random per key, so a key whose salt row is deleted cannot be derived again, even with
 * the same secret.
 */
export function deriveKeyEncryptionKey(secret: string, kek: { id: string; salt: Uint8Array }): Buffer {
  return Buffer.from(
    hkdfSync('sha256', secret, kek.salt, `skytells/provider-keys/kek/${VERSION}/${kek.id}`, KEY_BYTES),
  );
}

/** AES-256-GCM (NIST SP 800-38D) of `plaintext` with a fresh 96-bit nonce: `v1.<nonce>.<ciphertext+tag>`. */
export function sealWith(key: Uint8Array, plaintext: Uint8Array, associatedData: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return `${VERSION}.${nonce.toString('base64url')}.${body.toString('base64url')}`;
}

/** Opens what {@link sealWith} returned. @throws Error when it is malformed, altered or for other data. */
export function openWith(key: Uint8Array, sealed: string, associatedData: string): Buffer {
  const [version, nonceText, bodyText, ...rest] = sealed.split('.');
  if (version !== VERSION || nonceText === undefined || bodyText === undefined || rest.length > 0) {
    throw new Error('sealed value: unknown format');
  }
  const nonce = Buffer.from(nonceText, 'base64url');
  const body = Buffer.from(bodyText, 'base64url');
  if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES) throw new Error('sealed value: malformed');
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  // final() throws when the tag does not match: altered data, another key or other associated data.
  return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]);
}

/** The associated data of a wrapped data key: the envelope's own, and the key-encryption key's id. */
export function wrapAssociatedData(kekId: string, associatedData: string): string {
  return JSON.stringify(['skytells/dek/v1', kekId, associatedData]);
}

/**
 * {@link EnvelopeCipher} with AES-256-GCM at both levels: a fresh random 256-bit data key per
 * encryption seals the payload; the data key is wrapped by a key-encryption key derived from the
 * server secret and a per-key random salt (see {@link deriveKeyEncryptionKey}). Every encryption
 * draws its own random 96-bit nonce, so equal payloads give different envelopes.
 *
 * Derived keys are cached by id; an id not in the cache (a rotation by another process) is loaded
 * from the store. New data keys are wrapped by the newest key-encryption key, read from the store on
 * every encryption, so a rotation elsewhere takes effect at once.
 */
export class AesGcmEnvelopeCipher implements EnvelopeCipher {
  readonly #deps: AesGcmEnvelopeCipherDeps;
  readonly #keks = new Map<string, Buffer>();

  constructor(deps: AesGcmEnvelopeCipherDeps) {
    this.#deps = deps;
  }

  async encrypt(plaintext: Uint8Array, associatedData: string): Promise<Envelope> {
    const kekId = (await this.#deps.keks.findNewest())?.id ?? (await this.createKeyEncryptionKey());
    const dek = randomBytes(KEY_BYTES);
    try {
      return {
        kekId,
        wrappedDek: sealWith(await this.#kek(kekId), dek, wrapAssociatedData(kekId, associatedData)),
        ciphertext: sealWith(dek, plaintext, associatedData),
      };
    } finally {
      dek.fill(0);
    }
  }

  async decrypt(envelope: Envelope, associatedData: string): Promise<Uint8Array> {
    const dek = await this.#unwrap(envelope, associatedData);
    try {
      return openWith(dek, envelope.ciphertext, associatedData);
    } finally {
      dek.fill(0);
    }
  }

  async rewrap(envelope: Envelope, associatedData: string, kekId: string): Promise<Envelope> {
    const dek = await this.#unwrap(envelope, associatedData);
    try {
      // The payload is not decrypted; its tag is checked when the key is next opened.
      return {
        kekId,
        wrappedDek: sealWith(await this.#kek(kekId), dek, wrapAssociatedData(kekId, associatedData)),
        ciphertext: envelope.ciphertext,
      };
    } finally {
      dek.fill(0);
    }
  }

  async createKeyEncryptionKey(): Promise<string> {
    const { keks, clock, random } = this.#deps;
    const now = clock.now();
    const kek = {
      id: newId('kek', random, now),
      salt: new Uint8Array(randomBytes(SALT_BYTES)),
      createdAt: now,
    };
    await keks.insert(kek);
    this.#keks.set(kek.id, deriveKeyEncryptionKey(this.#deps.secret, kek));
    return kek.id;
  }

  async #unwrap(envelope: Envelope, associatedData: string): Promise<Buffer> {
    const kek = await this.#kek(envelope.kekId);
    return openWith(kek, envelope.wrappedDek, wrapAssociatedData(envelope.kekId, associatedData));
  }

  async #kek(id: string): Promise<Buffer> {
    const cached = this.#keks.get(id);
    if (cached !== undefined) return cached;
    const record = await this.#deps.keks.findById(id);
    if (record === undefined) throw new Error(`key-encryption key ${id} does not exist`);
    const kek = deriveKeyEncryptionKey(this.#deps.secret, record);
    this.#keks.set(id, kek);
    return kek;
  }
}

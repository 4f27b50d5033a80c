/**
 * Envelope encryption of provider keys against a real database holding the key-encryption keys'
 * salts: fresh data keys and nonces, associated data, re-wrapping, and key-encryption keys that
 * other processes create or delete.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { secureRandom } from '../../src/core/random.js';
import { AesGcmEnvelopeCipher } from '../../src/adapters/crypto/aes-gcm-envelope-cipher.js';
import { migrateToLatest, type OpenDatabase, openDatabase } from '../../src/adapters/storage/database.js';
import { KyselyKeyEncryptionKeyStore } from '../../src/adapters/storage/kysely-key-encryption-key-store.js';
import { createTestDatabase, type TestDatabase } from '../support/harness.js';
import { describeEachDialect } from '../support/http.js';

const text = (value: string) => new TextEncoder().encode(value);
const plain = (value: Uint8Array) => new TextDecoder().decode(value);

describeEachDialect('AesGcmEnvelopeCipher', (dialect) => {
  let testDatabase: TestDatabase;
  let database: OpenDatabase;
  const secret = randomBytes(32).toString('hex');
  const clock = new ManualClock(new Date());

  beforeAll(async () => {
    testDatabase = await createTestDatabase(dialect);
    database = openDatabase(testDatabase.target);
    await migrateToLatest(database);
  });
  afterAll(async () => {
    await database?.close();
    await testDatabase?.dispose();
  });

  /** A cipher as one server process holds it: its own cache of key-encryption keys. */
  const aProcess = (options: { secret?: string } = {}) =>
    new AesGcmEnvelopeCipher({
      secret: options.secret ?? secret,
      keks: new KyselyKeyEncryptionKeyStore(database.db),
      clock,
      random: secureRandom,
    });

  it('seals equal plaintexts into different ciphertexts and wrapped data keys, each opening to the plaintext', async () => {
    const cipher = aProcess();
    const first = await cipher.encrypt(text('sk-same-key'), 'row-1');
    const second = await cipher.encrypt(text('sk-same-key'), 'row-1');

    expect(first.ciphertext).not.toBe(second.ciphertext);
    expect(first.wrappedDek).not.toBe(second.wrappedDek);
    // Nonces differ too: the second field of `v1.<nonce>.<body>`.
    expect(first.ciphertext.split('.')[1]).not.toBe(second.ciphertext.split('.')[1]);
    expect(first.wrappedDek.split('.')[1]).not.toBe(second.wrappedDek.split('.')[1]);
    expect(plain(await cipher.decrypt(first, 'row-1'))).toBe('sk-same-key');
    expect(plain(await cipher.decrypt(second, 'row-1'))).toBe('sk-same-key');
  });

  it('does not open an envelope for other associated data, or under another server secret', async () => {
    const envelope = await aProcess().encrypt(text('sk-bound'), 'account-a');

    await expect(aProcess().decrypt(envelope, 'account-b')).rejects.toThrow();
    await expect(
      aProcess({ secret: randomBytes(32).toString('hex') }).decrypt(envelope, 'account-a'),
    ).rejects.toThrow();
    // A payload moved under another envelope's data key does not open either.
    const other = await aProcess().encrypt(text('sk-other'), 'account-a');
    await expect(
      aProcess().decrypt({ ...other, ciphertext: envelope.ciphertext }, 'account-a'),
    ).rejects.toThrow();
  });

  it('wraps new data keys with the newest key-encryption key, even one another process created', async () => {
    const server = aProcess();
    const before = await server.encrypt(text('sk-1'), 'ad');
    clock.advance(1000);
    const rotated = await aProcess().createKeyEncryptionKey();
    const after = await server.encrypt(text('sk-2'), 'ad');

    expect(after.kekId).toBe(rotated);
    expect(after.kekId).not.toBe(before.kekId);
    expect(plain(await server.decrypt(after, 'ad'))).toBe('sk-2');
  });

  it('opens an envelope re-wrapped by another process with a key-encryption key it had never seen', async () => {
    const server = aProcess();
    const envelope = await server.encrypt(text('sk-rewrapped'), 'ad');
    expect(plain(await server.decrypt(envelope, 'ad'))).toBe('sk-rewrapped');
    const admin = aProcess();
    clock.advance(1000);
    const kekId = await admin.createKeyEncryptionKey();
    const rewrapped = await admin.rewrap(envelope, 'ad', kekId);

    expect(rewrapped).toMatchObject({ kekId, ciphertext: envelope.ciphertext });
    expect(rewrapped.wrappedDek).not.toBe(envelope.wrappedDek);
    expect(plain(await server.decrypt(rewrapped, 'ad'))).toBe('sk-rewrapped');
  });

  it('cannot open anything wrapped by a key-encryption key whose salt row was deleted, even with the same secret', async () => {
    const envelope = await aProcess().encrypt(text('sk-gone'), 'ad');
    clock.advance(1000);
    const next = await aProcess().createKeyEncryptionKey();
    await database.db.deleteFrom('key_encryption_keys').where('id', '=', envelope.kekId).execute();

    const error = await aProcess()
      .decrypt(envelope, 'ad')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(envelope.kekId);
    // A key-encryption key with a new salt is another key, even under the same id and secret.
    await database.db
      .insertInto('key_encryption_keys')
      .values({
        id: envelope.kekId,
        salt: randomBytes(32).toString('base64url'),
        created_at: new Date(0).toISOString(),
      })
      .execute();
    await expect(aProcess().decrypt(envelope, 'ad')).rejects.toThrow();
    expect(next).toMatch(/^kek_/);
  });
});

/**
 * `skytells-server rotate-kek` as a real process, beside a running platform on the same database:
 * every provider key's data key ends up wrapped by the new key-encryption key, the old one is deleted,
 * every key still opens, and an interrupted rotation is finished by running the command again.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProviderName } from '@skytells/contract';
import { afterAll, expect, it } from 'vitest';
import {
  AesGcmEnvelopeCipher,
  deriveKeyEncryptionKey,
  openWith,
  wrapAssociatedData,
} from '../../src/adapters/crypto/aes-gcm-envelope-cipher.js';
import type { DatabaseTarget } from '../../src/adapters/storage/database.js';
import { KyselyUnitOfWork } from '../../src/adapters/storage/kysely-unit-of-work.js';
import { loadConfig } from '../../src/config/config.js';
import { systemClock } from '../../src/core/clock.js';
import { KekRotation } from '../../src/core/providers/kek-rotation.js';
import { providerKeyAssociatedData } from '../../src/core/providers/provider-key-service.js';
import { secureRandom } from '../../src/core/random.js';
import { composePlatform, type Platform } from '../../src/main/compose.js';
import { createTestDatabase, signUpAndSignIn, TEST_DATABASE_URL, TEST_SCRYPT } from '../support/harness.js';
import { describeEachDialect } from '../support/http.js';
import { killAllChildren, postgresUrlWithSchema, runServerCli } from '../support/processes.js';

afterAll(killAllChildren);

/** Real processes on a possibly busy machine. */
const CLI_TIMEOUT = { timeout: 120_000 };

interface SavedKey {
  accountId: string;
  provider: ProviderName;
  apiKey: string;
}

/** A running platform with `accounts` accounts of three provider keys each, and the env to reach its database. */
async function platformWithKeys(
  dialect: 'sqlite' | 'postgres',
  accounts: number,
  onTestFinished: (fn: () => Promise<void>) => void,
): Promise<{ platform: Platform; env: Record<string, string>; secret: string; keys: SavedKey[] }> {
  const secret = randomBytes(32).toString('hex');
  const dataDir = mkdtempSync(join(tmpdir(), 'skytells-rotate-'));
  onTestFinished(async () => rmSync(dataDir, { recursive: true, force: true }));
  let target: DatabaseTarget;
  const env: Record<string, string> = { SKYTELLS_SECRET: secret, SKYTELLS_DATA_DIR: dataDir };
  if (dialect === 'sqlite') {
    target = { dialect: 'sqlite', file: join(dataDir, 'skytells.db') };
  } else {
    const database = await createTestDatabase('postgres');
    onTestFinished(() => database.dispose());
    if (database.target.dialect !== 'postgres' || database.target.schema === undefined) {
      throw new Error('expected a PostgreSQL schema');
    }
    target = database.target;
    env['DATABASE_URL'] = postgresUrlWithSchema(TEST_DATABASE_URL!, database.target.schema);
  }
  const platform = await composePlatform({
    config: loadConfig(env),
    target,
    logger: false,
    scrypt: TEST_SCRYPT,
  });
  onTestFinished(async () => {
    await platform.app.close();
    await platform.mail.stop();
    platform.mailer.close();
    await platform.database.close();
  });
  const keys: SavedKey[] = [];
  for (let i = 0; i < accounts; i += 1) {
    const user = await signUpAndSignIn(platform.app);
    for (const provider of ['openai', 'anthropic', 'openai_compatible'] as const) {
      const apiKey = `sk-${provider}-${randomBytes(20).toString('base64url')}`;
      const response = await platform.app.inject({
        method: 'PUT',
        url: `/v1/providers/${provider}`,
        headers: user.headers,
        payload: {
          api_key: apiKey,
          ...(provider === 'openai_compatible' ? { base_url: 'https://llm.example.com/v1' } : {}),
        },
      });
      if (response.statusCode !== 200) throw new Error(`save failed: ${response.body}`);
      keys.push({ accountId: user.accountId, provider, apiKey });
    }
  }
  return { platform, env, secret, keys };
}

const kekRows = (platform: Platform) =>
  platform.database.db.selectFrom('key_encryption_keys').selectAll().orderBy('created_at').execute();
const keyRows = (platform: Platform) =>
  platform.database.db.selectFrom('provider_keys').selectAll().orderBy('id').execute();

/** Every saved key opens, through the running platform (which never saw the new key-encryption key). */
async function expectEveryKeyOpens(platform: Platform, keys: SavedKey[]): Promise<void> {
  for (const key of keys) {
    expect((await platform.services.providerKeys.reveal(key.accountId, key.provider))?.apiKey).toBe(
      key.apiKey,
    );
  }
}

describeEachDialect('skytells-server rotate-kek', (dialect) => {
  it(
    're-wraps every data key with a new key-encryption key, shows progress, and deletes the old one',
    CLI_TIMEOUT,
    async ({ onTestFinished }) => {
      const { platform, env, secret, keys } = await platformWithKeys(dialect, 3, onTestFinished);
      const [old] = await kekRows(platform);
      if (old === undefined) throw new Error('expected a key-encryption key');
      const before = await keyRows(platform);
      expect(before.every((row) => row.kek_id === old.id)).toBe(true);
      await expectEveryKeyOpens(platform, keys);

      const run = await runServerCli(['rotate-kek', '--batch-size', '4'], { env, timeoutMs: 60_000 });

      expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
      const [current, ...others] = await kekRows(platform);
      expect(others).toEqual([]);
      expect(current?.id).toMatch(/^kek_/);
      expect(current?.id).not.toBe(old.id);
      const kekId = current!.id;
      expect(run.stderr).toBe(
        [
          `Rotating to the new key-encryption key ${kekId}: 9 provider keys to re-wrap.`,
          'Re-wrapped 4 of 9 provider keys (44%).',
          'Re-wrapped 8 of 9 provider keys (88%).',
          'Re-wrapped 9 of 9 provider keys (100%).',
          '',
        ].join('\n'),
      );
      expect(run.stdout).toBe(
        `Key-encryption key ${kekId} is current: 9 provider keys re-wrapped, 9 in all; deleted ${old.id}.\n`,
      );

      const after = await keyRows(platform);
      expect(after.map((row) => row.id)).toEqual(before.map((row) => row.id));
      const oldKek = deriveKeyEncryptionKey(secret, { id: old.id, salt: Buffer.from(old.salt, 'base64url') });
      const newKek = deriveKeyEncryptionKey(secret, {
        id: kekId,
        salt: Buffer.from(current!.salt, 'base64url'),
      });
      for (const [i, row] of after.entries()) {
        expect(row.kek_id).toBe(kekId);
        // The payload was not re-encrypted; only the data key was re-wrapped.
        expect(row.ciphertext).toBe(before[i]?.ciphertext);
        expect(row.wrapped_dek).not.toBe(before[i]?.wrapped_dek);
        const associatedData = wrapAssociatedData(
          kekId,
          providerKeyAssociatedData({
            id: row.id,
            accountId: row.account_id,
            provider: row.provider as ProviderName,
            baseUrl: row.base_url,
          }),
        );
        expect(() => openWith(newKek, row.wrapped_dek, associatedData)).not.toThrow();
        expect(() => openWith(oldKek, row.wrapped_dek, associatedData)).toThrow();
      }
      await expectEveryKeyOpens(platform, keys);

      // The running server wraps what it saves next with the new key-encryption key.
      const user = await signUpAndSignIn(platform.app);
      await platform.app.inject({
        method: 'PUT',
        url: '/v1/providers/openai',
        headers: user.headers,
        payload: { api_key: 'sk-after-rotation-0123456789' },
      });
      expect((await keyRows(platform)).every((row) => row.kek_id === kekId)).toBe(true);
    },
  );

  it(
    'finishes a rotation that stopped half-way, skipping the keys already re-wrapped',
    CLI_TIMEOUT,
    async ({ onTestFinished }) => {
      const { platform, env, secret, keys } = await platformWithKeys(dialect, 3, onTestFinished);
      const [old] = await kekRows(platform);
      // A rotation that re-wrapped 3 keys and then died.
      const uow = new KyselyUnitOfWork(platform.database.db, platform.database.dialect);
      const cipher = new AesGcmEnvelopeCipher({
        secret,
        keks: uow.stores.keyEncryptionKeys,
        clock: systemClock,
        random: secureRandom,
      });
      const rotation = new KekRotation({ uow, cipher });
      const started = await rotation.begin();
      expect(started.continued).toBe(false);
      expect(await rotation.rewrapBatch(started.kekId, 3)).toEqual({ seen: 3, rewrapped: 3 });
      const halfway = await keyRows(platform);
      const doneEarlier = halfway.filter((row) => row.kek_id === started.kekId);
      expect(doneEarlier).toHaveLength(3);
      await expectEveryKeyOpens(platform, keys);

      const run = await runServerCli(['rotate-kek', '--batch-size', '2'], { env, timeoutMs: 60_000 });

      expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
      expect(run.stderr.split('\n')[0]).toBe(
        `Continuing the rotation to ${started.kekId}: 3 of 9 provider keys already re-wrapped.`,
      );
      expect(run.stderr).toContain('Re-wrapped 9 of 9 provider keys (100%).');
      expect(run.stdout).toBe(
        `Key-encryption key ${started.kekId} is current: 6 provider keys re-wrapped, 9 in all; deleted ${old?.id}.\n`,
      );
      expect((await kekRows(platform)).map((kek) => kek.id)).toEqual([started.kekId]);
      const after = await keyRows(platform);
      expect(after.every((row) => row.kek_id === started.kekId)).toBe(true);
      // The keys re-wrapped before the crash were left as they were.
      for (const row of doneEarlier) {
        expect(after.find((other) => other.id === row.id)?.wrapped_dek).toBe(row.wrapped_dek);
      }
      await expectEveryKeyOpens(platform, keys);

      // The interrupted run, were it still going, gives way to the finished rotation's newer key.
      await expect(rotation.rewrapBatch(started.kekId, 3)).resolves.toEqual({ seen: 0, rewrapped: 0 });

      // Run again once finished: a new rotation starts.
      const again = await runServerCli(['rotate-kek'], { env, timeoutMs: 60_000 });
      expect(again.code).toBe(0);
      expect(again.stderr).toMatch(
        /^Rotating to the new key-encryption key kek_\w+: 9 provider keys to re-wrap\./,
      );
      const [latest, ...rest] = await kekRows(platform);
      expect(rest).toEqual([]);
      expect(latest?.id).not.toBe(started.kekId);
      await expect(rotation.rewrapBatch(started.kekId, 3)).rejects.toThrow(
        `key-encryption key ${started.kekId} is no longer the newest (${latest?.id}): another rotation started`,
      );
      await expectEveryKeyOpens(platform, keys);
    },
  );

  it(
    'stops at a key whose data key does not unwrap, naming it, and finishes once that key is deleted',
    CLI_TIMEOUT,
    async ({ onTestFinished }) => {
      const { platform, env, keys } = await platformWithKeys(dialect, 2, onTestFinished);
      const [broken] = await keyRows(platform);
      if (broken === undefined) throw new Error('expected a key');
      // A data key sealed for another row: it does not unwrap in this one.
      const [other] = (await keyRows(platform)).filter((row) => row.id !== broken.id);
      await platform.database.db
        .updateTable('provider_keys')
        .set({ wrapped_dek: other!.wrapped_dek })
        .where('id', '=', broken.id)
        .execute();

      const stopped = await runServerCli(['rotate-kek'], { env, timeoutMs: 60_000 });

      expect(stopped.code).toBe(1);
      expect(stopped.stderr).toContain(
        `Error: provider key ${broken.id} (account ${broken.account_id}, ${broken.provider}) does not unwrap`,
      );
      expect(stopped.stderr).toContain('then run rotate-kek again.');
      expect(stopped.stderr).not.toMatch(/\n\s+at /);
      await platform.database.db.deleteFrom('provider_keys').where('id', '=', broken.id).execute();

      const finished = await runServerCli(['rotate-kek'], { env, timeoutMs: 60_000 });

      expect({ code: finished.code, stderr: finished.stderr }).toMatchObject({ code: 0 });
      expect(finished.stderr).toMatch(/^Continuing the rotation to kek_/);
      expect(await kekRows(platform)).toHaveLength(1);
      await expectEveryKeyOpens(
        platform,
        keys.filter((key) => !(key.accountId === broken.account_id && key.provider === broken.provider)),
      );
    },
  );
});

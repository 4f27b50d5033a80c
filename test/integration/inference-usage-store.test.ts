/**
 * Inference usage counters on a real database: batched deltas add up across flushes (the upsert),
 * per provider and per API key, and an account deleted before a flush leaves nothing behind nor
 * blocks the batch.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { InferenceUsageDelta } from '../../src/core/inference/inference-ports.js';
import { InferenceUsageRecorder } from '../../src/core/inference/inference-usage-recorder.js';
import { migrateToLatest, type OpenDatabase, openDatabase } from '../../src/adapters/storage/database.js';
import { KyselyInferenceUsageStore } from '../../src/adapters/storage/kysely-inference-usage-store.js';
import { createTestDatabase, type TestDatabase } from '../support/harness.js';
import { describeEachDialect } from '../support/http.js';

describeEachDialect('KyselyInferenceUsageStore', (dialect) => {
  let testDatabase: TestDatabase;
  let database: OpenDatabase;

  beforeAll(async () => {
    testDatabase = await createTestDatabase(dialect);
    database = openDatabase(testDatabase.target);
    await migrateToLatest(database);
  });
  afterAll(async () => {
    await database?.close();
    await testDatabase?.dispose();
  });

  async function anAccount(): Promise<string> {
    const id = `acc_${randomBytes(6).toString('hex')}`;
    await database.db
      .insertInto('accounts')
      .values({
        id,
        email: `${id}@example.com`,
        name: '',
        password_hash: 'x',
        created_at: new Date().toISOString(),
      })
      .execute();
    return id;
  }

  const delta = (accountId: string, fields: Partial<InferenceUsageDelta> = {}): InferenceUsageDelta => ({
    accountId,
    provider: 'openai',
    apiKeyId: null,
    requests: 1,
    promptTokens: 10,
    completionTokens: 5,
    ...fields,
  });

  it('adds each batch to the counters it names, per provider and per API key', async () => {
    const store = new KyselyInferenceUsageStore(database.db);
    const account = await anAccount();
    await store.add([delta(account), delta(account, { provider: 'anthropic', apiKeyId: 'key_a' })]);
    await store.add([delta(account, { requests: 2, promptTokens: 3_000_000_000, completionTokens: 7 })]);

    expect(await store.usage(account)).toEqual({
      byProvider: [
        { provider: 'anthropic', requests: 1, promptTokens: 10, completionTokens: 5 },
        { provider: 'openai', requests: 3, promptTokens: 3_000_000_010, completionTokens: 12 },
      ],
      byApiKey: expect.arrayContaining([
        {
          apiKeyId: null,
          name: null,
          masked: null,
          requests: 3,
          promptTokens: 3_000_000_010,
          completionTokens: 12,
        },
        { apiKeyId: 'key_a', name: null, masked: null, requests: 1, promptTokens: 10, completionTokens: 5 },
      ]),
    });
    expect(await store.usage(await anAccount())).toEqual({ byProvider: [], byApiKey: [] });
  });

  it('drops the counts of an account deleted before the flush, and writes the rest of the batch', async () => {
    const store = new KyselyInferenceUsageStore(database.db);
    const kept = await anAccount();
    const gone = await anAccount();
    const recorder = new InferenceUsageRecorder(store);
    recorder.record({ accountId: gone, apiKeyId: null }, 'openai', { requests: 1 });
    recorder.record({ accountId: kept, apiKeyId: null }, 'openai', { requests: 1, promptTokens: 4 });
    recorder.record({ accountId: kept, apiKeyId: null }, 'openai', { promptTokens: 1, completionTokens: 2 });
    await database.db.deleteFrom('accounts').where('id', '=', gone).execute();

    expect(await recorder.flush()).toBe(2);
    expect(recorder.size).toBe(0);
    expect((await store.usage(kept)).byProvider).toEqual([
      { provider: 'openai', requests: 1, promptTokens: 5, completionTokens: 2 },
    ]);
    expect(await store.usage(gone)).toEqual({ byProvider: [], byApiKey: [] });
  });
});

/**
 * The token usage store on a real database (SQLite file, PostgreSQL schema): batches add up per
 * token, day, scope and address, the latest time wins, two processes flushing the same counters at
 * once add up, a window reads from its first day on, and a token deleted before a flush is dropped.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AccessToken, AccountRecord } from '../../src/core/model.js';
import type { TokenUsageCount } from '../../src/core/ports.js';
import { TokenUsageRecorder } from '../../src/core/token-usage-recorder.js';
import { migrateToLatest, type OpenDatabase, openDatabase } from '../../src/adapters/storage/database.js';
import { KyselyTokenUsageStore } from '../../src/adapters/storage/kysely-token-usage-store.js';
import { KyselyUnitOfWork } from '../../src/adapters/storage/kysely-unit-of-work.js';
import { createTestDatabase, type TestDatabase } from '../support/harness.js';
import { describeEachDialect } from '../support/http.js';

const T0 = new Date('2026-05-01T10:00:00.000Z');
const unique = (prefix: string) => `${prefix}_${randomBytes(6).toString('hex')}`;

describeEachDialect('KyselyTokenUsageStore contract', (dialect) => {
  let testDatabase: TestDatabase;
  let database: OpenDatabase;
  /** A second connection pool on the same data, as a second server process has. */
  let other: OpenDatabase;

  beforeAll(async () => {
    testDatabase = await createTestDatabase(dialect);
    database = openDatabase(testDatabase.target);
    await migrateToLatest(database);
    other = dialect === 'postgres' ? openDatabase(testDatabase.target) : database;
  });
  afterAll(async () => {
    if (other !== database) await other?.close();
    await database?.close();
    await testDatabase?.dispose();
  });

  const storeOn = (db: OpenDatabase) => new KyselyTokenUsageStore(db.db, db.dialect);

  /** A stored token of a new account. */
  async function givenToken(): Promise<string> {
    const uow = new KyselyUnitOfWork(database.db, database.dialect);
    const account: AccountRecord = {
      id: unique('acc'),
      email: `${unique('a')}@example.com`,
      name: 'Ada',
      passwordHash: 'scrypt$1024$8$1$salt$key',
      createdAt: T0,
    };
    await uow.stores.accounts.insert(account);
    const token: AccessToken = {
      id: unique('tok'),
      accountId: account.id,
      name: unique('name'),
      masked: 'skt_abcd…wxyz',
      scopes: ['tokens:read', 'projects:read'],
      createdAt: T0,
      expiresAt: null,
      lastUsedAt: null,
      lastUsedIp: null,
      lastUsedUserAgent: null,
      revokedAt: null,
      revokedReason: null,
      createdVia: 'api',
      clientId: null,
      workloadId: null,
      replaces: null,
      replacedBy: null,
      revokeOnFirstUseOf: null,
      restrictions: null,
    };
    await uow.stores.tokens.insert(token, randomBytes(32).toString('base64url'));
    return token.id;
  }

  const count = (tokenId: string, fields: Partial<TokenUsageCount> = {}): TokenUsageCount => ({
    tokenId,
    day: '2026-05-01',
    scope: 'tokens:read',
    ip: '203.0.113.5',
    requests: 1,
    lastAt: T0,
    ...fields,
  });

  it('adds each batch to the counter it names, and keeps the latest time', async () => {
    const store = storeOn(database);
    const token = await givenToken();
    const later = new Date(T0.getTime() + 60_000);
    await store.add([count(token, { requests: 2, lastAt: later }), count(token, { scope: null })]);
    await store.add([count(token, { requests: 3 }), count(token, { ip: '2001:db8::1' })]);

    expect(await store.list(token, '2026-05-01')).toEqual([
      count(token, { scope: null }),
      count(token, { ip: '2001:db8::1' }),
      count(token, { requests: 5, lastAt: later }),
    ]);
  });

  it('two processes flushing the same counters at once add up', async () => {
    const token = await givenToken();
    const one = new TokenUsageRecorder(storeOn(database));
    const two = new TokenUsageRecorder(storeOn(other));
    for (let i = 0; i < 40; i += 1) {
      const at = new Date(T0.getTime() + i * 1000);
      for (const recorder of [one, two]) {
        recorder.record({ tokenId: token, scope: 'tokens:read', ip: '203.0.113.5', at });
        recorder.record({ tokenId: token, scope: 'projects:read', ip: `198.51.100.${i % 4}`, at });
      }
    }
    await Promise.all([one.flush(), two.flush()]);

    const counts = await storeOn(database).list(token, '2026-05-01');
    expect(counts.reduce((sum, c) => sum + c.requests, 0)).toBe(160);
    expect(counts.find((c) => c.scope === 'tokens:read')).toMatchObject({
      requests: 80,
      lastAt: new Date(T0.getTime() + 39_000),
    });
    expect(counts.filter((c) => c.scope === 'projects:read').map((c) => c.requests)).toEqual([
      20, 20, 20, 20,
    ]);
  });

  it('lists a token’s counters from the first day asked for on, and no other token’s', async () => {
    const store = storeOn(database);
    const token = await givenToken();
    const neighbour = await givenToken();
    await store.add([
      count(token, { day: '2026-04-30' }),
      count(token, { day: '2026-05-01' }),
      count(token, { day: '2026-05-02' }),
      count(neighbour, { day: '2026-05-02' }),
    ]);
    expect((await store.list(token, '2026-05-01')).map((c) => c.day)).toEqual(['2026-05-01', '2026-05-02']);
    expect(await store.list(token, '2026-05-03')).toEqual([]);
  });

  it('drops the counts of a token deleted before the flush, and writes the rest of the batch', async () => {
    const store = storeOn(database);
    const kept = await givenToken();
    await store.add([count('tok_gone'), count(kept)]);
    expect(await store.list('tok_gone', '2026-01-01')).toEqual([]);
    expect(await store.list(kept, '2026-01-01')).toEqual([count(kept)]);
  });
});

/**
 * What `TokenLifecycle.change()` announces to the other processes sharing the database: the ids it
 * revoked or replaced, once per change, deduplicated, delivered when the transaction commits and never
 * when it rolls back. On SQLite the announcements are recorded by a stand-in for the port; on
 * PostgreSQL a real LISTEN connection hears them. Lives in test/ because it crosses core and storage.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/core/audit.js';
import { ManualClock } from '../../src/core/clock.js';
import { KeyedHasher } from '../../src/core/keyed-hash.js';
import { LastUseRecorder } from '../../src/core/last-use-recorder.js';
import type { AccessToken, RequestContext } from '../../src/core/model.js';
import type { Stores, UnitOfWork } from '../../src/core/ports.js';
import { secureRandom } from '../../src/core/random.js';
import { type Revocation, TokenLifecycle } from '../../src/core/token-lifecycle.js';
import { VerifiedTokenCache } from '../../src/core/verified-token-cache.js';
import { migrateToLatest, openDatabase } from '../../src/adapters/storage/database.js';
import { TOKEN_INVALIDATION_CHANNEL } from '../../src/adapters/storage/kysely-token-invalidations.js';
import { KyselyUnitOfWork } from '../../src/adapters/storage/kysely-unit-of-work.js';
import { createTestDatabase, TEST_DATABASE_URL } from '../support/harness.js';

const CONTEXT: RequestContext = { ip: '192.0.2.10', userAgent: 'invalidations-test/1.0' };
const REVOCATION: Revocation = {
  reason: 'revoked',
  actor: { type: 'system', id: null },
  context: CONTEXT,
};
const itOnPostgres = TEST_DATABASE_URL === undefined ? it.skip : it;
const POSTGRES_NOTE = TEST_DATABASE_URL === undefined ? ' (skipped: TEST_DATABASE_URL not set)' : '';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/**
 * A unit of work whose transactions record what they announce: `published` receives a transaction's
 * announcements when it commits, as PostgreSQL delivers them; a rollback discards them.
 */
function recordingUnitOfWork(inner: UnitOfWork, published: string[][]): UnitOfWork {
  return {
    stores: inner.stores,
    isReachable: () => inner.isReachable(),
    transaction: async <T>(work: (stores: Stores) => Promise<T>) => {
      const pending: string[][] = [];
      const result = await inner.transaction((stores) =>
        work({ ...stores, invalidations: { publish: async (ids) => void pending.push([...ids]) } }),
      );
      published.push(...pending);
      return result;
    },
  };
}

/** A lifecycle on a fresh database of `dialect`, an account, and tokens to change. */
async function setUp(dialect: 'sqlite' | 'postgres', published?: string[][]) {
  const testDatabase = await createTestDatabase(dialect);
  const database = openDatabase(testDatabase.target);
  cleanups.push(
    () => testDatabase.dispose(),
    () => database.close(),
  );
  await migrateToLatest(database);
  const real = new KyselyUnitOfWork(database.db, database.dialect);
  const uow = published === undefined ? real : recordingUnitOfWork(real, published);
  const clock = new ManualClock('2026-06-01T12:00:00.000Z');
  const hasher = new KeyedHasher(randomBytes(32).toString('hex'));
  const audit = new AuditLog({ uow, clock, random: secureRandom });
  const lastUse = new LastUseRecorder(uow.stores.tokens);
  const cache = new VerifiedTokenCache();
  const lifecycle = new TokenLifecycle({ uow, hasher, clock, random: secureRandom, audit, lastUse, cache });
  const accountId = `acc_${randomBytes(8).toString('hex')}`;
  await uow.stores.accounts.insert({
    id: accountId,
    email: `${accountId}@example.com`,
    name: 'Owner',
    passwordHash: 'unused',
    createdAt: clock.now(),
  });
  const newToken = async (): Promise<AccessToken> =>
    (
      await lifecycle.change((changes) =>
        changes.issue({
          accountId,
          name: `token-${randomBytes(4).toString('hex')}`,
          scopes: ['tokens:read'],
          expiresAt: null,
          origin: 'api',
          now: clock.now(),
        }),
      )
    ).token;
  return { uow, lifecycle, newToken, clock, accountId };
}

describe('TokenLifecycle announcements', () => {
  it('announces each revoked or replaced token once, when the change commits', async () => {
    const published: string[][] = [];
    const { lifecycle, newToken } = await setUp('sqlite', published);
    const revoked = await newToken();
    const replaced = await newToken();
    const replacement = await newToken();
    expect(published).toEqual([]);

    await lifecycle.change(async (changes) => {
      await changes.revoke(revoked, REVOCATION);
      await changes.revoke(revoked, REVOCATION);
      await changes.replace(replaced, replacement.id, null);
      expect(published).toEqual([]);
    });

    expect(published).toEqual([[revoked.id, replaced.id]]);
  });

  it('announces nothing for a change that rolls back, nor for one that only issues', async () => {
    const published: string[][] = [];
    const { uow, lifecycle, newToken, accountId } = await setUp('sqlite', published);
    const token = await newToken();

    await expect(
      lifecycle.change(async (changes) => {
        await changes.revoke(token, REVOCATION);
        throw new Error('the change fails after revoking');
      }),
    ).rejects.toThrow('the change fails after revoking');

    expect(published).toEqual([]);
    expect(await uow.stores.tokens.findById(accountId, token.id)).toMatchObject({ revokedAt: null });
  });

  itOnPostgres(
    `on PostgreSQL, other connections hear a committed revocation once it is visible, and never a rolled-back one${POSTGRES_NOTE}`,
    async () => {
      const { uow, lifecycle, newToken, accountId } = await setUp('postgres');
      const heard: { ids: string[]; revokedWhenHeard: Promise<Date | null | undefined> }[] = [];
      let onHeard: () => void = () => undefined;
      const listener = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await listener.connect();
      cleanups.push(() => listener.end());
      listener.on('notification', (message) => {
        const ids = (message.payload ?? '').split(',');
        // Read through the pool, on another connection, the moment the announcement arrives.
        const first = ids[0]!;
        heard.push({
          ids,
          revokedWhenHeard: uow.stores.tokens.findById(accountId, first).then((token) => token?.revokedAt),
        });
        onHeard();
      });
      await listener.query(`LISTEN ${TOKEN_INVALIDATION_CHANNEL}`);
      const heardOf = (id: string) =>
        new Promise<void>((resolve) => {
          const check = () => {
            if (heard.some((entry) => entry.ids.includes(id))) resolve();
          };
          onHeard = check;
          check();
        });

      const rolledBack = await newToken();
      await expect(
        lifecycle.change(async (changes) => {
          await changes.revoke(rolledBack, REVOCATION);
          throw new Error('the change fails after revoking');
        }),
      ).rejects.toThrow('the change fails after revoking');

      const revoked = await newToken();
      await lifecycle.change(async (changes) => {
        await changes.revoke(revoked, REVOCATION);
        await changes.revoke(revoked, REVOCATION);
      });
      // Announcements arrive in commit order: had the rolled-back one been sent, it would be here by now.
      await heardOf(revoked.id);

      const ours = heard.filter((entry) => entry.ids.some((id) => [revoked.id, rolledBack.id].includes(id)));
      expect(ours.map((entry) => entry.ids)).toEqual([[revoked.id]]);
      expect(await ours[0]!.revokedWhenHeard).toBeInstanceOf(Date);
    },
  );
});

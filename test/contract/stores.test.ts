/**
 * One contract for every store port of `src/core/ports.ts`, run against each database the server
 * supports: SQLite always, PostgreSQL when `TEST_DATABASE_URL` is set. The suite talks to the ports
 * only, so any implementation that passes it can back the platform.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AccessToken,
  AccountRecord,
  ApiKey,
  AuditEvent,
  Deployment,
  Passkey,
  Project,
  Session,
  WebAuthnChallengeBinding,
} from '../../src/core/model.js';
import type { DeviceAuthorization } from '../../src/core/oauth/model.js';
import { ManualClock } from '../../src/core/clock.js';
import { DuplicateError, type UnitOfWork } from '../../src/core/ports.js';
import type {
  KeyEncryptionKeyRecord,
  StoredProviderKey,
} from '../../src/core/providers/provider-key-store.js';
import { MemoryRateLimiter, type RateLimiter } from '../../src/core/rate-limiter.js';
import type { StoredWebhook, WebhookDeliveryRecord } from '../../src/core/webhooks/webhook-store.js';
import { migrateToLatest, type OpenDatabase, openDatabase } from '../../src/adapters/storage/database.js';
import { KyselyRateLimiter } from '../../src/adapters/storage/kysely-rate-limiter.js';
import { KyselyUnitOfWork } from '../../src/adapters/storage/kysely-unit-of-work.js';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from '../support/harness.js';

const T0 = new Date('2026-03-04T05:06:07.891Z');
const at = (offsetMs: number) => new Date(T0.getTime() + offsetMs);
const DAY = 86_400_000;

const unique = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;

function aPasskey(accountId: string, overrides: Partial<Passkey> = {}): Passkey {
  return {
    id: unique('pky'),
    accountId,
    credentialId: randomBytes(32).toString('base64url'),
    publicKey: new Uint8Array(randomBytes(77)),
    signCount: 0,
    transports: ['internal', 'hybrid'],
    name: 'Laptop',
    createdAt: T0,
    lastUsedAt: null,
    ...overrides,
  };
}

function anAccount(overrides: Partial<AccountRecord> = {}): AccountRecord {
  const id = unique('acc');
  return {
    id,
    email: `${id}@example.com`,
    name: 'Ada',
    passwordHash: 'scrypt$1024$8$1$salt$key',
    createdAt: T0,
    ...overrides,
  };
}

function anApiKey(accountId: string, overrides: Partial<ApiKey> = {}): ApiKey {
  return {
    id: unique('key'),
    accountId,
    name: 'billing worker',
    masked: 'sk_live_abcd…wxyz',
    createdAt: T0,
    expiresAt: null,
    lastUsedAt: null,
    lastUsedIp: null,
    revokedAt: null,
    revokedReason: null,
    replaces: null,
    replacedBy: null,
    ...overrides,
  };
}

function aToken(accountId: string, overrides: Partial<AccessToken> = {}): AccessToken {
  return {
    id: unique('tok'),
    accountId,
    name: unique('name'),
    masked: 'skt_abcd…wxyz',
    scopes: ['tokens:read'],
    createdAt: T0,
    expiresAt: at(30 * DAY),
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
    ...overrides,
  };
}

function aSession(accountId: string, overrides: Partial<Session> = {}): Session {
  return {
    id: unique('ses'),
    accountId,
    createdAt: T0,
    expiresAt: at(DAY),
    ip: '203.0.113.7',
    userAgent: 'Mozilla/5.0',
    revokedAt: null,
    reauthenticatedAt: null,
    lastSeenAt: null,
    ...overrides,
  };
}

function anEvent(accountId: string | null, overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id: unique('aud'),
    accountId,
    at: T0,
    action: 'token.created',
    actor: { type: 'session', id: 'ses_1' },
    target: { type: 'token', id: 'tok_1' },
    ip: '198.51.100.2',
    userAgent: 'curl/8',
    details: {},
    ...overrides,
  };
}

function aProject(accountId: string, overrides: Partial<Project> = {}): Project {
  return { id: unique('prj'), accountId, name: 'site', createdAt: T0, ...overrides };
}

function aDeployment(accountId: string, projectId: string, overrides: Partial<Deployment> = {}): Deployment {
  return {
    id: unique('dep'),
    accountId,
    projectId,
    environment: 'production',
    ref: 'main',
    status: 'queued',
    createdAt: T0,
    ...overrides,
  };
}

function aDevice(overrides: Partial<DeviceAuthorization> = {}): DeviceAuthorization {
  return {
    id: unique('dev'),
    clientId: 'skytells-cli',
    // Eight letters of the user-code alphabet, unique to the test.
    userCode: randomBytes(8)
      .toString('hex')
      .replace(/[0-9a-f]/g, (c) => 'BCDFGHJKLMNPQRST'[parseInt(c, 16)]!),
    scopes: ['projects:read'],
    deviceName: 'build-box',
    status: 'pending',
    accountId: null,
    grantedScopes: null,
    createdAt: T0,
    expiresAt: at(600_000),
    interval: 5,
    lastPolledAt: null,
    ...overrides,
  };
}

/** Limiters on one shared store, each on its own connection(s), all reading `clock`. */
type OpenLimiters = (clock: ManualClock) => RateLimiter[];

/** The {@link RateLimiter} contract, for any implementation whose limiters `open` returns. */
function rateLimiterContract(open: () => OpenLimiters): void {
  const window = { limit: 3, windowMs: 60_000 };

  it('allows hits up to the limit in one window and refuses the ones past it', async () => {
    const clock = new ManualClock(T0);
    const [limiter] = open()(clock);
    const key = unique('key');
    const states = [];
    for (let i = 0; i < 5; i++) states.push(await limiter!.hit(key, window));
    expect(states.map((s) => [s.allowed, s.count, s.remaining])).toEqual([
      [true, 1, 2],
      [true, 2, 1],
      [true, 3, 0],
      [false, 4, 0],
      [false, 5, 0],
    ]);
    expect(states[4]).toMatchObject({ resetAt: at(60_000), retryAfterSeconds: 60 });
  });

  it('starts a new window once the current one has ended, counted from its first hit', async () => {
    const clock = new ManualClock(T0);
    const [limiter] = open()(clock);
    const key = unique('key');
    for (let i = 0; i < 4; i++) await limiter!.hit(key, window);
    clock.advance(59_500);
    expect(await limiter!.hit(key, window)).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    clock.advance(500);
    expect(await limiter!.hit(key, window)).toMatchObject({
      allowed: true,
      count: 1,
      resetAt: at(120_000),
    });
  });

  it('counts a weighted hit as that many hits, also when it opens a new window', async () => {
    const clock = new ManualClock(T0);
    const [limiter] = open()(clock);
    const key = unique('key');
    expect(await limiter!.hit(key, window, 2)).toMatchObject({ allowed: true, count: 2, remaining: 1 });
    expect(await limiter!.hit(key, window, 2)).toMatchObject({ allowed: false, count: 4, remaining: 0 });
    clock.advance(60_000);
    expect(await limiter!.hit(key, window, 3)).toMatchObject({ allowed: true, count: 3, remaining: 0 });
  });

  it('keeps the counts of different keys apart', async () => {
    const [limiter] = open()(new ManualClock(T0));
    const key = unique('key');
    for (let i = 0; i < 4; i++) await limiter!.hit(key, window);
    expect(await limiter!.hit(`${key}-other`, window)).toMatchObject({ allowed: true, count: 1 });
  });

  it('peeks without counting, and says whether one more hit would be allowed', async () => {
    const clock = new ManualClock(T0);
    const [limiter] = open()(clock);
    const key = unique('key');
    expect(await limiter!.peek(key, window)).toMatchObject({ allowed: true, count: 0, retryAfterSeconds: 0 });
    await limiter!.hit(key, window);
    await limiter!.hit(key, window);
    expect(await limiter!.peek(key, window)).toMatchObject({ allowed: true, count: 2, remaining: 1 });
    await limiter!.hit(key, window);
    expect(await limiter!.peek(key, window)).toMatchObject({
      allowed: false,
      count: 3,
      remaining: 0,
      retryAfterSeconds: 60,
    });
    clock.advance(60_000);
    expect(await limiter!.peek(key, window)).toMatchObject({ allowed: true, count: 0, retryAfterSeconds: 0 });
  });

  it('forgets a key on reset, so its next hit opens a new window', async () => {
    const clock = new ManualClock(T0);
    const [limiter] = open()(clock);
    const key = unique('key');
    for (let i = 0; i < 4; i++) await limiter!.hit(key, window);
    await limiter!.reset(key);
    clock.advance(10_000);
    expect(await limiter!.hit(key, window)).toMatchObject({ allowed: true, count: 1, resetAt: at(70_000) });
  });

  it('takes any string as a key: control characters, quotes and long ones', async () => {
    const [limiter] = open()(new ManualClock(T0));
    const key = `${unique('key')}\u0000'; drop table rate_limit_windows; --${'x'.repeat(10_000)}`;
    await limiter!.hit(key, window);
    expect(await limiter!.hit(key, window)).toMatchObject({ count: 2 });
    expect(await limiter!.peek(`${key}y`, window)).toMatchObject({ count: 0 });
  });

  it('never allows more than the limit when many connections hit one key at once', async () => {
    const limiters = open()(new ManualClock(T0));
    const key = unique('key');
    const states = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        limiters[i % limiters.length]!.hit(key, { limit: 10, windowMs: 60_000 }),
      ),
    );
    expect(states.filter((s) => s.allowed)).toHaveLength(10);
    expect(states.map((s) => s.count).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 60 }, (_, i) => i + 1),
    );
  });
}

describe('MemoryRateLimiter contract', () => {
  rateLimiterContract(() => (clock) => [new MemoryRateLimiter(clock)]);
});

const dialects = TEST_DATABASE_URL === undefined ? (['sqlite'] as const) : (['sqlite', 'postgres'] as const);
const LABEL = { sqlite: 'SQLite', postgres: 'PostgreSQL' } as const;

describe.each(dialects)('%s store contract', (dialect) => {
  let testDatabase: TestDatabase;
  let database: OpenDatabase;
  let uow: UnitOfWork;

  beforeAll(async () => {
    testDatabase = await createTestDatabase(dialect);
    database = openDatabase(testDatabase.target);
    await migrateToLatest(database);
    uow = new KyselyUnitOfWork(database.db, database.dialect);
  });

  afterAll(async () => {
    await database?.close();
    await testDatabase?.dispose();
  });

  /** A stored account of its own for one test. */
  async function givenAccount(): Promise<AccountRecord> {
    const account = anAccount();
    await uow.stores.accounts.insert(account);
    return account;
  }

  /** Stores `token` under a hash of its own and returns that hash. */
  async function givenToken(token: AccessToken): Promise<string> {
    const hash = randomBytes(32).toString('base64url');
    await uow.stores.tokens.insert(token, hash);
    return hash;
  }

  it(`runs on ${LABEL[dialect]}`, () => {
    expect(database.dialect).toBe(dialect);
  });

  describe('AccountStore', () => {
    it('finds a stored account by id and by email, with every field intact', async () => {
      const account = anAccount({ createdAt: new Date('2026-01-02T03:04:05.006Z') });
      await uow.stores.accounts.insert(account);

      expect(await uow.stores.accounts.findById(account.id)).toEqual(account);
      expect(await uow.stores.accounts.findByEmail(account.email)).toEqual(account);
    });

    it('reads an unknown id or email as absent', async () => {
      expect(await uow.stores.accounts.findById(unique('acc'))).toBeUndefined();
      expect(await uow.stores.accounts.findByEmail(`${unique('nobody')}@example.com`)).toBeUndefined();
    });

    it('refuses a second account with the same email with a DuplicateError', async () => {
      const first = await givenAccount();
      const second = anAccount({ email: first.email });

      await expect(uow.stores.accounts.insert(second)).rejects.toBeInstanceOf(DuplicateError);
      expect(await uow.stores.accounts.findById(second.id)).toBeUndefined();
    });

    it('lets a transaction lock an account so that check-then-insert holds under concurrency', async () => {
      const account = await givenAccount();
      const name = 'deploy';
      const createIfFree = () =>
        uow.transaction(async (stores) => {
          await stores.accounts.lock(account.id);
          if (await stores.tokens.findActiveByName(account.id, name, T0)) return false;
          await stores.tokens.insert(aToken(account.id, { name }), randomBytes(32).toString('base64url'));
          return true;
        });

      const outcomes = await Promise.all([createIfFree(), createIfFree(), createIfFree()]);

      expect(outcomes.filter(Boolean)).toHaveLength(1);
      const tokens = await uow.stores.tokens.list(account.id, { status: 'all', now: T0 }, { limit: 10 });
      expect(tokens.map((t) => t.name)).toEqual([name]);
    });
  });

  describe('TokenStore', () => {
    it('finds a token by the hash it was stored under, with scopes and times round-tripped exactly', async () => {
      const account = await givenAccount();
      const token = aToken(account.id, {
        scopes: ['tokens:read', 'projects:write', 'audit:read'],
        createdAt: new Date('2026-03-04T05:06:07.001Z'),
        expiresAt: new Date('2026-04-04T05:06:07.999Z'),
        createdVia: 'oauth',
        clientId: 'skytells-cli',
        replaces: 'tok_previous',
      });
      const hash = await givenToken(token);

      expect(await uow.stores.tokens.findByHash(hash)).toEqual(token);
      expect(await uow.stores.tokens.findByHash(randomBytes(32).toString('base64url'))).toBeUndefined();
    });

    it('keeps a token without expiry as never expiring', async () => {
      const account = await givenAccount();
      const token = aToken(account.id, { expiresAt: null, scopes: [] });
      const hash = await givenToken(token);

      expect(await uow.stores.tokens.findByHash(hash)).toEqual(token);
    });

    it("finds a token by id only within its own account; another account's id reads as absent", async () => {
      const owner = await givenAccount();
      const stranger = await givenAccount();
      const token = aToken(owner.id);
      await givenToken(token);

      expect(await uow.stores.tokens.findById(owner.id, token.id)).toEqual(token);
      expect(await uow.stores.tokens.findById(stranger.id, token.id)).toBeUndefined();
      expect(await uow.stores.tokens.findById(owner.id, unique('tok'))).toBeUndefined();
    });

    it('lists tokens by their status at the given instant, newest first', async () => {
      const account = await givenAccount();
      const now = at(10 * DAY);
      const active = aToken(account.id, { createdAt: at(1), expiresAt: at(20 * DAY) });
      const neverExpires = aToken(account.id, { createdAt: at(2), expiresAt: null });
      const expired = aToken(account.id, { createdAt: at(3), expiresAt: at(5 * DAY) });
      const expiresExactlyNow = aToken(account.id, { createdAt: at(4), expiresAt: now });
      const revoked = aToken(account.id, { createdAt: at(5), revokedAt: at(DAY), revokedReason: 'revoked' });
      const revokedAndExpired = aToken(account.id, {
        createdAt: at(6),
        expiresAt: at(2 * DAY),
        revokedAt: at(DAY),
        revokedReason: 'leaked',
      });
      const revocationScheduled = aToken(account.id, {
        createdAt: at(7),
        revokedAt: at(11 * DAY),
        revokedReason: 'rotated',
      });
      const all = [
        active,
        neverExpires,
        expired,
        expiresExactlyNow,
        revoked,
        revokedAndExpired,
        revocationScheduled,
      ];
      for (const token of all) await givenToken(token);
      const other = await givenAccount();
      await givenToken(aToken(other.id, { createdAt: at(8) }));

      const ids = async (status: 'active' | 'expired' | 'revoked' | 'all') =>
        (await uow.stores.tokens.list(account.id, { status, now }, { limit: 100 })).map((t) => t.id);

      expect(await ids('active')).toEqual([revocationScheduled.id, neverExpires.id, active.id]);
      expect(await ids('expired')).toEqual([expiresExactlyNow.id, expired.id]);
      expect(await ids('revoked')).toEqual([revokedAndExpired.id, revoked.id]);
      expect(await ids('all')).toEqual(all.map((t) => t.id).reverse());
    });

    it('pages a listing with after/limit, breaking ties of equal created_at by id, without gaps or repeats', async () => {
      const account = await givenAccount();
      const sameInstant = at(DAY);
      const base = unique('tok');
      const tokens = [
        aToken(account.id, { id: `${base}a`, createdAt: sameInstant }),
        aToken(account.id, { id: `${base}c`, createdAt: sameInstant }),
        aToken(account.id, { id: `${base}b`, createdAt: sameInstant }),
        aToken(account.id, { createdAt: at(2 * DAY) }),
        aToken(account.id, { createdAt: at(1) }),
      ];
      for (const token of tokens) await givenToken(token);
      const expected = [tokens[3]!, tokens[1]!, tokens[2]!, tokens[0]!, tokens[4]!].map((t) => t.id);

      const seen: string[] = [];
      let after: { createdAt: Date; id: string } | undefined;
      for (let pages = 0; pages < 10; pages++) {
        const page = await uow.stores.tokens.list(
          account.id,
          { status: 'all', now: T0 },
          { limit: 2, ...(after === undefined ? {} : { after }) },
        );
        expect(page.length).toBeLessThanOrEqual(2);
        if (page.length === 0) break;
        seen.push(...page.map((t) => t.id));
        const last = page.at(-1)!;
        after = { createdAt: last.createdAt, id: last.id };
      }

      expect(seen).toEqual(expected);
    });

    it('finds the active token of a name, ignoring revoked and expired tokens of the same name', async () => {
      const account = await givenAccount();
      const now = at(10 * DAY);
      await givenToken(aToken(account.id, { name: 'ci', revokedAt: at(DAY), revokedReason: 'revoked' }));
      await givenToken(aToken(account.id, { name: 'ci', expiresAt: at(2 * DAY) }));
      expect(await uow.stores.tokens.findActiveByName(account.id, 'ci', now)).toBeUndefined();

      const live = aToken(account.id, { name: 'ci', expiresAt: at(20 * DAY) });
      await givenToken(live);
      expect(await uow.stores.tokens.findActiveByName(account.id, 'ci', now)).toEqual(live);

      const other = await givenAccount();
      expect(await uow.stores.tokens.findActiveByName(other.id, 'ci', now)).toBeUndefined();
    });

    it('revokes only once: a second revocation changes nothing and returns false', async () => {
      const account = await givenAccount();
      const token = aToken(account.id);
      const hash = await givenToken(token);

      expect(await uow.stores.tokens.revoke(token.id, at(1000), 'revoked')).toBe(true);
      expect(await uow.stores.tokens.revoke(token.id, at(2000), 'leaked')).toBe(false);

      expect(await uow.stores.tokens.findByHash(hash)).toMatchObject({
        revokedAt: at(1000),
        revokedReason: 'revoked',
      });
    });

    it('brings a scheduled revocation forward but never pushes a revocation later', async () => {
      const account = await givenAccount();
      const token = aToken(account.id);
      const hash = await givenToken(token);

      expect(await uow.stores.tokens.revoke(token.id, at(DAY), 'rotated')).toBe(true);
      expect(await uow.stores.tokens.revoke(token.id, at(2 * DAY), 'revoked')).toBe(false);
      expect(await uow.stores.tokens.revoke(token.id, at(1000), 'leaked')).toBe(true);

      expect(await uow.stores.tokens.findByHash(hash)).toMatchObject({
        revokedAt: at(1000),
        revokedReason: 'leaked',
      });
    });

    it('reports an unknown token as not revoked', async () => {
      expect(await uow.stores.tokens.revoke(unique('tok'), T0, 'revoked')).toBe(false);
    });

    it('links a token to the one that replaces it', async () => {
      const account = await givenAccount();
      const old = aToken(account.id);
      const fresh = aToken(account.id, { replaces: old.id });
      await givenToken(old);
      await givenToken(fresh);

      await uow.stores.tokens.setReplacedBy(old.id, fresh.id);

      expect(await uow.stores.tokens.findById(account.id, old.id)).toMatchObject({ replacedBy: fresh.id });
      expect(await uow.stores.tokens.findById(account.id, fresh.id)).toMatchObject({
        replaces: old.id,
        replacedBy: null,
        revokeOnFirstUseOf: null,
        restrictions: null,
      });
    });

    it('records last use in a batch, and an older observation never overwrites a newer one', async () => {
      const account = await givenAccount();
      const first = aToken(account.id);
      const second = aToken(account.id);
      await givenToken(first);
      await givenToken(second);

      await uow.stores.tokens.recordLastUse([
        { tokenId: first.id, at: at(5000), ip: '192.0.2.1', userAgent: 'agent/new' },
        { tokenId: second.id, at: at(7), ip: null, userAgent: null },
      ]);
      await uow.stores.tokens.recordLastUse([
        { tokenId: first.id, at: at(4000), ip: '192.0.2.99', userAgent: 'agent/old' },
      ]);

      expect(await uow.stores.tokens.findById(account.id, first.id)).toMatchObject({
        lastUsedAt: at(5000),
        lastUsedIp: '192.0.2.1',
        lastUsedUserAgent: 'agent/new',
      });
      expect(await uow.stores.tokens.findById(account.id, second.id)).toMatchObject({
        lastUsedAt: at(7),
        lastUsedIp: null,
        lastUsedUserAgent: null,
      });

      await uow.stores.tokens.recordLastUse([
        { tokenId: first.id, at: at(5001), ip: '192.0.2.2', userAgent: 'agent/newer' },
      ]);
      expect(await uow.stores.tokens.findById(account.id, first.id)).toMatchObject({
        lastUsedAt: at(5001),
        lastUsedIp: '192.0.2.2',
        lastUsedUserAgent: 'agent/newer',
      });
    });

    it('records last use inside a transaction too, and ignores an empty batch or an unknown token', async () => {
      const account = await givenAccount();
      const token = aToken(account.id);
      await givenToken(token);

      await uow.stores.tokens.recordLastUse([]);
      await uow.transaction((stores) =>
        stores.tokens.recordLastUse([
          { tokenId: unique('tok'), at: at(1), ip: null, userAgent: null },
          { tokenId: token.id, at: at(2), ip: '::1', userAgent: 'ua' },
        ]),
      );

      expect(await uow.stores.tokens.findById(account.id, token.id)).toMatchObject({ lastUsedAt: at(2) });
    });

    it('never moves last use back when two processes flush the same token, whichever writes last', async () => {
      const account = await givenAccount();
      const token = aToken(account.id);
      await givenToken(token);
      // A second process: its own connection (pool) to the same database.
      const other = openDatabase(testDatabase.target);
      try {
        const elsewhere = new KyselyUnitOfWork(other.db, other.dialect);
        const use = (at: Date, userAgent: string) => [{ tokenId: token.id, at, ip: '192.0.2.5', userAgent }];

        await uow.stores.tokens.recordLastUse(use(at(9000), 'seen-here'));
        await elsewhere.stores.tokens.recordLastUse(use(at(8000), 'seen-elsewhere-earlier'));
        expect(await uow.stores.tokens.findById(account.id, token.id)).toMatchObject({
          lastUsedAt: at(9000),
          lastUsedUserAgent: 'seen-here',
        });

        // The newer observation from either side in turn; on PostgreSQL both flush at once. Two SQLite
        // connections in one process would wait on each other's lock synchronously: there the newer
        // one writes first.
        for (let round = 1; round <= 10; round += 1) {
          const [newer, older] = round % 2 === 0 ? [uow, elsewhere] : [elsewhere, uow];
          const writes = [
            () => newer.stores.tokens.recordLastUse(use(at(10_000 + round * 10), `newer-${round}`)),
            () => older.stores.tokens.recordLastUse(use(at(10_000 + round * 10 - 5), `older-${round}`)),
          ];
          if (dialect === 'postgres') await Promise.all(writes.map((write) => write()));
          else for (const write of writes) await write();
          expect(await uow.stores.tokens.findById(account.id, token.id)).toMatchObject({
            lastUsedAt: at(10_000 + round * 10),
            lastUsedUserAgent: `newer-${round}`,
          });
        }
      } finally {
        await other.close();
      }
    });

    it('lets two processes flush the same tokens at once, in opposite orders, without a deadlock', async () => {
      const account = await givenAccount();
      const tokens = Array.from({ length: 1_200 }, () => aToken(account.id));
      for (const token of tokens) await givenToken(token);
      const other = openDatabase(testDatabase.target);
      try {
        const elsewhere = new KyselyUnitOfWork(other.db, other.dialect);
        // More than one chunk each, overlapping entirely, each process's batch in its own order: rows
        // locked in different orders by two transactions would deadlock on PostgreSQL.
        const uses = (ms: number) =>
          tokens.map((token) => ({ tokenId: token.id, at: at(ms), ip: null, userAgent: null }));
        for (let round = 1; round <= 3; round += 1) {
          const writes = [
            () => uow.stores.tokens.recordLastUse(uses(20_000 + round * 10)),
            () => elsewhere.stores.tokens.recordLastUse(uses(20_000 + round * 10 + 5).reverse()),
          ];
          if (dialect === 'postgres') await Promise.all(writes.map((write) => write()));
          else for (const write of writes) await write();
        }
        const sample = [tokens[0]!, tokens[600]!, tokens[1_199]!];
        for (const token of sample) {
          expect(await uow.stores.tokens.findById(account.id, token.id)).toMatchObject({
            lastUsedAt: at(20_035),
          });
        }
      } finally {
        await other.close();
      }
    });
  });

  describe('ApiKeyStore', () => {
    /** Stores `key` under a hash of its own and returns that hash. */
    async function givenApiKey(key: ApiKey): Promise<string> {
      const hash = randomBytes(32).toString('base64url');
      await uow.stores.apiKeys.insert(key, hash);
      return hash;
    }

    it('finds a key by the hash it was stored under, with every field round-tripped, and by id only in its account', async () => {
      const account = await givenAccount();
      const other = await givenAccount();
      const key = anApiKey(account.id, {
        createdAt: new Date('2026-03-04T05:06:07.001Z'),
        expiresAt: new Date('2026-03-05T05:06:07.999Z'),
        replaces: 'key_previous',
      });
      const hash = await givenApiKey(key);

      expect(await uow.stores.apiKeys.findByHash(hash)).toEqual(key);
      expect(await uow.stores.apiKeys.findByHash(randomBytes(32).toString('base64url'))).toBeUndefined();
      expect(await uow.stores.apiKeys.findById(account.id, key.id)).toEqual(key);
      expect(await uow.stores.apiKeys.findById(other.id, key.id)).toBeUndefined();
    });

    it('refuses a second key under the same hash with a DuplicateError', async () => {
      const account = await givenAccount();
      const hash = await givenApiKey(anApiKey(account.id));

      await expect(uow.stores.apiKeys.insert(anApiKey(account.id), hash)).rejects.toBeInstanceOf(
        DuplicateError,
      );
    });

    it('lists keys by their status at the given instant, newest first, paged by after/limit', async () => {
      const account = await givenAccount();
      const active = anApiKey(account.id, { createdAt: at(3) });
      const graceEnds = anApiKey(account.id, { createdAt: at(2), expiresAt: at(DAY) });
      const revoked = anApiKey(account.id, { createdAt: at(1), revokedAt: at(5), revokedReason: 'revoked' });
      for (const key of [active, graceEnds, revoked]) await givenApiKey(key);
      const ids = async (status: 'active' | 'expired' | 'revoked' | 'all', now: Date) =>
        (await uow.stores.apiKeys.list(account.id, { status, now }, { limit: 10 })).map((key) => key.id);

      expect(await ids('all', at(10))).toEqual([active.id, graceEnds.id, revoked.id]);
      expect(await ids('active', at(10))).toEqual([active.id, graceEnds.id]);
      expect(await ids('active', at(DAY))).toEqual([active.id]);
      expect(await ids('expired', at(DAY))).toEqual([graceEnds.id]);
      expect(await ids('revoked', at(10))).toEqual([revoked.id]);
      const second = await uow.stores.apiKeys.list(
        account.id,
        { status: 'all', now: at(10) },
        { after: { createdAt: active.createdAt, id: active.id }, limit: 1 },
      );
      expect(second.map((key) => key.id)).toEqual([graceEnds.id]);
    });

    it('revokes only once, keeping the first instant and reason', async () => {
      const account = await givenAccount();
      const key = anApiKey(account.id);
      await givenApiKey(key);

      expect(await uow.stores.apiKeys.revoke(key.id, at(10), 'leaked')).toBe(true);
      expect(await uow.stores.apiKeys.revoke(key.id, at(20), 'revoked')).toBe(false);
      expect(await uow.stores.apiKeys.findById(account.id, key.id)).toMatchObject({
        revokedAt: at(10),
        revokedReason: 'leaked',
      });
    });

    it('links a key to its replacement and sets the end of its grace period', async () => {
      const account = await givenAccount();
      const old = anApiKey(account.id);
      const kept = anApiKey(account.id);
      for (const key of [old, kept]) await givenApiKey(key);

      await uow.stores.apiKeys.setReplacedBy(old.id, 'key_new', at(DAY));
      await uow.stores.apiKeys.setReplacedBy(kept.id, 'key_other', null);

      expect(await uow.stores.apiKeys.findById(account.id, old.id)).toMatchObject({
        replacedBy: 'key_new',
        expiresAt: at(DAY),
      });
      expect(await uow.stores.apiKeys.findById(account.id, kept.id)).toMatchObject({
        replacedBy: 'key_other',
        expiresAt: null,
      });
    });

    it('records last use in a batch, never moving it back, from two processes at once', async () => {
      const account = await givenAccount();
      const keys = Array.from({ length: 600 }, () => anApiKey(account.id));
      for (const key of keys) await givenApiKey(key);
      const other = openDatabase(testDatabase.target);
      try {
        const elsewhere = new KyselyUnitOfWork(other.db, other.dialect);
        const uses = (ms: number, ip: string) => keys.map((key) => ({ keyId: key.id, at: at(ms), ip }));
        const writes = [
          () => uow.stores.apiKeys.recordLastUse(uses(9000, '192.0.2.9')),
          () => elsewhere.stores.apiKeys.recordLastUse(uses(8000, '192.0.2.8').reverse()),
        ];
        if (dialect === 'postgres') await Promise.all(writes.map((write) => write()));
        else for (const write of writes) await write();
        await uow.stores.apiKeys.recordLastUse([]);

        for (const key of [keys[0]!, keys[599]!]) {
          expect(await uow.stores.apiKeys.findById(account.id, key.id)).toMatchObject({
            lastUsedAt: at(9000),
            lastUsedIp: '192.0.2.9',
          });
        }
      } finally {
        await other.close();
      }
    });
  });

  describe('SessionStore', () => {
    it('finds a session by its secret hash and ends it once', async () => {
      const account = await givenAccount();
      const session = aSession(account.id, { createdAt: at(123), expiresAt: at(DAY + 456) });
      const secretHash = randomBytes(32).toString('base64url');
      await uow.stores.sessions.insert(session, secretHash);

      expect(await uow.stores.sessions.findBySecretHash(secretHash)).toEqual(session);
      expect(
        await uow.stores.sessions.findBySecretHash(randomBytes(32).toString('base64url')),
      ).toBeUndefined();

      await uow.stores.sessions.revoke(session.id, at(1000));
      await uow.stores.sessions.revoke(session.id, at(2000));

      expect(await uow.stores.sessions.findBySecretHash(secretHash)).toEqual({
        ...session,
        revokedAt: at(1000),
      });
    });

    it('keeps a session without ip or user agent', async () => {
      const account = await givenAccount();
      const session = aSession(account.id, { ip: null, userAgent: null });
      const secretHash = randomBytes(32).toString('base64url');
      await uow.stores.sessions.insert(session, secretHash);

      expect(await uow.stores.sessions.findBySecretHash(secretHash)).toEqual(session);
    });

    /** Stores `session` under a secret hash of its own. */
    const givenSession = async (session: Session) => {
      await uow.stores.sessions.insert(session, randomBytes(32).toString('base64url'));
      return session;
    };

    it('lists live sessions only: not revoked, not expired, not idle, most recently active first', async () => {
      const account = await givenAccount();
      const other = await givenAccount();
      const now = at(20 * DAY);
      const idleSince = at(6 * DAY);
      const seenLately = await givenSession(
        aSession(account.id, { createdAt: at(DAY), expiresAt: at(30 * DAY), lastSeenAt: at(19 * DAY) }),
      );
      const createdLately = await givenSession(
        aSession(account.id, { createdAt: at(10 * DAY), expiresAt: at(40 * DAY) }),
      );
      await givenSession(aSession(account.id, { createdAt: at(DAY), expiresAt: at(30 * DAY) }));
      await givenSession(
        aSession(account.id, { createdAt: at(DAY), expiresAt: at(30 * DAY), lastSeenAt: at(5 * DAY) }),
      );
      await givenSession(aSession(account.id, { createdAt: at(10 * DAY), expiresAt: at(19 * DAY) }));
      const revoked = await givenSession(
        aSession(account.id, { createdAt: at(10 * DAY), expiresAt: at(40 * DAY) }),
      );
      await uow.stores.sessions.revoke(revoked.id, at(11 * DAY));
      await givenSession(aSession(other.id, { createdAt: at(10 * DAY), expiresAt: at(40 * DAY) }));

      expect(await uow.stores.sessions.listActive(account.id, { now, idleSince })).toEqual([
        seenLately,
        createdLately,
      ]);
    });

    it('ends every live session of the account but one, and says which', async () => {
      const account = await givenAccount();
      const other = await givenAccount();
      const window = { now: at(2 * DAY), idleSince: at(-12 * DAY) };
      const kept = await givenSession(aSession(account.id));
      const ended = await givenSession(aSession(account.id));
      const alreadyRevoked = await givenSession(aSession(account.id));
      await uow.stores.sessions.revoke(alreadyRevoked.id, at(500));
      const foreign = await givenSession(aSession(other.id));

      expect(
        await uow.stores.sessions.revokeAllExcept(account.id, kept.id, { ...window, now: at(1000) }),
      ).toEqual([ended.id]);
      const live = await uow.stores.sessions.listActive(account.id, {
        now: at(2000),
        idleSince: window.idleSince,
      });
      expect(live.map((session) => session.id)).toEqual([kept.id]);
      expect(
        (await uow.stores.sessions.listActive(other.id, { now: at(2000), idleSince: window.idleSince })).map(
          (session) => session.id,
        ),
      ).toEqual([foreign.id]);
    });

    it('records when a session was last seen, never moving it back', async () => {
      const account = await givenAccount();
      const session = aSession(account.id);
      const secretHash = randomBytes(32).toString('base64url');
      await uow.stores.sessions.insert(session, secretHash);

      await uow.stores.sessions.touch(session.id, at(5000));
      await uow.stores.sessions.touch(session.id, at(3000));
      expect((await uow.stores.sessions.findBySecretHash(secretHash))?.lastSeenAt).toEqual(at(5000));
    });

    it('tells whether the account signed in before, and from an address', async () => {
      const account = await givenAccount();
      expect(await uow.stores.sessions.signInHistory(account.id, '203.0.113.7')).toEqual({
        hasAny: false,
        hasFromIp: false,
      });
      const ended = await givenSession(aSession(account.id, { ip: '203.0.113.7' }));
      await uow.stores.sessions.revoke(ended.id, at(1));
      expect(await uow.stores.sessions.signInHistory(account.id, '203.0.113.7')).toEqual({
        hasAny: true,
        hasFromIp: true,
      });
      expect(await uow.stores.sessions.signInHistory(account.id, '198.51.100.1')).toEqual({
        hasAny: true,
        hasFromIp: false,
      });
    });
  });

  describe('MailOutboxStore', () => {
    const aMail = (accountId: string, createdAt: Date) => ({
      id: unique('msg'),
      accountId,
      kind: 'password_changed',
      recipient: `${accountId}@example.com`,
      subject: 'Your Skytells password was changed',
      text: 'plain é',
      html: '<p>html é</p>',
      createdAt,
    });

    it('claims due messages once per lease, and only the claim holder marks them', async () => {
      const account = await givenAccount();
      const mail = aMail(account.id, at(-DAY));
      await uow.stores.outbox.enqueue(mail);
      const now = at(0);

      const claimed = await uow.stores.outbox.claim({
        now,
        leaseUntil: at(60_000),
        claimId: 'one',
        limit: 1000,
      });
      const mine = claimed.find((item) => item.id === mail.id);
      expect(mine).toEqual({ ...mail, attempts: 1, claimId: 'one' });
      const again = await uow.stores.outbox.claim({
        now,
        leaseUntil: at(60_000),
        claimId: 'two',
        limit: 1000,
      });
      expect(again.map((item) => item.id)).not.toContain(mail.id);

      expect(await uow.stores.outbox.markSent(mail.id, 'two', at(1))).toBe(false);
      expect(await uow.stores.outbox.markSent(mail.id, 'one', at(1))).toBe(true);
      const later = await uow.stores.outbox.claim({
        now: at(DAY),
        leaseUntil: at(DAY + 1),
        claimId: 'three',
        limit: 1000,
      });
      expect(later.map((item) => item.id)).not.toContain(mail.id);
    });

    it('makes a failed message due again at its retry time, or never once given up', async () => {
      const account = await givenAccount();
      const retried = aMail(account.id, at(-DAY));
      const givenUp = aMail(account.id, at(-DAY));
      await uow.stores.outbox.enqueue(retried);
      await uow.stores.outbox.enqueue(givenUp);
      const claim = { now: at(0), leaseUntil: at(60_000), claimId: 'c', limit: 1000 };
      await uow.stores.outbox.claim(claim);
      await uow.stores.outbox.markFailed(retried.id, 'c', {
        at: at(1),
        error: 'refused',
        retryAt: at(30_000),
      });
      await uow.stores.outbox.markFailed(givenUp.id, 'c', { at: at(1), error: 'refused', retryAt: null });

      const early = await uow.stores.outbox.claim({ ...claim, now: at(29_999), claimId: 'd' });
      expect(early.map((item) => item.id)).not.toContain(retried.id);
      const due = await uow.stores.outbox.claim({
        ...claim,
        now: at(30_000),
        leaseUntil: at(90_000),
        claimId: 'e',
      });
      expect(due.find((item) => item.id === retried.id)?.attempts).toBe(2);
      expect(due.map((item) => item.id)).not.toContain(givenUp.id);
    });
  });

  describe('WebhookStore', () => {
    const aWebhook = (accountId: string, events: StoredWebhook['events']): StoredWebhook => ({
      id: unique('whk'),
      accountId,
      url: 'https://example.com/hooks',
      events,
      sealedSecret: 'v1.sealed',
      createdAt: T0,
    });
    const aDelivery = (webhook: StoredWebhook, createdAt: Date): WebhookDeliveryRecord => ({
      id: unique('whd'),
      eventId: unique('evt'),
      webhookId: webhook.id,
      accountId: webhook.accountId,
      type: 'token.created',
      body: '{"id":"evt","data":{"name":"é"}}',
      status: 'pending',
      attempts: 0,
      responseStatus: null,
      error: null,
      createdAt,
      lastAttemptAt: null,
      nextAttemptAt: createdAt,
      deliveredAt: null,
    });

    it('lists webhooks subscribed to an event in their account only, with their newest delivery', async () => {
      const account = await givenAccount();
      const other = await givenAccount();
      const tokens = aWebhook(account.id, ['token.created', 'token.revoked']);
      const keys = aWebhook(account.id, ['api_key.created']);
      await uow.stores.webhooks.insert(tokens);
      await uow.stores.webhooks.insert(keys);
      await uow.stores.webhooks.insert(aWebhook(other.id, ['token.created']));
      expect(
        (await uow.stores.webhooks.listSubscribed(account.id, 'token.created')).map((w) => w.id),
      ).toEqual([tokens.id]);
      expect(await uow.stores.webhooks.findById(other.id, tokens.id)).toBeUndefined();
      await uow.stores.webhooks.enqueue([aDelivery(tokens, at(1_000))]);
      expect(await uow.stores.webhooks.findById(account.id, tokens.id)).toEqual({
        ...tokens,
        lastDeliveryAt: at(1_000),
        lastDeliveryStatus: 'pending',
      });
      expect(await uow.stores.webhooks.delete(other.id, tokens.id)).toBe(false);
      expect(await uow.stores.webhooks.delete(account.id, tokens.id)).toBe(true);
      expect(await uow.stores.webhooks.listDeliveries(tokens.id, { limit: 10 })).toEqual([]);
    });

    it('claims a due delivery once per lease; only the claim holder records it, and a delivered one is never claimed again', async () => {
      const account = await givenAccount();
      const webhook = aWebhook(account.id, ['token.created']);
      await uow.stores.webhooks.insert(webhook);
      const delivery = aDelivery(webhook, at(-DAY));
      await uow.stores.webhooks.enqueue([delivery]);
      const mine = <T extends { id: string }>(claimed: T[]) =>
        claimed.filter((item) => item.id === delivery.id);

      const first = await uow.stores.webhooks.claim({
        now: at(0),
        leaseUntil: at(60_000),
        claimId: 'one',
        limit: 1000,
      });
      expect(mine(first)).toEqual([
        {
          ...delivery,
          attempts: 1,
          nextAttemptAt: at(60_000),
          url: webhook.url,
          sealedSecret: 'v1.sealed',
          claimId: 'one',
        },
      ]);
      const during = await uow.stores.webhooks.claim({
        now: at(59_999),
        leaseUntil: at(120_000),
        claimId: 'two',
        limit: 1000,
      });
      expect(mine(during)).toEqual([]);
      // The lease ended: another process takes it over, and the first one's claim is void.
      const after = await uow.stores.webhooks.claim({
        now: at(60_000),
        leaseUntil: at(120_000),
        claimId: 'three',
        limit: 1000,
      });
      expect(mine(after).map((item) => item.attempts)).toEqual([2]);
      const result = { at: at(60_001), responseStatus: 200, error: null };
      expect(await uow.stores.webhooks.markDelivered(delivery.id, 'one', result)).toBe(false);
      expect(await uow.stores.webhooks.markDelivered(delivery.id, 'three', result)).toBe(true);
      const later = await uow.stores.webhooks.claim({
        now: at(DAY),
        leaseUntil: at(DAY + 1),
        claimId: 'four',
        limit: 1000,
      });
      expect(mine(later)).toEqual([]);
      expect(await uow.stores.webhooks.listDeliveries(webhook.id, { limit: 10 })).toEqual([
        expect.objectContaining({
          status: 'delivered',
          attempts: 2,
          responseStatus: 200,
          nextAttemptAt: null,
          deliveredAt: at(60_001),
        }),
      ]);
    });

    it('makes a failed delivery due again at its retry time as retrying, or never once failed', async () => {
      const account = await givenAccount();
      const webhook = aWebhook(account.id, ['token.created']);
      await uow.stores.webhooks.insert(webhook);
      const retried = aDelivery(webhook, at(-DAY));
      const givenUp = aDelivery(webhook, at(-DAY));
      await uow.stores.webhooks.enqueue([retried, givenUp]);
      const claim = { now: at(0), leaseUntil: at(60_000), claimId: 'c', limit: 1000 };
      await uow.stores.webhooks.claim(claim);
      const failure = { at: at(1), responseStatus: 500, error: 'the receiver answered 500' };
      expect(await uow.stores.webhooks.markFailed(retried.id, 'c', { ...failure, retryAt: at(30_000) })).toBe(
        true,
      );
      expect(await uow.stores.webhooks.markFailed(givenUp.id, 'c', { ...failure, retryAt: null })).toBe(true);
      const ids = (claimed: { id: string }[]) => claimed.map((item) => item.id);

      expect(ids(await uow.stores.webhooks.claim({ ...claim, now: at(29_999), claimId: 'd' }))).not.toContain(
        retried.id,
      );
      const due = await uow.stores.webhooks.claim({
        ...claim,
        now: at(30_000),
        leaseUntil: at(90_000),
        claimId: 'e',
      });
      expect(due.find((item) => item.id === retried.id)).toMatchObject({
        status: 'retrying',
        attempts: 2,
        responseStatus: 500,
      });
      expect(ids(due)).not.toContain(givenUp.id);
      const listed = await uow.stores.webhooks.listDeliveries(webhook.id, { limit: 10 });
      expect(listed.find((item) => item.id === givenUp.id)).toMatchObject({
        status: 'failed',
        nextAttemptAt: null,
      });
    });
  });

  describe('PasskeyStore', () => {
    it('round-trips a passkey, key bytes and a 32-bit counter included, and finds it only in its account', async () => {
      const account = await givenAccount();
      const other = await givenAccount();
      const passkey = aPasskey(account.id, { signCount: 2 ** 32 - 1 });
      const later = aPasskey(account.id, { createdAt: at(1000), transports: [] });
      await uow.stores.passkeys.insert(later);
      await uow.stores.passkeys.insert(passkey);

      expect(await uow.stores.passkeys.listByAccount(account.id)).toEqual([passkey, later]);
      expect(await uow.stores.passkeys.countByAccount(account.id)).toBe(2);
      expect(await uow.stores.passkeys.findByCredentialId(account.id, passkey.credentialId)).toEqual(passkey);
      expect(await uow.stores.passkeys.findByCredentialId(other.id, passkey.credentialId)).toBeUndefined();
      await expect(
        uow.stores.passkeys.insert(aPasskey(other.id, { credentialId: passkey.credentialId })),
      ).rejects.toBeInstanceOf(DuplicateError);

      expect(await uow.stores.passkeys.delete(other.id, passkey.id)).toBe(false);
      expect(await uow.stores.passkeys.delete(account.id, passkey.id)).toBe(true);
      await uow.stores.passkeys.deleteAll(account.id);
      expect(await uow.stores.passkeys.countByAccount(account.id)).toBe(0);
    });

    it('accepts a signature counter only when it moves forward, or stays 0 for an authenticator without one', async () => {
      const account = await givenAccount();
      const counting = aPasskey(account.id, { signCount: 5 });
      const counterless = aPasskey(account.id);
      await uow.stores.passkeys.insert(counting);
      await uow.stores.passkeys.insert(counterless);

      expect(await uow.stores.passkeys.recordUse(counting.id, 5, at(1))).toBe(false);
      expect(await uow.stores.passkeys.recordUse(counting.id, 4, at(1))).toBe(false);
      expect(await uow.stores.passkeys.recordUse(counting.id, 0, at(1))).toBe(false);
      expect(await uow.stores.passkeys.recordUse(counting.id, 6, at(2))).toBe(true);
      expect(await uow.stores.passkeys.recordUse(counterless.id, 0, at(3))).toBe(true);
      expect(await uow.stores.passkeys.recordUse(counterless.id, 0, at(4))).toBe(true);
      expect(await uow.stores.passkeys.findByCredentialId(account.id, counting.credentialId)).toMatchObject({
        signCount: 6,
        lastUsedAt: at(2),
      });
      // Two sign-ins presenting the same count at once: one wins.
      const results = await Promise.all(
        [7, 7, 7].map((count) => uow.stores.passkeys.recordUse(counting.id, count, at(5))),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('spends a challenge once, for its own purpose, account and session, before it expires', async () => {
      const account = await givenAccount();
      const session = aSession(account.id);
      await uow.stores.sessions.insert(session, randomBytes(32).toString('base64url'));
      const binding: WebAuthnChallengeBinding = {
        purpose: 'registration',
        accountId: account.id,
        sessionId: session.id,
      };
      const issue = async (hash: string) =>
        uow.stores.passkeys.putChallenge({
          ...binding,
          challengeHash: hash,
          createdAt: T0,
          expiresAt: at(60_000),
        });
      const hash = unique('challenge');
      await issue(hash);

      const spend = (overrides: Partial<WebAuthnChallengeBinding> = {}, now = at(1)) =>
        uow.stores.passkeys.consumeChallenge(hash, { ...binding, ...overrides }, now);
      expect(await spend({ purpose: 'authentication' })).toBe(false);
      expect(await spend({ sessionId: null })).toBe(false);
      expect(await spend({ accountId: (await givenAccount()).id })).toBe(false);
      expect(await spend({}, at(60_000))).toBe(false);
      expect(await spend()).toBe(true);
      expect(await spend()).toBe(false);

      const late = unique('challenge');
      await uow.stores.passkeys.putChallenge({
        ...binding,
        challengeHash: late,
        createdAt: T0,
        expiresAt: at(1),
      });
      // Issuing a challenge later forgets the expired ones.
      await uow.stores.passkeys.putChallenge({
        ...binding,
        challengeHash: unique('challenge'),
        createdAt: at(10),
        expiresAt: at(60_000),
      });
      expect(await uow.stores.passkeys.consumeChallenge(late, binding, T0)).toBe(false);
    });
  });

  describe('ProviderKeyStore and KeyEncryptionKeyStore', () => {
    /** A stored key-encryption key of its own, `offsetMs` after T0. */
    async function givenKek(offsetMs = 0): Promise<KeyEncryptionKeyRecord> {
      const kek = { id: unique('kek'), salt: new Uint8Array(randomBytes(32)), createdAt: at(offsetMs) };
      await uow.stores.keyEncryptionKeys.insert(kek);
      return kek;
    }

    function aProviderKey(
      accountId: string,
      kekId: string,
      overrides: Partial<StoredProviderKey> = {},
    ): StoredProviderKey {
      return {
        id: unique('pk'),
        accountId,
        provider: 'openai',
        baseUrl: null,
        masked: '…3xYz',
        envelope: {
          kekId,
          wrappedDek: `v1.${randomBytes(12).toString('base64url')}.${randomBytes(48).toString('base64url')}`,
          ciphertext: `v1.${randomBytes(12).toString('base64url')}.${randomBytes(40).toString('base64url')}`,
        },
        createdAt: T0,
        updatedAt: T0,
        ...overrides,
      };
    }

    it('stores a key-encryption key with its salt intact and finds it by id', async () => {
      const kek = await givenKek();
      expect(await uow.stores.keyEncryptionKeys.findById(kek.id)).toEqual(kek);
      expect(await uow.stores.keyEncryptionKeys.findById(unique('kek'))).toBeUndefined();
    });

    it('finds a stored key of an account by provider, with every field intact', async () => {
      const account = await givenAccount();
      const kek = await givenKek();
      const key = aProviderKey(account.id, kek.id, {
        provider: 'openai_compatible',
        baseUrl: 'https://llm.example.com/v1',
        updatedAt: at(1000),
      });
      await uow.stores.providerKeys.put(key);

      expect(await uow.stores.providerKeys.find(account.id, 'openai_compatible')).toEqual(key);
      expect(await uow.stores.providerKeys.find(account.id, 'openai')).toBeUndefined();
      expect(
        await uow.stores.providerKeys.find((await givenAccount()).id, 'openai_compatible'),
      ).toBeUndefined();
    });

    it("replaces the account's key for a provider on a second put, and lists one per provider by name", async () => {
      const account = await givenAccount();
      const kek = await givenKek();
      await uow.stores.providerKeys.put(aProviderKey(account.id, kek.id, { provider: 'openai' }));
      const anthropic = aProviderKey(account.id, kek.id, { provider: 'anthropic' });
      await uow.stores.providerKeys.put(anthropic);
      const replacement = aProviderKey(account.id, kek.id, {
        provider: 'openai',
        masked: '…9876',
        updatedAt: at(5),
      });
      await uow.stores.providerKeys.put(replacement);

      expect(await uow.stores.providerKeys.list(account.id)).toEqual([anthropic, replacement]);
      expect(await uow.stores.providerKeys.list((await givenAccount()).id)).toEqual([]);
    });

    it("deletes the account's key for a provider once, and no other account's", async () => {
      const owner = await givenAccount();
      const other = await givenAccount();
      const kek = await givenKek();
      await uow.stores.providerKeys.put(aProviderKey(owner.id, kek.id));
      await uow.stores.providerKeys.put(aProviderKey(other.id, kek.id));

      expect(await uow.stores.providerKeys.delete(owner.id, 'openai')).toBe(true);
      expect(await uow.stores.providerKeys.delete(owner.id, 'openai')).toBe(false);
      expect(await uow.stores.providerKeys.find(other.id, 'openai')).toBeDefined();
    });

    it('lists and counts the keys not wrapped by a key-encryption key, and re-wraps one only from what it was', async () => {
      const account = await givenAccount();
      const old = await givenKek();
      const next = await givenKek(1000);
      const keys = (['openai', 'anthropic', 'openai_compatible'] as const).map((provider) =>
        aProviderKey(account.id, old.id, { provider }),
      );
      for (const key of keys) await uow.stores.providerKeys.put(key);
      const [first, second] = [...keys].sort((a, b) => (a.id < b.id ? -1 : 1));
      if (first === undefined || second === undefined) throw new Error('expected keys');

      const pending = await uow.stores.providerKeys.listNotWrappedBy(next.id, 2);
      expect(pending).toHaveLength(2);
      expect(pending.every((key) => key.envelope.kekId !== next.id)).toBe(true);
      const all = await uow.stores.providerKeys.listNotWrappedBy(next.id, 1000);
      expect(all.filter((key) => key.accountId === account.id)).toHaveLength(3);
      const to = { kekId: next.id, wrappedDek: 'v1.rewrapped.dek' };
      expect(await uow.stores.providerKeys.rewrap(first.id, first.envelope, to)).toBe(true);
      // A second re-wrap from the old value finds it changed, and leaves it.
      expect(
        await uow.stores.providerKeys.rewrap(first.id, first.envelope, { ...to, wrappedDek: 'v1.x.y' }),
      ).toBe(false);
      expect((await uow.stores.providerKeys.find(account.id, first.provider))?.envelope).toEqual({
        ...first.envelope,
        ...to,
      });
      expect(await uow.stores.providerKeys.listNotWrappedBy(next.id, 1000)).not.toContainEqual(
        expect.objectContaining({ id: first.id }),
      );
      expect(await uow.stores.providerKeys.listNotWrappedBy(next.id, 1000)).toContainEqual(
        expect.objectContaining({ id: second.id }),
      );
      const counts = await uow.stores.providerKeys.countByWrapping(next.id);
      expect(counts.total - counts.notWrappedBy).toBe(1);
    });

    it('makes the newest key-encryption key current, and deletes only those no key references', async () => {
      const account = await givenAccount();
      const referenced = await givenKek(10 * DAY);
      const unreferenced = await givenKek(10 * DAY + 1);
      const newest = await givenKek(10 * DAY + 2);
      await uow.stores.providerKeys.put(aProviderKey(account.id, referenced.id));

      expect(await uow.stores.keyEncryptionKeys.findNewest()).toEqual(newest);
      const removed = await uow.stores.keyEncryptionKeys.deleteUnreferenced(newest.id);
      expect(removed).toContain(unreferenced.id);
      expect(removed).not.toContain(referenced.id);
      expect(removed).not.toContain(newest.id);
      const left = (await uow.stores.keyEncryptionKeys.list()).map((kek) => kek.id);
      expect(left).toEqual(expect.arrayContaining([referenced.id, newest.id]));
      expect(left).not.toContain(unreferenced.id);
    });

    it('refuses a key that names a key-encryption key that does not exist', async () => {
      const account = await givenAccount();
      await expect(uow.stores.providerKeys.put(aProviderKey(account.id, unique('kek')))).rejects.toThrow();
    });
  });

  describe('AuditStore', () => {
    it('round-trips every field of an event, details JSON included', async () => {
      const account = await givenAccount();
      const event = anEvent(account.id, {
        at: new Date('2026-05-06T07:08:09.010Z'),
        actor: { type: 'token', id: 'tok_abc', label: 'skt_abcd…wxyz' },
        details: {
          name: 'ci',
          scopes: ['tokens:read'],
          nested: { n: 1, ok: true, none: null },
          text: 'é ü ✓',
        },
      });
      const bare = anEvent(account.id, {
        at: at(-1),
        actor: { type: 'system', id: null },
        target: null,
        ip: null,
        userAgent: null,
      });
      await uow.stores.audit.append(event);
      await uow.stores.audit.append(bare);

      expect(await uow.stores.audit.list(account.id, {}, { limit: 10 })).toEqual([event, bare]);
    });

    it("lists only the account's events, newest first, optionally of one action", async () => {
      const account = await givenAccount();
      const created = anEvent(account.id, { action: 'token.created', at: at(1) });
      const revoked = anEvent(account.id, { action: 'token.revoked', at: at(2) });
      const createdAgain = anEvent(account.id, { action: 'token.created', at: at(3) });
      for (const event of [created, revoked, createdAgain]) await uow.stores.audit.append(event);
      await uow.stores.audit.append(anEvent(null, { action: 'token.auth_failed', at: at(4) }));
      const other = await givenAccount();
      await uow.stores.audit.append(anEvent(other.id, { at: at(5) }));

      const all = await uow.stores.audit.list(account.id, {}, { limit: 10 });
      expect(all.map((e) => e.id)).toEqual([createdAgain.id, revoked.id, created.id]);
      const onlyCreated = await uow.stores.audit.list(account.id, { action: 'token.created' }, { limit: 10 });
      expect(onlyCreated.map((e) => e.id)).toEqual([createdAgain.id, created.id]);
    });

    it('pages events with after/limit, breaking ties of equal times by id', async () => {
      const account = await givenAccount();
      const base = unique('aud');
      const events = [
        anEvent(account.id, { id: `${base}a`, at: at(10) }),
        anEvent(account.id, { id: `${base}b`, at: at(10) }),
        anEvent(account.id, { at: at(20) }),
        anEvent(account.id, { at: at(5) }),
      ];
      for (const event of events) await uow.stores.audit.append(event);
      const expected = [events[2]!, events[1]!, events[0]!, events[3]!].map((e) => e.id);

      const first = await uow.stores.audit.list(account.id, {}, { limit: 2 });
      const last = first.at(-1)!;
      const second = await uow.stores.audit.list(
        account.id,
        {},
        { limit: 2, after: { createdAt: last.at, id: last.id } },
      );
      const tail = second.at(-1)!;
      const third = await uow.stores.audit.list(
        account.id,
        {},
        { limit: 2, after: { createdAt: tail.at, id: tail.id } },
      );

      expect([...first, ...second].map((e) => e.id)).toEqual(expected);
      expect(third).toEqual([]);
    });
  });

  describe('ProjectStore', () => {
    it('stores, finds and lists projects newest first, scoped to their account', async () => {
      const account = await givenAccount();
      const older = aProject(account.id, { name: 'older', createdAt: at(1) });
      const newer = aProject(account.id, { name: 'newer', createdAt: at(2) });
      await uow.stores.projects.insertProject(older);
      await uow.stores.projects.insertProject(newer);
      const stranger = await givenAccount();

      expect(await uow.stores.projects.findProject(account.id, older.id)).toEqual(older);
      expect(await uow.stores.projects.findProject(stranger.id, older.id)).toBeUndefined();
      expect(await uow.stores.projects.listProjects(account.id, { limit: 10 })).toEqual([newer, older]);
      expect(await uow.stores.projects.listProjects(account.id, { limit: 1 })).toEqual([newer]);
      expect(
        await uow.stores.projects.listProjects(account.id, {
          limit: 10,
          after: { createdAt: newer.createdAt, id: newer.id },
        }),
      ).toEqual([older]);
      expect(await uow.stores.projects.listProjects(stranger.id, { limit: 10 })).toEqual([]);
    });

    it('stores and lists deployments of a project newest first', async () => {
      const account = await givenAccount();
      const project = aProject(account.id);
      await uow.stores.projects.insertProject(project);
      const first = aDeployment(account.id, project.id, { createdAt: at(1), ref: null, status: 'ready' });
      const second = aDeployment(account.id, project.id, { createdAt: at(2), environment: 'preview' });
      await uow.stores.projects.insertDeployment(first);
      await uow.stores.projects.insertDeployment(second);
      const stranger = await givenAccount();

      expect(await uow.stores.projects.listDeployments(account.id, project.id, { limit: 10 })).toEqual([
        second,
        first,
      ]);
      expect(
        await uow.stores.projects.listDeployments(account.id, project.id, {
          limit: 10,
          after: { createdAt: second.createdAt, id: second.id },
        }),
      ).toEqual([first]);
      expect(await uow.stores.projects.listDeployments(stranger.id, project.id, { limit: 10 })).toEqual([]);
    });

    it('deletes a project together with its deployments, and only for its own account', async () => {
      const account = await givenAccount();
      const doomed = aProject(account.id);
      const kept = aProject(account.id);
      await uow.stores.projects.insertProject(doomed);
      await uow.stores.projects.insertProject(kept);
      await uow.stores.projects.insertDeployment(aDeployment(account.id, doomed.id));
      await uow.stores.projects.insertDeployment(aDeployment(account.id, doomed.id));
      await uow.stores.projects.insertDeployment(aDeployment(account.id, kept.id));
      const stranger = await givenAccount();

      expect(await uow.stores.projects.deleteProject(stranger.id, doomed.id)).toBe(false);
      expect(await uow.stores.projects.usage(account.id)).toEqual({ projects: 2, deployments: 3 });

      expect(await uow.stores.projects.deleteProject(account.id, doomed.id)).toBe(true);
      expect(await uow.stores.projects.findProject(account.id, doomed.id)).toBeUndefined();
      expect(await uow.stores.projects.listDeployments(account.id, doomed.id, { limit: 10 })).toEqual([]);
      expect(await uow.stores.projects.usage(account.id)).toEqual({ projects: 1, deployments: 1 });
      expect(await uow.stores.projects.deleteProject(account.id, doomed.id)).toBe(false);
    });

    it('counts usage per account as plain numbers, zero for an account with nothing', async () => {
      const account = await givenAccount();
      const empty = await givenAccount();
      const project = aProject(account.id);
      await uow.stores.projects.insertProject(project);
      await uow.stores.projects.insertDeployment(aDeployment(account.id, project.id));

      expect(await uow.stores.projects.usage(account.id)).toStrictEqual({ projects: 1, deployments: 1 });
      expect(await uow.stores.projects.usage(empty.id)).toStrictEqual({ projects: 0, deployments: 0 });
    });
  });

  describe('OAuthStore device requests', () => {
    /** Stores `device` under a device-code hash of its own and returns that hash. */
    async function givenDevice(device: DeviceAuthorization): Promise<string> {
      const hash = randomBytes(32).toString('base64url');
      await uow.stores.oauth.insertDevice(hash, device);
      return hash;
    }

    it('finds a pending request by its user code until it expires, with every field intact', async () => {
      const device = aDevice();
      const hash = await givenDevice(device);
      expect(await uow.stores.oauth.findPendingDevice(device.userCode, at(1000))).toEqual(device);
      expect(await uow.stores.oauth.findDeviceByCode(hash)).toEqual(device);
      expect(await uow.stores.oauth.findPendingDevice(device.userCode, at(600_000))).toBeUndefined();
    });

    it('counts wrong user codes against a pending request and expires it at the limit', async () => {
      const device = aDevice();
      const hash = await givenDevice(device);
      const attempt = (offsetMs: number) => ({ at: at(offsetMs), limit: 3 });

      expect(await uow.stores.oauth.recordWrongUserCode(device.id, attempt(1000))).toBe(1);
      expect(await uow.stores.oauth.recordWrongUserCode(device.id, attempt(2000))).toBe(2);
      expect(await uow.stores.oauth.findPendingDevice(device.userCode, at(2000))).toEqual(device);

      expect(await uow.stores.oauth.recordWrongUserCode(device.id, attempt(3000))).toBe(3);
      expect(await uow.stores.oauth.findPendingDevice(device.userCode, at(3000))).toBeUndefined();
      expect(await uow.stores.oauth.findDeviceByCode(hash)).toEqual({ ...device, expiresAt: at(3000) });
      // Expired, it counts nothing more.
      expect(await uow.stores.oauth.recordWrongUserCode(device.id, attempt(3000))).toBe(0);
    });

    it('counts every one of concurrent wrong user codes', async () => {
      const device = aDevice();
      await givenDevice(device);
      const counts = await Promise.all(
        [1, 2, 3, 4].map(() => uow.stores.oauth.recordWrongUserCode(device.id, { at: at(1000), limit: 10 })),
      );
      expect(counts.sort()).toEqual([1, 2, 3, 4]);
    });

    it('counts nothing against an unknown, decided or expired request', async () => {
      const decided = aDevice();
      await givenDevice(decided);
      await uow.stores.oauth.decideDevice(decided.id, {
        status: 'denied',
        accountId: (await givenAccount()).id,
        grantedScopes: null,
      });
      const expired = aDevice({ expiresAt: at(1000) });
      await givenDevice(expired);
      const attempt = { at: at(1000), limit: 1 };

      expect(await uow.stores.oauth.recordWrongUserCode('dev_unknown', attempt)).toBe(0);
      expect(await uow.stores.oauth.recordWrongUserCode(decided.id, attempt)).toBe(0);
      expect(await uow.stores.oauth.recordWrongUserCode(expired.id, attempt)).toBe(0);
    });
  });

  describe('RateLimiter', () => {
    /** Three more pools on the same database, so that hits arrive on many connections at once. */
    const others: OpenDatabase[] = [];
    beforeAll(() => {
      for (let i = 0; i < 3; i++) others.push(openDatabase(testDatabase.target));
    });
    afterAll(async () => {
      for (const other of others) await other.close();
    });

    rateLimiterContract(
      () => (clock) => [database, ...others].map((open) => new KyselyRateLimiter(open.db, clock)),
    );
  });

  describe('UnitOfWork', () => {
    it('commits every write of a transaction and returns its result', async () => {
      const account = anAccount();
      const token = aToken(account.id);
      const hash = randomBytes(32).toString('base64url');

      const result = await uow.transaction(async (stores) => {
        await stores.accounts.insert(account);
        await stores.tokens.insert(token, hash);
        await stores.audit.append(anEvent(account.id));
        return 'done';
      });

      expect(result).toBe('done');
      expect(await uow.stores.accounts.findById(account.id)).toEqual(account);
      expect(await uow.stores.tokens.findByHash(hash)).toEqual(token);
    });

    it('leaves nothing behind when the work throws after writing', async () => {
      const account = anAccount();
      const token = aToken(account.id);
      const hash = randomBytes(32).toString('base64url');
      const failure = new Error('boom');

      await expect(
        uow.transaction(async (stores) => {
          await stores.accounts.insert(account);
          await stores.tokens.insert(token, hash);
          await stores.audit.append(anEvent(account.id));
          throw failure;
        }),
      ).rejects.toBe(failure);

      expect(await uow.stores.accounts.findById(account.id)).toBeUndefined();
      expect(await uow.stores.tokens.findByHash(hash)).toBeUndefined();
      expect(await uow.stores.audit.list(account.id, {}, { limit: 10 })).toEqual([]);
    });

    it('rolls back a revocation when the audit write that records it fails', async () => {
      const account = await givenAccount();
      const token = aToken(account.id);
      const hash = await givenToken(token);
      const existing = anEvent(account.id);
      await uow.stores.audit.append(existing);

      await expect(
        uow.transaction(async (stores) => {
          await stores.tokens.revoke(token.id, T0, 'revoked');
          await stores.audit.append({ ...anEvent(account.id), id: existing.id });
        }),
      ).rejects.toThrow();

      expect(await uow.stores.tokens.findByHash(hash)).toMatchObject({ revokedAt: null });
    });

    it('reports the database as reachable', async () => {
      expect(await uow.isReachable()).toBe(true);
    });
  });
});

if (TEST_DATABASE_URL === undefined) {
  describe.skip('PostgreSQL store contract (skipped: TEST_DATABASE_URL not set)', () => {
    it('runs every store contract test against PostgreSQL', () => undefined);
  });
}

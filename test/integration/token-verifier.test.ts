/**
 * The verification hot path (`TokenVerifier`) with its cache, wired to the real token service and
 * real SQLite stores, with time moved by hand. Lives in test/ because it crosses core and storage.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AccountNotices } from '../../src/core/account-notices.js';
import { AuditLog } from '../../src/core/audit.js';
import { ManualClock } from '../../src/core/clock.js';
import { ApiError } from '../../src/core/errors.js';
import { KeyedHasher } from '../../src/core/keyed-hash.js';
import { LastUseRecorder } from '../../src/core/last-use-recorder.js';
import type { AccessToken, RequestContext } from '../../src/core/model.js';
import type { Principal } from '../../src/core/principal.js';
import { type Random, secureRandom } from '../../src/core/random.js';
import { generateTokenValue, maskToken, tokenChecksum } from '../../src/core/token-format.js';
import { ClientTokens } from '../../src/core/oauth/client-tokens.js';
import { TokenLifecycle } from '../../src/core/token-lifecycle.js';
import { DEFAULT_TOKEN_POLICY } from '../../src/core/token-rules.js';
import { TokenService } from '../../src/core/token-service.js';
import { TokenVerifier, type VerificationResult } from '../../src/core/token-verifier.js';
import { UnknownTokenCache } from '../../src/core/unknown-token-cache.js';
import { VerifiedTokenCache } from '../../src/core/verified-token-cache.js';
import { migrateToLatest, openDatabase } from '../../src/adapters/storage/database.js';
import { KyselyUnitOfWork } from '../../src/adapters/storage/kysely-unit-of-work.js';
import { createTestDatabase } from '../support/harness.js';

const DAY = 86_400_000;
const UNKNOWN_TTL_MS = 30_000;
const CONTEXT: RequestContext = { ip: '192.0.2.10', userAgent: 'verifier-test/1.0' };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** A verifier, the token service beside it and one signed-in account, on a fresh SQLite file. */
async function setUp() {
  const testDatabase = await createTestDatabase('sqlite');
  const database = openDatabase(testDatabase.target);
  cleanups.push(
    () => testDatabase.dispose(),
    () => database.close(),
  );
  await migrateToLatest(database);

  const uow = new KyselyUnitOfWork(database.db, database.dialect);
  const clock = new ManualClock('2026-06-01T12:00:00.000Z');
  const hasher = new KeyedHasher(randomBytes(32).toString('hex'));
  const audit = new AuditLog({ uow, clock, random: secureRandom });
  const lastUse = new LastUseRecorder(uow.stores.tokens);
  const cache = new VerifiedTokenCache();
  const unknown = new UnknownTokenCache({ clock, ttlMs: UNKNOWN_TTL_MS });
  const outcomes: VerificationResult[] = [];
  const lifecycle = new TokenLifecycle({
    uow,
    hasher,
    clock,
    random: secureRandom,
    audit,
    lastUse,
    cache,
    unknown,
  });
  const notices = new AccountNotices({
    clock,
    random: secureRandom,
    publicUrl: 'http://127.0.0.1:8080',
    describeDevice: () => 'Unknown device',
  });
  const tokens = new TokenService({
    uow,
    hasher,
    clock,
    audit,
    lifecycle,
    policy: DEFAULT_TOKEN_POLICY,
    notices,
  });
  const clientTokens = new ClientTokens({ uow, clock, audit, lifecycle, policy: DEFAULT_TOKEN_POLICY });
  const verifier = new TokenVerifier({
    uow,
    hasher,
    clock,
    audit,
    lastUse,
    cache,
    unknown,
    observe: (result) => outcomes.push(result),
  });

  const accountId = `acc_${randomBytes(8).toString('hex')}`;
  await uow.stores.accounts.insert({
    id: accountId,
    email: `${accountId}@example.com`,
    name: 'Owner',
    passwordHash: 'unused',
    createdAt: clock.now(),
  });
  const owner: Principal = {
    kind: 'session',
    accountId,
    sessionId: 'ses_test',
    authenticatedAt: clock.now(),
  };

  return {
    uow,
    clock,
    hasher,
    audit,
    lastUse,
    cache,
    unknown,
    tokens,
    clientTokens,
    verifier,
    outcomes,
    owner,
    accountId,
  };
}

/** A source of bytes that gives, from its start, the same bytes each time it is made: values known ahead. */
function replayOf(bytes: Uint8Array): () => Random {
  return () => {
    let offset = 0;
    return (size) => {
      const out = bytes.subarray(offset, offset + size);
      offset += size;
      return out;
    };
  };
}

/** The error code `promise` rejects with. */
/** The code `verify` refused with, synchronously or through its promise. */
async function codeOf(verify: () => AccessToken | Promise<AccessToken>): Promise<string> {
  try {
    await verify();
  } catch (error) {
    if (error instanceof ApiError) return error.code;
    throw error;
  }
  throw new Error('expected the verification to fail');
}

describe('TokenVerifier with a cache, on SQLite', () => {
  it('refuses a token revoked through TokenService on the very next verification, although it was cached', async () => {
    const { tokens, verifier, cache, owner } = await setUp();
    const { token, value } = await tokens.create(
      owner,
      { name: 'ci', scopes: ['tokens:read'], expiresInDays: 30 },
      CONTEXT,
    );
    expect((await verifier.verify(value, CONTEXT)).id).toBe(token.id);
    expect(cache.size).toBe(1);

    await tokens.revoke(owner, token.id, CONTEXT);

    expect(cache.size).toBe(0);
    expect(await codeOf(() => verifier.verify(value, CONTEXT))).toBe('token_revoked');
  });

  it('refuses a token reported as leaked on the very next verification, although it was cached', async () => {
    const { tokens, verifier, owner } = await setUp();
    const { value } = await tokens.create(
      owner,
      { name: 'leaky', scopes: ['tokens:read'], expires: 'never' },
      CONTEXT,
    );
    await verifier.verify(value, CONTEXT);

    expect(await tokens.revokeLeaked([value], { ip: null, userAgent: null })).toBe(1);

    expect(await codeOf(() => verifier.verify(value, CONTEXT))).toBe('token_revoked');
  });

  it.each([
    ['its application is removed', 'app_removed'],
    ['the client revokes it (RFC 7009)', 'revoked'],
    ['its authorization code is presented again', 'code_reused'],
  ] as const)(
    'refuses an OAuth client’s cached token on the very next verification once %s',
    async (_case, reason) => {
      const { uow, clientTokens, verifier, cache, accountId } = await setUp();
      const { token, value } = await uow.transaction((stores) =>
        clientTokens.issueForClient(stores, {
          accountId,
          client: { id: 'app_test', name: 'Test app' },
          scopes: ['tokens:read'],
          deviceName: null,
          lifetimeDays: 90,
          context: CONTEXT,
        }),
      );
      expect((await verifier.verify(value, CONTEXT)).id).toBe(token.id);
      expect(cache.size).toBe(1);

      if (reason === 'app_removed') await clientTokens.revokeForClient(null, 'app_test', reason, CONTEXT);
      else await clientTokens.revokeIssued(accountId, token.id, reason, CONTEXT);

      expect(cache.size).toBe(0);
      expect(await codeOf(() => verifier.verify(value, CONTEXT))).toBe('token_revoked');
    },
  );

  it('refuses an expired token at once, even while it is cached', async () => {
    const { tokens, verifier, cache, clock, owner, outcomes } = await setUp();
    const { value } = await tokens.create(
      owner,
      { name: 'short', scopes: ['tokens:read'], expiresInDays: 1 },
      CONTEXT,
    );
    await verifier.verify(value, CONTEXT);
    clock.advance(DAY - 1);
    await verifier.verify(value, CONTEXT);
    expect(cache.size).toBe(1);

    clock.advance(1);

    expect(await codeOf(() => verifier.verify(value, CONTEXT))).toBe('token_expired');
    expect(outcomes).toEqual(['valid', 'valid', 'expired']);
  });

  it('honours a revocation scheduled by rotation at its instant, even while the old token is cached', async () => {
    const { tokens, verifier, clock, owner } = await setUp();
    const old = await tokens.create(
      owner,
      { name: 'rotating', scopes: ['tokens:read'], expiresInDays: 30 },
      CONTEXT,
    );
    await verifier.verify(old.value, CONTEXT);

    const fresh = await tokens.rotate(owner, old.token.id, { revokeOldAfterSeconds: 60 }, CONTEXT);
    clock.advance(59_999);
    expect((await verifier.verify(old.value, CONTEXT)).id).toBe(old.token.id);

    clock.advance(1);

    expect(await codeOf(() => verifier.verify(old.value, CONTEXT))).toBe('token_revoked');
    expect((await verifier.verify(fresh.value, CONTEXT)).id).toBe(fresh.token.id);
  });

  it('rejects a value with a bad checksum without looking it up, even when a row has its hash', async () => {
    const { uow, hasher, verifier, accountId, outcomes } = await setUp();
    const valid = generateTokenValue(secureRandom);
    const body = valid.slice(0, 36);
    const badChecksum = body + (tokenChecksum(body) === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA');
    // Were the value looked up, it would find this active token and pass.
    await uow.stores.tokens.insert(
      {
        id: `tok_${randomBytes(8).toString('hex')}`,
        accountId,
        name: 'decoy',
        masked: maskToken(badChecksum),
        scopes: [],
        createdAt: new Date('2026-01-01T00:00:00.000Z'),
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
      },
      hasher.hash('token-hash', badChecksum),
    );

    expect(await codeOf(() => verifier.verify(badChecksum, CONTEXT))).toBe('token_malformed');
    expect(await codeOf(() => verifier.verify('skt_short', CONTEXT))).toBe('token_malformed');
    expect(await codeOf(() => verifier.verify(`${valid} `, CONTEXT))).toBe('token_malformed');
    expect(outcomes).toEqual(['malformed', 'malformed', 'malformed']);
  });

  it('audits a failed verification with the masked value or a prefix, never the value', async () => {
    const { uow, verifier, tokens, owner, accountId } = await setUp();
    const unknown = generateTokenValue(secureRandom);
    const { token, value } = await tokens.create(
      owner,
      { name: 'gone', scopes: ['tokens:read'], expiresInDays: 1 },
      CONTEXT,
    );
    await tokens.revoke(owner, token.id, CONTEXT);

    expect(await codeOf(() => verifier.verify(unknown, CONTEXT))).toBe('token_invalid');
    expect(await codeOf(() => verifier.verify(value, CONTEXT))).toBe('token_revoked');

    const events = await uow.stores.audit.list(accountId, { action: 'token.auth_failed' }, { limit: 10 });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      target: { type: 'token', id: token.id },
      ip: CONTEXT.ip,
      details: { reason: 'token_revoked', masked: token.masked },
    });
    expect(JSON.stringify(events)).not.toContain(value);
  });

  it('writes nothing on success until the recorder flushes, then the newest use', async () => {
    const { uow, verifier, tokens, lastUse, clock, owner, accountId } = await setUp();
    const { token, value } = await tokens.create(
      owner,
      { name: 'busy', scopes: ['tokens:read'], expiresInDays: 1 },
      CONTEXT,
    );
    await verifier.verify(value, CONTEXT);
    clock.advance(1000);
    const later = clock.now();
    await verifier.verify(value, { ip: '198.51.100.4', userAgent: 'second/2.0' });

    expect((await uow.stores.tokens.findById(accountId, token.id))?.lastUsedAt).toBeNull();
    expect((await tokens.get(accountId, token.id)).lastUsedAt).toEqual(later);

    expect(await lastUse.flush()).toBe(1);

    expect(await uow.stores.tokens.findById(accountId, token.id)).toMatchObject({
      lastUsedAt: later,
      lastUsedIp: '198.51.100.4',
      lastUsedUserAgent: 'second/2.0',
    });
  });

  it('looks each unknown value up at most once within the TTL, however often it is presented', async () => {
    const { uow, verifier, unknown, clock, outcomes } = await setUp();
    const lookUps = vi.spyOn(uow.stores.tokens, 'findByHash');
    const values = Array.from({ length: 50 }, () => generateTokenValue(secureRandom));

    for (let round = 0; round < 4; round++) {
      for (const value of values)
        expect(await codeOf(() => verifier.verify(value, CONTEXT))).toBe('token_invalid');
    }

    expect(lookUps).toHaveBeenCalledTimes(50);
    expect(unknown.size).toBe(50);
    expect(outcomes.filter((result) => result === 'invalid')).toHaveLength(200);

    clock.advance(UNKNOWN_TTL_MS);
    for (const value of values)
      expect(await codeOf(() => verifier.verify(value, CONTEXT))).toBe('token_invalid');

    expect(lookUps).toHaveBeenCalledTimes(100);
  });

  it('verifies a token at once when it is issued after its value was refused as unknown', async () => {
    const { uow, hasher, clock, audit, lastUse, cache, unknown, verifier, accountId } = await setUp();
    const replay = replayOf(randomBytes(4096));
    const value = generateTokenValue(replay());
    expect(await codeOf(() => verifier.verify(value, CONTEXT))).toBe('token_invalid');
    expect(unknown.size).toBe(1);
    const lifecycle = new TokenLifecycle({
      uow,
      hasher,
      clock,
      random: replay(),
      audit,
      lastUse,
      cache,
      unknown,
    });

    const issued = await lifecycle.change((changes) =>
      changes.issue({
        accountId,
        name: 'late',
        scopes: ['tokens:read'],
        expiresAt: null,
        origin: 'api',
        now: clock.now(),
      }),
    );

    expect(issued.value).toBe(value);
    expect((await verifier.verify(value, CONTEXT)).id).toBe(issued.token.id);
  });

  it('accepts a token written by another process, which it had refused as unknown, once the TTL has passed', async () => {
    const { uow, hasher, clock, verifier, accountId } = await setUp();
    const value = generateTokenValue(secureRandom);
    expect(await codeOf(() => verifier.verify(value, CONTEXT))).toBe('token_invalid');
    const id = `tok_${randomBytes(8).toString('hex')}`;
    // Straight through the store, as a server process sharing the database would.
    await uow.stores.tokens.insert(
      {
        id,
        accountId,
        name: 'elsewhere',
        masked: maskToken(value),
        scopes: ['tokens:read'],
        createdAt: clock.now(),
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
      },
      hasher.hash('token-hash', value),
    );

    expect(await codeOf(() => verifier.verify(value, CONTEXT))).toBe('token_invalid');
    clock.advance(UNKNOWN_TTL_MS);
    expect((await verifier.verify(value, CONTEXT)).id).toBe(id);
  });
});

/**
 * Expiry warnings (docs/tokens.md, "Expiry warnings"): account e-mail 7 days and 1 day before a
 * token expires and when it has expired, each once, from a scheduler that a test clock drives.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WebhookEvent } from '@skytells/contract';
import { loadConfig } from '../../src/config/config.js';
import { ManualClock } from '../../src/core/clock.js';
import { KyselyUnitOfWork } from '../../src/adapters/storage/kysely-unit-of-work.js';
import { composePlatform, type Platform } from '../../src/main/compose.js';
import {
  type ConsoleUser,
  createTestPlatform,
  createToken,
  signUpAndSignIn,
  TEST_DATABASE_URL,
  TEST_SCRYPT,
  type TestPlatform,
} from '../support/harness.js';
import { DAY_MS, describeEachDialect } from '../support/http.js';

const PUBLIC_URL = 'https://access.example.test';
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** The outbox rows of `accountId`, oldest first. */
async function outboxRows(platform: Platform, accountId: string) {
  return platform.database.db
    .selectFrom('mail_outbox')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** The raw `.eml` files written to the outbox directory of `dir`. */
function emlFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(join(dir, 'outbox'));
  } catch {
    return [];
  }
  return names
    .filter((name) => name.endsWith('.eml'))
    .map((name) => readFileSync(join(dir, 'outbox', name), 'utf8'));
}

describeEachDialect('token expiry warnings', (dialect) => {
  let clock: ManualClock;
  let platform: TestPlatform;
  let dir: string;
  let user: ConsoleUser;

  beforeEach(async () => {
    clock = new ManualClock('2026-03-01T09:00:00.000Z');
    dir = mkdtempSync(join(tmpdir(), 'skytells-expiry-'));
    platform = await createTestPlatform({
      dialect,
      clock,
      env: { SKYTELLS_DATA_DIR: dir, SKYTELLS_PUBLIC_URL: PUBLIC_URL },
    });
    user = await signUpAndSignIn(platform.app);
    return async () => {
      await platform.close();
      rmSync(dir, { recursive: true, force: true });
    };
  });

  it('e-mails 7 days ahead, 1 day ahead and at expiry, each once, naming the token and how to rotate it', async () => {
    const token = await createToken(platform.app, user, { name: 'ci deploy', expires_in_days: 10 });
    const expiresAt = new Date(clock.now().getTime() + 10 * DAY_MS);
    expect(await platform.expiryWarnings.runOnce()).toBe(0);

    clock.advance(3 * DAY_MS - MINUTE_MS);
    expect(await platform.expiryWarnings.runOnce()).toBe(0);
    clock.advance(2 * MINUTE_MS);
    expect(await platform.expiryWarnings.runOnce()).toBe(1);
    expect(await platform.expiryWarnings.runOnce()).toBe(0);
    let rows = await outboxRows(platform, user.accountId);
    expect(rows.map((row) => row.kind)).toEqual(['token_expiring_7d']);
    expect(rows[0]).toMatchObject({
      recipient: user.email,
      subject: 'Your Skytells token "ci deploy" expires in 7 days',
    });
    for (const body of [rows[0]!.text_body, rows[0]!.html_body]) {
      expect(body).toContain(token.masked);
      expect(body).toContain(token.id);
      expect(body).toContain(`skytells tokens rotate ${token.id}`);
      expect(body).toContain(expiresAt.toISOString().slice(0, 10));
      expect(body).toContain(`${PUBLIC_URL}/settings/tokens/${token.id}`);
      expect(body).not.toContain(token.token);
    }

    clock.advance(6 * DAY_MS);
    expect(await platform.expiryWarnings.runOnce()).toBe(1);
    expect(await platform.expiryWarnings.runOnce()).toBe(0);
    clock.advance(DAY_MS);
    expect(await platform.expiryWarnings.runOnce()).toBe(1);
    clock.advance(DAY_MS);
    expect(await platform.expiryWarnings.runOnce()).toBe(0);

    rows = await outboxRows(platform, user.accountId);
    expect(rows.map((row) => row.kind)).toEqual(['token_expiring_7d', 'token_expiring_1d', 'token_expired']);
    expect(rows.map((row) => row.subject)).toEqual([
      'Your Skytells token "ci deploy" expires in 7 days',
      'Your Skytells token "ci deploy" expires in 1 day',
      'Your Skytells token "ci deploy" has expired',
    ]);

    expect(await platform.mail.deliverDue()).toEqual({ sent: 3, failed: 0 });
    const files = emlFiles(dir);
    expect(files).toHaveLength(3);
    for (const raw of files) {
      expect(raw).toContain(`To: ${user.email}`);
      expect(raw).toMatch(/Content-Type: text\/plain/);
      expect(raw).toMatch(/Content-Type: text\/html/);
      expect(raw).not.toContain(token.token);
    }
  });

  it('warns a token created with 12 hours left at once, with the 1-day warning alone', async () => {
    const expiresAt = new Date(clock.now().getTime() + 12 * HOUR_MS);
    await createToken(platform.app, user, {
      name: 'short',
      expires_at: expiresAt.toISOString(),
      expires_in_days: undefined,
    });
    expect(await platform.expiryWarnings.runOnce()).toBe(1);
    clock.advance(HOUR_MS);
    expect(await platform.expiryWarnings.runOnce()).toBe(0);

    const rows = await outboxRows(platform, user.accountId);
    expect(rows.map((row) => row.kind)).toEqual(['token_expiring_1d']);
    expect(rows[0]!.subject).toBe('Your Skytells token "short" expires in 12 hours');
  });

  it('never warns about a revoked token, a rotated one, nor one that never expires', async () => {
    const revoked = await createToken(platform.app, user, { name: 'gone', expires_in_days: 3 });
    const rotated = await createToken(platform.app, user, { name: 'old', expires_in_days: 3 });
    const rotation = await platform.app.inject({
      method: 'POST',
      url: `/v1/tokens/${rotated.id}/rotate`,
      headers: user.headers,
      payload: { name: 'new', expires_in_days: 30 },
    });
    expect(rotation.statusCode).toBe(201);
    await createToken(platform.app, user, { name: 'forever', expires: 'never', expires_in_days: undefined });
    const response = await platform.app.inject({
      method: 'DELETE',
      url: `/v1/tokens/${revoked.id}`,
      headers: user.headers,
    });
    expect(response.statusCode).toBe(204);

    for (let day = 0; day < 5; day++) {
      expect(await platform.expiryWarnings.runOnce()).toBe(0);
      clock.advance(DAY_MS);
    }
    expect(await outboxRows(platform, user.accountId)).toEqual([]);
  });
});

describeEachDialect('token expiry events', (dialect) => {
  let clock: ManualClock;
  let platform: TestPlatform;

  beforeAll(async () => {
    clock = new ManualClock('2026-03-01T09:00:00.000Z');
    platform = await createTestPlatform({ dialect, clock });
  });
  afterAll(async () => platform.close());

  /** Subscribes a webhook of `accountId` to `events`, as the webhook routes store one. */
  async function subscribe(accountId: string, events: WebhookEvent[]): Promise<string> {
    const id = `whk_${randomBytes(8).toString('hex')}`;
    await new KyselyUnitOfWork(platform.database.db, dialect).stores.webhooks.insert({
      id,
      accountId,
      url: 'https://hooks.example.test/skytells',
      events,
      sealedSecret: 'sealed',
      createdAt: clock.now(),
    });
    return id;
  }

  /** The bodies of the deliveries written for `webhookId`, oldest first. */
  async function deliveries(webhookId: string) {
    const rows = await platform.database.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('webhook_id', '=', webhookId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((row) => ({
      type: row.type,
      body: JSON.parse(row.body) as { id: string; type: string; data: Record<string, unknown> },
    }));
  }

  it('publishes token.expiring at 7 days and 1 day and token.expired at expiry to subscribed webhooks, once each', async () => {
    const user = await signUpAndSignIn(platform.app);
    const subscribed = await subscribe(user.accountId, ['token.expiring', 'token.expired']);
    const createdOnly = await subscribe(user.accountId, ['token.created']);
    const token = await createToken(platform.app, user, { name: 'nightly', expires_in_days: 8 });
    const expiresAt = new Date(clock.now().getTime() + 8 * DAY_MS).toISOString();

    clock.advance(DAY_MS + MINUTE_MS);
    await platform.expiryWarnings.runOnce();
    clock.advance(6 * DAY_MS);
    await platform.expiryWarnings.runOnce();
    await platform.expiryWarnings.runOnce();
    clock.advance(DAY_MS);
    await platform.expiryWarnings.runOnce();
    await platform.expiryWarnings.runOnce();

    const sent = await deliveries(subscribed);
    expect(sent.map((delivery) => delivery.type)).toEqual([
      'token.expiring',
      'token.expiring',
      'token.expired',
    ]);
    const identity = {
      token_id: token.id,
      name: 'nightly',
      masked: token.masked,
      scopes: token.scopes,
      expires_at: expiresAt,
      created_via: 'console',
      client_id: null,
      workload_id: null,
    };
    expect(sent.map((delivery) => delivery.body.data)).toEqual([
      { ...identity, threshold: '7d' },
      { ...identity, threshold: '1d' },
      identity,
    ]);
    expect(JSON.stringify(sent)).not.toContain(token.token);
    expect((await deliveries(createdOnly)).map((delivery) => delivery.type)).toEqual(['token.created']);
  });
});

describe.skipIf(TEST_DATABASE_URL === undefined)('token expiry warnings on one PostgreSQL database', () => {
  let clock: ManualClock;
  let first: TestPlatform;
  let second: Platform;
  let user: ConsoleUser;

  beforeAll(async () => {
    clock = new ManualClock('2026-03-01T09:00:00.000Z');
    first = await createTestPlatform({ dialect: 'postgres', clock });
    // A second process on the same schema.
    second = await composePlatform({
      config: loadConfig({ SKYTELLS_SECRET: randomBytes(32).toString('hex') }),
      target: first.target,
      logger: false,
      scrypt: TEST_SCRYPT,
      clock,
    });
    user = await signUpAndSignIn(first.app);
  });
  afterAll(async () => {
    await second.app.close();
    await second.database.close();
    await first.close();
  });

  it('sends each warning once when two schedulers run at the same moment', async () => {
    for (let i = 0; i < 5; i++) await createToken(first.app, user, { expires_in_days: 3 });
    const counts = await Promise.all([
      first.expiryWarnings.runOnce(),
      second.expiryWarnings.runOnce(),
      first.expiryWarnings.runOnce(),
      second.expiryWarnings.runOnce(),
    ]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(5);
    const rows = await outboxRows(first, user.accountId);
    expect(rows.map((row) => row.kind)).toEqual(Array(5).fill('token_expiring_7d'));
  });

  it('leaves the work to the process holding the lock', async () => {
    const other = await signUpAndSignIn(first.app);
    await createToken(first.app, other, { expires_in_days: 2 });
    await new KyselyUnitOfWork(first.database.db, 'postgres').transaction(async (stores) => {
      expect(await stores.expiryWarnings.tryLock()).toBe(true);
      expect(await second.expiryWarnings.runOnce()).toBe(0);
    });
    expect(await second.expiryWarnings.runOnce()).toBe(1);
    expect((await outboxRows(first, other.accountId)).map((row) => row.kind)).toEqual(['token_expiring_7d']);
  });
});

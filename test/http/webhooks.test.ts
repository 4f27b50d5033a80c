/**
 * Webhooks (docs/webhooks.md): registration with the address rule, events written in the transaction
 * of the change they report, signed deliveries to a real receiver, retries, and leases that survive
 * a crashed process without doubling a delivery that was recorded.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { ManualClock } from '../../src/core/clock.js';
import { WEBHOOK_GIVE_UP_AFTER_MS, WEBHOOK_LEASE_MS } from '../../src/core/webhooks/webhook-delivery.js';
import { KyselyWebhookStore } from '../../src/adapters/storage/kysely-webhook-store.js';
import { composePlatform, type Platform } from '../../src/main/compose.js';
import {
  bearer,
  type ConsoleUser,
  createTestDatabase,
  createTestPlatform,
  createToken,
  signUpAndSignIn,
  TEST_SCRYPT,
  type TestPlatform,
} from '../support/harness.js';
import { describeEachDialect, expectProblem } from '../support/http.js';

/** One request the receiver got. */
interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP server standing in for an account's webhook receiver; answers with `statuses` in turn, then 200. */
class Receiver {
  readonly received: Received[] = [];
  statuses: number[] = [];
  /** When set, requests wait for it before being answered. */
  hold: Promise<void> | undefined;
  #server: Server;
  #arrived: (() => void)[] = [];

  constructor() {
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        for (const notify of this.#arrived.splice(0)) notify();
        const answer = () => {
          response.statusCode = this.statuses.shift() ?? 200;
          response.end('ok');
        };
        if (this.hold === undefined) answer();
        else void this.hold.then(answer);
      });
    });
  }

  async start(): Promise<string> {
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hooks`;
  }

  /** Resolves when the next request has arrived. */
  arrival(): Promise<void> {
    return new Promise((resolve) => this.#arrived.push(resolve));
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    this.#server.close();
    await once(this.#server, 'close');
  }
}

/** Asserts the `Skytells-Signature` of `received` by recomputing the HMAC with `secret`. */
function expectSigned(received: Received, secret: string): void {
  const header = String(received.headers['skytells-signature']);
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  expect(match, header).not.toBeNull();
  const expected = createHmac('sha256', secret).update(`${match![1]}.${received.body}`).digest('hex');
  expect(match![2]).toBe(expected);
}

interface CreatedWebhookJson {
  id: string;
  url: string;
  events: string[];
  secret: string;
}

async function addWebhook(
  app: FastifyInstance,
  user: ConsoleUser,
  url: string,
  events: string[] = ['token.created', 'token.revoked'],
): Promise<CreatedWebhookJson> {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/webhooks',
    headers: user.headers,
    payload: { url, events },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<CreatedWebhookJson>();
}

async function deliveriesOf(app: FastifyInstance, user: ConsoleUser, webhookId: string) {
  const response = await app.inject({
    method: 'GET',
    url: `/v1/webhooks/${webhookId}/deliveries`,
    headers: user.headers,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{
    data: { id: string; type: string; status: string; attempts: number; response_status: number | null }[];
  }>().data;
}

describeEachDialect('Webhook registration', (dialect) => {
  let strict: TestPlatform;
  let open: TestPlatform;
  beforeAll(async () => {
    strict = await createTestPlatform({ dialect });
    open = await createTestPlatform({ dialect, env: { SKYTELLS_WEBHOOK_ALLOW_PRIVATE: 'true' } });
  });
  afterAll(async () => {
    await strict.close();
    await open.close();
  });

  it('shows the signing secret in the creation response only, then lists and deletes the webhook', async () => {
    const user = await signUpAndSignIn(open.app);
    const created = await addWebhook(open.app, user, 'http://127.0.0.1:9/hooks', ['api_key.created']);
    expect(created.secret).toMatch(/^whsec_[0-9A-Za-z]{32,}$/);
    expect(created).toMatchObject({ url: 'http://127.0.0.1:9/hooks', events: ['api_key.created'] });

    const listed = await open.app.inject({ method: 'GET', url: '/v1/webhooks', headers: user.headers });
    expect(listed.statusCode).toBe(200);
    expect(listed.body).not.toContain(created.secret);
    expect(listed.json<{ data: { id: string; last_delivery_status: string | null }[] }>().data).toEqual([
      expect.objectContaining({ id: created.id, last_delivery_status: null }),
    ]);

    const deleted = await open.app.inject({
      method: 'DELETE',
      url: `/v1/webhooks/${created.id}`,
      headers: user.headers,
    });
    expect(deleted.statusCode).toBe(204);
    const after = await open.app.inject({ method: 'GET', url: '/v1/webhooks', headers: user.headers });
    expect(after.json<{ data: unknown[] }>().data).toEqual([]);
    const again = await open.app.inject({
      method: 'DELETE',
      url: `/v1/webhooks/${created.id}`,
      headers: user.headers,
    });
    expectProblem(again, 404, 'not_found');
  });

  it.each([
    'http://127.0.0.1:8080/hooks',
    'http://localhost/hooks',
    'http://10.1.2.3/hooks',
    'http://192.168.1.1/hooks',
    'http://172.16.0.1/hooks',
    'http://169.254.169.254/latest/meta-data',
    'http://100.64.0.1/hooks',
    'http://0.0.0.0/hooks',
    'http://[::1]/hooks',
    'http://[fd00::1]/hooks',
    'http://[fe80::1]/hooks',
    'http://[::ffff:127.0.0.1]/hooks',
  ])('refuses %s with webhook_url_not_allowed unless private receivers are allowed', async (url) => {
    const user = await signUpAndSignIn(strict.app);
    const refused = await strict.app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers: user.headers,
      payload: { url, events: ['token.created'] },
    });
    expectProblem(refused, 400, 'webhook_url_not_allowed');
    const listed = await strict.app.inject({ method: 'GET', url: '/v1/webhooks', headers: user.headers });
    expect(listed.json<{ data: unknown[] }>().data).toEqual([]);

    const allowedUser = await signUpAndSignIn(open.app);
    await addWebhook(open.app, allowedUser, url);
  });

  it('refuses a URL that is not http or https, or that carries a password', async () => {
    const user = await signUpAndSignIn(open.app);
    for (const url of [
      'ftp://example.com/hooks',
      'file:///etc/passwd',
      'not a url',
      'https://user:secret@example.com/hooks',
    ]) {
      const refused = await open.app.inject({
        method: 'POST',
        url: '/v1/webhooks',
        headers: user.headers,
        payload: { url, events: ['token.created'] },
      });
      expectProblem(refused, 400, 'webhook_url_not_allowed');
    }
  });

  it('lists with webhooks:read and refuses creating without webhooks:write', async () => {
    const user = await signUpAndSignIn(open.app);
    const reader = await createToken(open.app, user, { scopes: ['webhooks:read'] });
    const listed = await open.app.inject({
      method: 'GET',
      url: '/v1/webhooks',
      headers: bearer(reader.token),
    });
    expect(listed.statusCode).toBe(200);
    const refused = await open.app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers: bearer(reader.token),
      payload: { url: 'http://127.0.0.1:9/hooks', events: ['token.created'] },
    });
    expectProblem(refused, 403, 'insufficient_scope');
    const other = await createToken(open.app, user, { scopes: ['tokens:read'] });
    expectProblem(
      await open.app.inject({ method: 'GET', url: '/v1/webhooks', headers: bearer(other.token) }),
      403,
      'insufficient_scope',
    );

    const writer = await createToken(open.app, user, { scopes: ['webhooks:write'] });
    const created = await open.app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers: bearer(writer.token),
      payload: { url: 'http://127.0.0.1:9/hooks', events: ['token.created'] },
    });
    expect(created.statusCode, created.body).toBe(201);
  });

  it("answers not_found for another account's webhook", async () => {
    const owner = await signUpAndSignIn(open.app);
    const stranger = await signUpAndSignIn(open.app);
    const created = await addWebhook(open.app, owner, 'http://127.0.0.1:9/hooks');
    for (const [method, url] of [
      ['DELETE', `/v1/webhooks/${created.id}`],
      ['GET', `/v1/webhooks/${created.id}/deliveries`],
      ['POST', `/v1/webhooks/${created.id}/test`],
    ] as const) {
      expectProblem(await open.app.inject({ method, url, headers: stranger.headers }), 404, 'not_found');
    }
  });
});

describeEachDialect('Webhook delivery', (dialect) => {
  const clock = new ManualClock('2026-03-01T00:00:00.000Z');
  let first: Platform;
  let second: Platform;
  let receiver: Receiver;
  let receiverUrl: string;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    const database = await createTestDatabase(dialect);
    const config = loadConfig({
      SKYTELLS_SECRET: randomBytes(32).toString('hex'),
      SKYTELLS_WEBHOOK_ALLOW_PRIVATE: 'true',
    });
    // Two server processes' worth of services on one database.
    const compose = () =>
      composePlatform({ config, target: database.target, logger: false, scrypt: TEST_SCRYPT, clock });
    first = await compose();
    second = await compose();
    dispose = async () => {
      for (const platform of [first, second]) {
        await platform.app.close();
        await platform.database.close().catch(() => undefined);
      }
      await database.dispose();
    };
  });
  afterAll(async () => dispose());
  beforeEach(async () => {
    receiver = new Receiver();
    receiverUrl = await receiver.start();
  });
  afterEach(async () => receiver.close());

  it('delivers token.created and token.revoked through the API, signed with the secret shown at creation', async () => {
    const user = await signUpAndSignIn(first.app);
    const webhook = await addWebhook(first.app, user, receiverUrl);
    const token = await createToken(first.app, user, { name: 'deploy bot', scopes: ['tokens:read'] });
    clock.advance(1_000);
    const revoked = await first.app.inject({
      method: 'DELETE',
      url: `/v1/tokens/${token.id}`,
      headers: user.headers,
    });
    expect(revoked.statusCode).toBe(204);

    expect(await first.webhooks.deliverDue()).toEqual({ delivered: 2, failed: 0 });
    expect(receiver.received).toHaveLength(2);
    // Deliveries run side by side: a receiver orders events by `created_at`, not by arrival.
    const bodies = receiver.received
      .map((request) => JSON.parse(request.body) as Record<string, unknown>)
      .sort((a, b) => String(a['created_at']).localeCompare(String(b['created_at'])));
    expect(bodies.map((body) => body['type'])).toEqual(['token.created', 'token.revoked']);
    expect(bodies[0]).toMatchObject({
      id: expect.stringMatching(/^evt_/),
      created_at: new Date(clock.now().getTime() - 1_000).toISOString(),
      data: { token_id: token.id, name: 'deploy bot', masked: token.masked, scopes: ['tokens:read'] },
    });
    for (const request of receiver.received) {
      expectSigned(request, webhook.secret);
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['user-agent']).toBe('Skytells-Webhooks/1');
      // Never the token's value.
      expect(request.body).not.toContain(token.token);
    }
    const log = await deliveriesOf(first.app, user, webhook.id);
    expect(log.map((delivery) => [delivery.type, delivery.status, delivery.response_status])).toEqual([
      ['token.revoked', 'delivered', 200],
      ['token.created', 'delivered', 200],
    ]);
    expect(await first.webhooks.deliverDue()).toEqual({ delivered: 0, failed: 0 });
  });

  it('delivers only the events a webhook subscribed to', async () => {
    const user = await signUpAndSignIn(first.app);
    await addWebhook(first.app, user, receiverUrl, ['api_key.created']);
    await createToken(first.app, user);
    const key = await first.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: user.headers,
      payload: { name: 'legacy' },
    });
    expect(key.statusCode).toBe(201);
    await first.webhooks.deliverDue();
    expect(receiver.received.map((request) => (JSON.parse(request.body) as { type: string }).type)).toEqual([
      'api_key.created',
    ]);
    expect(receiver.received[0]!.body).not.toContain(key.json<{ key: string }>().key);
  });

  it('delivers token.rotated, token.leak_reported, api_key.rolled and api_key.revoked, never with a value', async () => {
    const user = await signUpAndSignIn(first.app);
    await addWebhook(first.app, user, receiverUrl, [
      'token.rotated',
      'token.leak_reported',
      'api_key.rolled',
      'api_key.revoked',
    ]);
    const rotated = await createToken(first.app, user, { name: 'ci' });
    const rotation = await first.app.inject({
      method: 'POST',
      url: `/v1/tokens/${rotated.id}/rotate`,
      headers: user.headers,
      payload: {},
    });
    expect(rotation.statusCode, rotation.body).toBe(201);
    const leaked = await createToken(first.app, user, { name: 'leaked' });
    const report = await first.app.inject({
      method: 'POST',
      url: '/v1/credentials/revoke',
      payload: { credentials: [leaked.token] },
    });
    expect(report.statusCode, report.body).toBe(202);
    const key = await first.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: user.headers,
      payload: { name: 'legacy' },
    });
    const keyId = key.json<{ id: string }>().id;
    const rolled = await first.app.inject({
      method: 'POST',
      url: `/v1/api-keys/${keyId}/roll`,
      headers: user.headers,
      payload: { grace_seconds: 3600 },
    });
    expect(rolled.statusCode, rolled.body).toBe(201);
    const revoked = await first.app.inject({
      method: 'DELETE',
      url: `/v1/api-keys/${rolled.json<{ id: string }>().id}`,
      headers: user.headers,
    });
    expect(revoked.statusCode).toBe(204);

    await first.webhooks.deliverDue();
    const events = receiver.received.map(
      (request) => JSON.parse(request.body) as { type: string; data: object },
    );
    const byType = new Map(events.map((event) => [event.type, event.data]));
    expect([...byType.keys()].sort()).toEqual([
      'api_key.revoked',
      'api_key.rolled',
      'token.leak_reported',
      'token.rotated',
    ]);
    expect(byType.get('token.rotated')).toMatchObject({
      token_id: rotated.id,
      replaced_by: rotation.json<{ id: string }>().id,
    });
    expect(byType.get('token.leak_reported')).toMatchObject({ token_id: leaked.id, masked: leaked.masked });
    expect(byType.get('api_key.rolled')).toMatchObject({
      api_key_id: keyId,
      replaced_by: rolled.json<{ id: string }>().id,
    });
    expect(byType.get('api_key.revoked')).toMatchObject({ reason: 'revoked' });
    const everything = receiver.received.map((request) => request.body).join('\n');
    for (const value of [
      rotated.token,
      rotation.json<{ token: string }>().token,
      leaked.token,
      key.json<{ key: string }>().key,
      rolled.json<{ key: string }>().key,
    ]) {
      expect(everything).not.toContain(value);
    }
  });

  it('retries a delivery the receiver refused, after a back-off of at most a minute, with the same event id', async () => {
    const user = await signUpAndSignIn(first.app);
    const webhook = await addWebhook(first.app, user, receiverUrl);
    receiver.statuses = [500];
    const test = await first.app.inject({
      method: 'POST',
      url: `/v1/webhooks/${webhook.id}/test`,
      headers: user.headers,
    });
    expect(test.statusCode, test.body).toBe(202);
    expect(test.json()).toMatchObject({ type: 'webhook.test', status: 'pending', attempts: 0 });

    expect(await first.webhooks.deliverDue()).toEqual({ delivered: 0, failed: 1 });
    expect(await deliveriesOf(first.app, user, webhook.id)).toEqual([
      expect.objectContaining({ status: 'retrying', attempts: 1, response_status: 500 }),
    ]);
    clock.advance(60_000);
    expect(await first.webhooks.deliverDue()).toEqual({ delivered: 1, failed: 0 });
    expect(receiver.received).toHaveLength(2);
    const ids = receiver.received.map((request) => (JSON.parse(request.body) as { id: string }).id);
    expect(ids[0]).toBe(test.json<{ id: string }>().id);
    expect(ids[1]).toBe(ids[0]);
    expect(receiver.received[1]!.body).toBe(receiver.received[0]!.body);
    expectSigned(receiver.received[1]!, webhook.secret);
    expect(await deliveriesOf(first.app, user, webhook.id)).toEqual([
      expect.objectContaining({ status: 'delivered', attempts: 2, response_status: 200 }),
    ]);
  });

  it('gives a delivery up as failed a day after its event', async () => {
    const user = await signUpAndSignIn(first.app);
    const webhook = await addWebhook(first.app, user, receiverUrl);
    receiver.statuses = Array.from({ length: 100 }, () => 503);
    await first.app.inject({ method: 'POST', url: `/v1/webhooks/${webhook.id}/test`, headers: user.headers });
    const store = new KyselyWebhookStore(first.database.db, first.database.dialect);
    for (let hour = 0; hour <= 25; hour += 1) {
      await first.webhooks.deliverDue();
      clock.advance(3_600_000);
    }
    const [delivery] = await store.listDeliveries(webhook.id, { limit: 10 });
    expect(delivery).toMatchObject({ status: 'failed', responseStatus: 503, nextAttemptAt: null });
    expect(delivery!.lastAttemptAt!.getTime() - delivery!.createdAt.getTime()).toBeLessThanOrEqual(
      WEBHOOK_GIVE_UP_AFTER_MS,
    );
    const tries = receiver.received.length;
    clock.advance(3_600_000);
    await first.webhooks.deliverDue();
    expect(receiver.received).toHaveLength(tries);
  });

  it('sends a delivery claimed by two processes at once only once', async () => {
    const user = await signUpAndSignIn(first.app);
    const webhook = await addWebhook(first.app, user, receiverUrl);
    for (let i = 0; i < 6; i += 1) await createToken(first.app, user);
    const runs = await Promise.all([first.webhooks.deliverDue(), second.webhooks.deliverDue()]);
    expect(runs.reduce((sum, run) => sum + run.delivered, 0)).toBe(6);
    const ids = receiver.received.map((request) => (JSON.parse(request.body) as { id: string }).id);
    expect(new Set(ids).size).toBe(6);
    expect(ids).toHaveLength(6);
    expect(await deliveriesOf(first.app, user, webhook.id)).toHaveLength(6);
  });
});

describeEachDialect('Webhook delivery across a crash', (dialect) => {
  const clock = new ManualClock('2026-04-01T00:00:00.000Z');
  let receiver: Receiver;

  beforeEach(async () => {
    receiver = new Receiver();
  });
  afterEach(async () => receiver.close());

  it('redelivers, once, with the same event id, a delivery whose process died before recording it, and never one recorded delivered', async () => {
    const receiverUrl = await receiver.start();
    const database = await createTestDatabase(dialect);
    const config = loadConfig({
      SKYTELLS_SECRET: randomBytes(32).toString('hex'),
      SKYTELLS_WEBHOOK_ALLOW_PRIVATE: 'true',
    });
    const compose = () =>
      composePlatform({ config, target: database.target, logger: false, scrypt: TEST_SCRYPT, clock });
    const doomed = await compose();
    const user = await signUpAndSignIn(doomed.app);
    const webhook = await addWebhook(doomed.app, user, receiverUrl);
    const token = await createToken(doomed.app, user);

    // The receiver holds the request while the process sending it goes away.
    let release!: () => void;
    receiver.hold = new Promise((resolve) => (release = resolve));
    const arrived = receiver.arrival();
    const run = doomed.webhooks.deliverDue();
    await arrived;
    await doomed.app.close();
    await doomed.database.close();
    release();
    await expect(run).rejects.toThrow();
    receiver.hold = undefined;
    expect(receiver.received).toHaveLength(1);

    const survivor = await compose();
    try {
      // Nobody takes the claim over while its lease lasts.
      expect(await survivor.webhooks.deliverDue()).toEqual({ delivered: 0, failed: 0 });
      clock.advance(WEBHOOK_LEASE_MS);
      expect(await survivor.webhooks.deliverDue()).toEqual({ delivered: 1, failed: 0 });
      expect(receiver.received).toHaveLength(2);
      const [once, twice] = receiver.received.map(
        (request) => JSON.parse(request.body) as { id: string; data: unknown },
      );
      expect(twice!.id).toBe(once!.id);
      expect(twice).toEqual(once);
      expect(once!.data).toMatchObject({ token_id: token.id });

      // Recorded delivered: never sent again, whoever runs and whenever.
      clock.advance(WEBHOOK_LEASE_MS * 10);
      expect(await survivor.webhooks.deliverDue()).toEqual({ delivered: 0, failed: 0 });
      expect(receiver.received).toHaveLength(2);
      const store = new KyselyWebhookStore(survivor.database.db, survivor.database.dialect);
      expect(await store.listDeliveries(webhook.id, { limit: 10 })).toEqual([
        expect.objectContaining({ status: 'delivered', attempts: 2 }),
      ]);
    } finally {
      await survivor.app.close();
      await survivor.database.close();
      await database.dispose();
    }
  });
});

describe('Webhook events and their transaction', () => {
  it('writes no delivery when the change it reports rolls back', async () => {
    const platform = await createTestPlatform({ env: { SKYTELLS_WEBHOOK_ALLOW_PRIVATE: 'true' } });
    try {
      const user = await signUpAndSignIn(platform.app);
      const webhook = await addWebhook(platform.app, user, 'http://127.0.0.1:9/hooks');
      await createToken(platform.app, user, { name: 'taken' });
      // The same name again: name_conflict rolls the transaction back, event and all.
      const conflict = await platform.app.inject({
        method: 'POST',
        url: '/v1/tokens',
        headers: user.headers,
        payload: { name: 'taken', scopes: ['tokens:read'], expires_in_days: 30 },
      });
      expectProblem(conflict, 409, 'name_conflict');
      expect(await deliveriesOf(platform.app, user, webhook.id)).toHaveLength(1);
    } finally {
      await platform.close();
    }
  });
});

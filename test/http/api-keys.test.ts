import { API_KEY_PATTERN, operations } from '@skytells/contract';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiKeyOrTokenCaller, authenticate } from '../../src/adapters/http/authenticate.js';
import { ManualClock } from '../../src/core/clock.js';
import {
  bearer,
  createTestPlatform,
  createToken,
  type ConsoleUser,
  signUpAndSignIn,
  type TestPlatform,
} from '../support/harness.js';
import { describeEachDialect, expectProblem, listAudit, withBadChecksum } from '../support/http.js';

type Listing = { data: { id: string }[] };

/** A stand-in for the inference route: guarded exactly as `createChatCompletion` is. */
const INFERENCE = '/test/inference';

describeEachDialect('API keys over HTTP', (dialect) => {
  let platform: TestPlatform;
  let clock: ManualClock;
  let inferenceRuns = 0;
  beforeAll(async () => {
    clock = new ManualClock(new Date());
    platform = await createTestPlatform({ dialect, clock });
    platform.app.post(
      INFERENCE,
      { onRequest: authenticate(platform.services, operations.createChatCompletion.auth) },
      async (request) => {
        inferenceRuns += 1;
        return apiKeyOrTokenCaller(request);
      },
    );
  });
  afterAll(async () => platform.close());

  const inject = (options: InjectOptions) => platform.app.inject(options);
  const infer = (headers: Record<string, string>) => inject({ method: 'POST', url: INFERENCE, headers });
  const create = async (user: ConsoleUser, name = 'legacy') => {
    const response = await inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: user.headers,
      payload: { name },
    });
    expect(response.statusCode).toBe(201);
    return response.json<{ id: string; key: string; masked: string; name: string }>();
  };
  const roll = (user: ConsoleUser, id: string, payload?: object) =>
    inject({
      method: 'POST',
      url: `/v1/api-keys/${id}/roll`,
      headers: user.headers,
      ...(payload ? { payload } : {}),
    });

  it('creating a key shows its value once; listing and reading show only the masked id', async () => {
    const user = await signUpAndSignIn(platform.app);
    const created = await create(user, 'billing job');

    expect(created.id).toMatch(/^key_/);
    expect(created.key).toMatch(/^sk_live_[0-9A-Za-z]{38}$/);
    expect(created.key.match(API_KEY_PATTERN)).toEqual([created.key]);
    expect(created.masked).toBe(`${created.key.slice(0, 12)}…${created.key.slice(-4)}`);
    expect(created).toMatchObject({
      name: 'billing job',
      status: 'active',
      expires_at: null,
      replaces: null,
    });

    const list = await inject({ method: 'GET', url: '/v1/api-keys', headers: user.headers });
    const one = await inject({ method: 'GET', url: `/v1/api-keys/${created.id}`, headers: user.headers });
    for (const response of [list, one]) {
      expect(response.statusCode).toBe(200);
      expect(response.body).not.toContain(created.key);
      expect(response.body).toContain(created.masked);
    }
    expect(list.json<Listing>().data.map((key) => key.id)).toEqual([created.id]);
    expect(one.json()).not.toHaveProperty('key');
    const audit = await listAudit(platform.app, user);
    expect(audit.find((event) => event.action === 'api_key.created')?.details).toEqual({
      name: 'billing job',
      masked: created.masked,
    });
  });

  it('a key authenticates the inference operation, by Bearer or X-API-Key, as an api_key caller', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { id, key } = await create(user);

    for (const headers of [bearer(key), { 'x-api-key': key }]) {
      const response = await infer(headers);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ accountId: user.accountId, credential: { kind: 'api_key', id } });
    }
    await platform.lastUse.flush();
    const read = await inject({ method: 'GET', url: `/v1/api-keys/${id}`, headers: user.headers });
    expect(read.json().last_used_at).toBe(clock.now().toISOString());
  });

  it('a key and a second credential at once are refused as invalid_request', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { key } = await create(user);
    const token = await createToken(platform.app, user, { scopes: ['inference:use'] });
    const runs = inferenceRuns;

    expectProblem(await infer({ ...bearer(token.token), 'x-api-key': key }), 400, 'invalid_request');
    expect(inferenceRuns).toBe(runs);
  });

  it('tokens need inference:use for the inference operation; the console session passes', async () => {
    const user = await signUpAndSignIn(platform.app);
    const without = await createToken(platform.app, user, { scopes: ['tokens:read'] });
    const withScope = await createToken(platform.app, user, { scopes: ['inference:use'] });

    expectProblem(await infer(bearer(without.token)), 403, 'insufficient_scope');
    expect((await infer(bearer(withScope.token))).json().credential).toEqual({
      kind: 'token',
      id: withScope.id,
    });
    const session = await infer(user.headers);
    expect(session.statusCode).toBe(200);
    expect(session.json().credential.kind).toBe('session');
  });

  it('a key sent anywhere but inference is refused with api_key_not_accepted, before any look-up', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { key } = await create(user);
    // Never issued: were it looked up, it would be refused as token_invalid instead.
    const stranger = 'sk_live_' + 'a'.repeat(32);
    const { apiKeyChecksum } = await import('@skytells/contract');
    const unissued = stranger + apiKeyChecksum(stranger);

    for (const value of [key, unissued]) {
      expectProblem(
        await inject({ method: 'GET', url: '/v1/tokens', headers: bearer(value) }),
        401,
        'api_key_not_accepted',
      );
      expectProblem(
        await inject({ method: 'GET', url: '/v1/account', headers: bearer(value) }),
        401,
        'api_key_not_accepted',
      );
      expectProblem(
        await inject({ method: 'GET', url: '/v1/account', headers: { 'x-api-key': value } }),
        401,
        'api_key_not_accepted',
      );
    }
    expectProblem(
      await inject({ method: 'GET', url: '/v1/account', headers: bearer(withBadChecksum(key)) }),
      401,
      'token_malformed',
    );
    expectProblem(await infer(bearer(withBadChecksum(key))), 401, 'token_malformed');
    expectProblem(await infer(bearer(unissued)), 401, 'token_invalid');
  });

  it('elsewhere, an X-API-Key header that holds no sk_live_ value is not a credential and is ignored', async () => {
    const user = await signUpAndSignIn(platform.app);
    const token = await createToken(platform.app, user, { scopes: ['tokens:read'] });

    const response = await inject({
      method: 'GET',
      url: '/v1/tokens',
      headers: { ...bearer(token.token), 'x-api-key': 'key-of-another-service' },
    });
    expect(response.statusCode).toBe(200);
    expectProblem(await infer({ 'x-api-key': 'key-of-another-service' }), 401, 'token_malformed');
  });

  it('tokens manage keys with the api_keys scopes, and a key cannot manage keys at all', async () => {
    const user = await signUpAndSignIn(platform.app);
    const reader = await createToken(platform.app, user, { scopes: ['api_keys:read'] });
    const writer = await createToken(platform.app, user, { scopes: ['api_keys:write'] });

    expectProblem(
      await inject({
        method: 'POST',
        url: '/v1/api-keys',
        headers: bearer(reader.token),
        payload: { name: 'x' },
      }),
      403,
      'insufficient_scope',
    );
    const neither = await createToken(platform.app, user, { scopes: ['tokens:read'] });
    expectProblem(
      await inject({ method: 'GET', url: '/v1/api-keys', headers: bearer(neither.token) }),
      403,
      'insufficient_scope',
    );
    const made = await inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: bearer(writer.token),
      payload: { name: 'x' },
    });
    expect(made.statusCode).toBe(201);
    expectProblem(
      await inject({ method: 'GET', url: '/v1/api-keys', headers: bearer(made.json().key) }),
      401,
      'api_key_not_accepted',
    );
    const listed = await inject({ method: 'GET', url: '/v1/api-keys', headers: bearer(reader.token) });
    expect(listed.json<Listing>().data.map((key) => key.id)).toEqual([made.json().id]);
  });

  it('revoking is immediate, repeating it is 204, and the key is then refused as token_revoked', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { id, key, masked } = await create(user);
    expect((await infer(bearer(key))).statusCode).toBe(200);

    for (let i = 0; i < 2; i++) {
      const response = await inject({ method: 'DELETE', url: `/v1/api-keys/${id}`, headers: user.headers });
      expect(response.statusCode).toBe(204);
    }
    expectProblem(await infer(bearer(key)), 401, 'token_revoked');
    const read = await inject({ method: 'GET', url: `/v1/api-keys/${id}`, headers: user.headers });
    expect(read.json()).toMatchObject({ status: 'revoked', revoked_at: clock.now().toISOString() });
    const audit = await listAudit(platform.app, user);
    expect(audit.filter((event) => event.action === 'api_key.revoked')).toHaveLength(1);
    const failed = audit.find((event) => event.action === 'api_key.auth_failed');
    expect(failed?.details).toEqual({ reason: 'token_revoked', masked });
    expect(JSON.stringify(audit)).not.toContain(key);
  });

  it("another account's key, and an unknown id, are 404 to read, revoke and roll", async () => {
    const owner = await signUpAndSignIn(platform.app);
    const other = await signUpAndSignIn(platform.app);
    const { id, key } = await create(owner);

    for (const target of [id, 'key_unknown']) {
      expectProblem(
        await inject({ method: 'GET', url: `/v1/api-keys/${target}`, headers: other.headers }),
        404,
        'not_found',
      );
      expectProblem(
        await inject({ method: 'DELETE', url: `/v1/api-keys/${target}`, headers: other.headers }),
        404,
        'not_found',
      );
      expectProblem(await roll(other, target), 404, 'not_found');
    }
    expect((await infer(bearer(key))).statusCode).toBe(200);
  });

  it('a roll with grace keeps both keys working until the grace ends, then refuses the old as token_expired', async () => {
    const user = await signUpAndSignIn(platform.app);
    const old = await create(user, 'worker');
    const response = await roll(user, old.id, { grace_seconds: 3600 });
    expect(response.statusCode).toBe(201);
    const fresh = response.json();
    expect(fresh.key).toMatch(/^sk_live_/);
    expect(fresh).toMatchObject({ name: 'worker', replaces: old.id, status: 'active' });
    const endsAt = new Date(clock.now().getTime() + 3600_000).toISOString();
    const oldRead = await inject({ method: 'GET', url: `/v1/api-keys/${old.id}`, headers: user.headers });
    expect(oldRead.json()).toMatchObject({ status: 'active', expires_at: endsAt, replaced_by: fresh.id });

    clock.advance(3599_000);
    expect((await infer(bearer(old.key))).statusCode).toBe(200);
    expect((await infer({ 'x-api-key': fresh.key })).statusCode).toBe(200);

    clock.advance(1000);
    expectProblem(await infer(bearer(old.key)), 401, 'token_expired');
    expect((await infer(bearer(fresh.key))).statusCode).toBe(200);
    const after = await inject({ method: 'GET', url: `/v1/api-keys/${old.id}`, headers: user.headers });
    expect(after.json().status).toBe('expired');
    expectProblem(await roll(user, old.id), 409, 'token_not_active');
    const rolled = (await listAudit(platform.app, user)).find((event) => event.action === 'api_key.rolled');
    expect(rolled?.details).toMatchObject({
      replaced_by: fresh.id,
      grace_seconds: 3600,
      old_expires_at: endsAt,
    });
  });

  it('a roll without grace stops the old key at once', async () => {
    const user = await signUpAndSignIn(platform.app);
    const old = await create(user);
    expect((await infer(bearer(old.key))).statusCode).toBe(200);

    const response = await roll(user, old.id);
    expect(response.statusCode).toBe(201);

    expectProblem(await infer(bearer(old.key)), 401, 'token_revoked');
    expect((await infer(bearer(response.json().key))).statusCode).toBe(200);
    const revoked = (await listAudit(platform.app, user)).find((event) => event.action === 'api_key.revoked');
    expect(revoked?.details).toMatchObject({ reason: 'rolled' });
  });

  it('rolling a revoked key is 409 token_not_active, and a grace past 7 days is refused', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { id } = await create(user);
    expectProblem(await roll(user, id, { grace_seconds: 604_801 }), 400, 'validation_failed');
    await inject({ method: 'DELETE', url: `/v1/api-keys/${id}`, headers: user.headers });
    expectProblem(await roll(user, id, { grace_seconds: 60 }), 409, 'token_not_active');
  });

  it('a leaked key reported to /v1/credentials/revoke is revoked, audited as leaked, and its owner told', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { id, key } = await create(user, 'ci');
    const response = await inject({
      method: 'POST',
      url: '/v1/credentials/revoke',
      payload: { credentials: [`found: ${key}`, key] },
    });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ revoked: 1 });

    expectProblem(await infer(bearer(key)), 401, 'token_revoked');
    const revoked = (await listAudit(platform.app, user)).find((event) => event.action === 'api_key.revoked');
    expect(revoked).toMatchObject({ target: { type: 'api_key', id }, details: { reason: 'leaked' } });
    const mail = await platform.database.db
      .selectFrom('mail_outbox')
      .select(['kind', 'subject', 'text_body'])
      .where('account_id', '=', user.accountId)
      .where('kind', '=', 'api_key_leaked')
      .execute();
    expect(mail).toHaveLength(1);
    expect(mail[0]?.text_body).not.toContain(key);
  });
});

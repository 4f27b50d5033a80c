import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import {
  bearer,
  createTestPlatform,
  createToken,
  signUpAndSignIn,
  type TestPlatform,
} from '../support/harness.js';
import { DAY_MS, describeEachDialect, expectProblem, listAudit, listTokens } from '../support/http.js';

const TOKEN_FIELDS = [
  'allowed_ips',
  'client_id',
  'created_at',
  'created_via',
  'expires_at',
  'id',
  'last_used_at',
  'last_used_ip',
  'last_used_user_agent',
  'masked',
  'name',
  'projects',
  'rate_limit',
  'replaced_by',
  'replaces',
  'revoke_on_first_use_of',
  'revoked_at',
  'scopes',
  'status',
  'workload_id',
];

describeEachDialect('token lifecycle over HTTP', (dialect) => {
  let platform: TestPlatform;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = new ManualClock(new Date());
    platform = await createTestPlatform({ dialect, clock });
  });
  afterAll(async () => platform.close());

  const inject = (options: InjectOptions) => platform.app.inject(options);

  it('a created token works until it is revoked, then answers token_revoked', async () => {
    const user = await signUpAndSignIn(platform.app);
    const created = await createToken(platform.app, user, { scopes: ['tokens:read'] });
    const ok = await inject({ method: 'GET', url: '/v1/tokens/self', headers: bearer(created.token) });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ id: created.id, status: 'active' });

    const revoked = await inject({
      method: 'DELETE',
      url: `/v1/tokens/${created.id}`,
      headers: user.headers,
    });
    expect(revoked.statusCode).toBe(204);

    const after = await inject({ method: 'GET', url: '/v1/tokens/self', headers: bearer(created.token) });
    expectProblem(after, 401, 'token_revoked');
    expect(after.headers['www-authenticate']).toMatch(/^Bearer realm="skytells", error="invalid_token"/);
  });

  it('creating a token answers 201 with the Token object and its value in the contract format', async () => {
    const user = await signUpAndSignIn(platform.app);
    const response = await inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: user.headers,
      payload: { name: 'deploy bot', scopes: ['projects:write', 'tokens:read'], expires_in_days: 30 },
    });
    expect(response.statusCode).toBe(201);
    const body = response.json<Record<string, unknown> & { token: string; id: string; masked: string }>();
    expect(Object.keys(body).sort()).toEqual([...TOKEN_FIELDS, 'token'].sort());
    expect(body.token).toMatch(/^skt_[0-9A-Za-z]{38}$/);
    expect(body.id).toMatch(/^tok_/);
    expect(body.masked).toBe(`${body.token.slice(0, 8)}…${body.token.slice(-4)}`);
    expect(body).toMatchObject({
      name: 'deploy bot',
      scopes: ['tokens:read', 'projects:write'],
      status: 'active',
      created_via: 'console',
      client_id: null,
      workload_id: null,
      last_used_at: null,
      revoked_at: null,
      replaces: null,
      replaced_by: null,
      revoke_on_first_use_of: null,
      allowed_ips: null,
      rate_limit: null,
      projects: null,
    });
    expect(body.created_at).toBe(clock.now().toISOString());
    expect(body.expires_at).toBe(new Date(clock.now().getTime() + 30 * DAY_MS).toISOString());
  });

  it('the token value appears in the creating response only, never in a later one', async () => {
    const user = await signUpAndSignIn(platform.app);
    const created = await createToken(platform.app, user, { scopes: ['tokens:read', 'audit:read'] });
    const later = await Promise.all([
      inject({ method: 'GET', url: `/v1/tokens/${created.id}`, headers: user.headers }),
      inject({ method: 'GET', url: '/v1/tokens?status=all', headers: user.headers }),
      inject({ method: 'GET', url: '/v1/tokens/self', headers: bearer(created.token) }),
      inject({ method: 'GET', url: '/v1/audit', headers: bearer(created.token) }),
    ]);
    for (const response of later) {
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain(created.id);
      expect(response.body).not.toContain(created.token);
      expect(response.body).not.toContain(created.token.slice(4, 36));
    }
  });

  it('a token created by a token says created_via api and can be used at once', async () => {
    const user = await signUpAndSignIn(platform.app);
    // A parent that never expires: one that does could not create a child without expiry.
    const parent = await createToken(platform.app, user, {
      scopes: ['tokens:write'],
      expires: 'never',
      expires_in_days: undefined,
    });
    const response = await inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: bearer(parent.token),
      payload: { name: 'child', scopes: ['tokens:read'], expires: 'never' },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ created_via: 'api', expires_at: null, scopes: ['tokens:read'] });
    const self = await inject({
      method: 'GET',
      url: '/v1/tokens/self',
      headers: bearer(response.json().token),
    });
    expect(self.json()).toMatchObject({ name: 'child', created_via: 'api' });
  });

  it('expires_at sets the expiry to that instant', async () => {
    const user = await signUpAndSignIn(platform.app);
    const at = new Date(clock.now().getTime() + 10 * DAY_MS);
    at.setUTCMilliseconds(0);
    const created = await createToken(platform.app, user, {
      expires_in_days: undefined,
      expires_at: at.toISOString(),
    });
    const shown = await inject({ method: 'GET', url: `/v1/tokens/${created.id}`, headers: user.headers });
    expect(shown.json().expires_at).toBe(at.toISOString());
  });

  it('GET /v1/tokens lists only active tokens by default, newest first', async () => {
    const user = await signUpAndSignIn(platform.app);
    const first = await createToken(platform.app, user);
    clock.advance(1000);
    const second = await createToken(platform.app, user);
    clock.advance(1000);
    const third = await createToken(platform.app, user);
    await inject({ method: 'DELETE', url: `/v1/tokens/${second.id}`, headers: user.headers });

    const response = await inject({ method: 'GET', url: '/v1/tokens', headers: user.headers });
    expect(response.statusCode).toBe(200);
    const body = response.json<{ data: { id: string }[]; next_cursor: string | null }>();
    expect(body.data.map((t) => t.id)).toEqual([third.id, first.id]);
    expect(body.next_cursor).toBeNull();
  });

  it('the status filter separates active, expired and revoked tokens, and all shows every one', async () => {
    const user = await signUpAndSignIn(platform.app);
    const expiring = await createToken(platform.app, user, { expires_in_days: 1 });
    clock.advance(1000);
    const revoked = await createToken(platform.app, user);
    clock.advance(1000);
    const active = await createToken(platform.app, user);
    await inject({ method: 'DELETE', url: `/v1/tokens/${revoked.id}`, headers: user.headers });
    clock.advance(DAY_MS + 1000);
    // The session outlives one day; re-use it.
    const ids = async (status: 'active' | 'expired' | 'revoked' | 'all') =>
      (await listTokens(platform.app, user, status)).map((t) => [t.id, t.status]);

    expect(await ids('active')).toEqual([[active.id, 'active']]);
    expect(await ids('expired')).toEqual([[expiring.id, 'expired']]);
    expect(await ids('revoked')).toEqual([[revoked.id, 'revoked']]);
    expect(await ids('all')).toEqual([
      [active.id, 'active'],
      [revoked.id, 'revoked'],
      [expiring.id, 'expired'],
    ]);
  });

  it('a status other than active, expired, revoked or all is a 400', async () => {
    const user = await signUpAndSignIn(platform.app);
    const response = await inject({ method: 'GET', url: '/v1/tokens?status=deleted', headers: user.headers });
    expectProblem(response, 400, 'validation_failed');
  });

  it('cursor paging with limit walks every token once, newest first', async () => {
    const user = await signUpAndSignIn(platform.app);
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      created.push((await createToken(platform.app, user)).id);
      clock.advance(1);
    }
    // Two tokens in the same millisecond must still page without loss or repetition.
    created.push((await createToken(platform.app, user)).id);
    created.push((await createToken(platform.app, user)).id);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/v1/tokens?limit=2${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
      const response = await inject({ method: 'GET', url, headers: user.headers });
      expect(response.statusCode).toBe(200);
      const page = response.json<{ data: { id: string }[]; next_cursor: string | null }>();
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((t) => t.id));
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor !== null && pages < 10);

    expect(pages).toBe(4);
    expect(seen).toHaveLength(7);
    expect(new Set(seen)).toEqual(new Set(created));
    expect(seen.slice(-5)).toEqual(created.slice(0, 5).reverse());
  });

  it('a cursor that this API did not produce is a 400 invalid_cursor', async () => {
    const user = await signUpAndSignIn(platform.app);
    const response = await inject({
      method: 'GET',
      url: '/v1/tokens?cursor=not-a-cursor',
      headers: user.headers,
    });
    expectProblem(response, 400, 'invalid_cursor');
  });

  it('a limit outside 1..100 is a 400', async () => {
    const user = await signUpAndSignIn(platform.app);
    for (const limit of ['0', '101', '-1', 'ten', '1.5']) {
      const response = await inject({
        method: 'GET',
        url: `/v1/tokens?limit=${limit}`,
        headers: user.headers,
      });
      expectFieldError400(response);
    }
  });

  it('GET /v1/tokens/{id} shows a token of the account', async () => {
    const user = await signUpAndSignIn(platform.app);
    const created = await createToken(platform.app, user, { name: 'reader', scopes: ['tokens:read'] });
    const response = await inject({ method: 'GET', url: `/v1/tokens/${created.id}`, headers: user.headers });
    expect(response.statusCode).toBe(200);
    expect(Object.keys(response.json()).sort()).toEqual(TOKEN_FIELDS);
    expect(response.json()).toMatchObject({ id: created.id, name: 'reader', masked: created.masked });
  });

  it('GET /v1/tokens/self shows the calling token and refuses a console session', async () => {
    const user = await signUpAndSignIn(platform.app);
    const created = await createToken(platform.app, user, { scopes: ['billing:read'] });
    const self = await inject({ method: 'GET', url: '/v1/tokens/self', headers: bearer(created.token) });
    expect(self.statusCode).toBe(200);
    expect(self.json()).toMatchObject({ id: created.id, scopes: ['billing:read'] });

    const session = await inject({ method: 'GET', url: '/v1/tokens/self', headers: user.headers });
    expectProblem(session, 403, 'token_required');
  });

  it('a use of a token shows as last_used_at, last_used_ip and last_used_user_agent', async () => {
    const user = await signUpAndSignIn(platform.app);
    const created = await createToken(platform.app, user);
    clock.advance(5000);
    await inject({
      method: 'GET',
      url: '/v1/tokens/self',
      headers: { ...bearer(created.token), 'user-agent': 'skytells-cli/1.0' },
      remoteAddress: '203.0.113.7',
    });
    const shown = await inject({ method: 'GET', url: `/v1/tokens/${created.id}`, headers: user.headers });
    expect(shown.json()).toMatchObject({
      last_used_at: clock.now().toISOString(),
      last_used_ip: '203.0.113.7',
      last_used_user_agent: 'skytells-cli/1.0',
    });
    await platform.lastUse.flush();
    const flushed = await inject({ method: 'GET', url: `/v1/tokens/${created.id}`, headers: user.headers });
    expect(flushed.json()).toMatchObject({
      last_used_at: clock.now().toISOString(),
      last_used_ip: '203.0.113.7',
    });
  });

  it("another account's token id answers exactly like an unknown id", async () => {
    const owner = await signUpAndSignIn(platform.app);
    const stranger = await signUpAndSignIn(platform.app);
    const theirs = await createToken(platform.app, owner);
    const unknownId = 'tok_0000000000000000000000';

    for (const [method, suffix] of [
      ['GET', ''],
      ['DELETE', ''],
      ['POST', '/rotate'],
    ] as const) {
      const foreign = await inject({
        method,
        url: `/v1/tokens/${theirs.id}${suffix}`,
        headers: stranger.headers,
      });
      const unknown = await inject({
        method,
        url: `/v1/tokens/${unknownId}${suffix}`,
        headers: stranger.headers,
      });
      expectProblem(foreign, 404, 'not_found');
      expect(foreign.json()).toEqual(unknown.json());
    }

    const still = await inject({ method: 'GET', url: '/v1/tokens/self', headers: bearer(theirs.token) });
    expect(still.json()).toMatchObject({ status: 'active', replaced_by: null });
  });

  it('revoking is immediate, shows revoked_at, and repeating it answers 204 with one audit entry', async () => {
    const user = await signUpAndSignIn(platform.app);
    const created = await createToken(platform.app, user);
    // Warm the verification path first, so a cached lookup cannot outlive the revocation.
    await inject({ method: 'GET', url: '/v1/tokens/self', headers: bearer(created.token) });

    const first = await inject({ method: 'DELETE', url: `/v1/tokens/${created.id}`, headers: user.headers });
    const second = await inject({ method: 'DELETE', url: `/v1/tokens/${created.id}`, headers: user.headers });
    expect([first.statusCode, second.statusCode]).toEqual([204, 204]);
    expect(first.body).toBe('');

    expectProblem(
      await inject({ method: 'GET', url: '/v1/tokens/self', headers: bearer(created.token) }),
      401,
      'token_revoked',
    );
    const shown = await inject({ method: 'GET', url: `/v1/tokens/${created.id}`, headers: user.headers });
    expect(shown.json()).toMatchObject({ status: 'revoked', revoked_at: clock.now().toISOString() });
    const revocations = (await listAudit(platform.app, user)).filter((e) => e.action === 'token.revoked');
    expect(revocations).toHaveLength(1);
  });

  it('a token can revoke itself with tokens:write', async () => {
    const user = await signUpAndSignIn(platform.app);
    const created = await createToken(platform.app, user, { scopes: ['tokens:write'] });
    const response = await inject({
      method: 'DELETE',
      url: `/v1/tokens/${created.id}`,
      headers: bearer(created.token),
    });
    expect(response.statusCode).toBe(204);
    expectProblem(
      await inject({ method: 'GET', url: '/v1/tokens/self', headers: bearer(created.token) }),
      401,
      'token_revoked',
    );
  });

  it('a token stops working when it expires and then answers token_expired', async () => {
    const user = await signUpAndSignIn(platform.app);
    const created = await createToken(platform.app, user, { expires_in_days: 1 });
    const before = await inject({ method: 'GET', url: '/v1/tokens/self', headers: bearer(created.token) });
    expect(before.statusCode).toBe(200);
    clock.advance(DAY_MS);
    const after = await inject({ method: 'GET', url: '/v1/tokens/self', headers: bearer(created.token) });
    expectProblem(after, 401, 'token_expired');
    expect(after.headers['www-authenticate']).toMatch(/^Bearer realm="skytells", error="invalid_token"/);
  });

  it('a second active token with the same name is a 409 that creates nothing', async () => {
    const user = await signUpAndSignIn(platform.app);
    await createToken(platform.app, user, { name: 'ci' });
    const response = await inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: user.headers,
      payload: { name: '  ci ', scopes: ['tokens:read'], expires_in_days: 1 },
    });
    expectProblem(response, 409, 'name_conflict');
    expect((await listTokens(platform.app, user)).map((t) => t.name)).toEqual(['ci']);
  });

  it('concurrent creations with one name make exactly one token', async () => {
    const user = await signUpAndSignIn(platform.app);
    const responses = await Promise.all(
      Array.from({ length: 6 }, () =>
        inject({
          method: 'POST',
          url: '/v1/tokens',
          headers: user.headers,
          payload: { name: 'race', scopes: ['tokens:read'], expires_in_days: 1 },
        }),
      ),
    );
    expect(responses.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    expect(await listTokens(platform.app, user)).toHaveLength(1);
  });

  it('the name of a revoked token can be used again', async () => {
    const user = await signUpAndSignIn(platform.app);
    const old = await createToken(platform.app, user, { name: 'ci' });
    await inject({ method: 'DELETE', url: `/v1/tokens/${old.id}`, headers: user.headers });
    clock.advance(1000);
    const again = await createToken(platform.app, user, { name: 'ci' });
    expect(again.name).toBe('ci');
    expect((await listTokens(platform.app, user)).map((t) => [t.name, t.status])).toEqual([
      ['ci', 'active'],
      ['ci', 'revoked'],
    ]);
  });

  it('the name of an expired token can be used again', async () => {
    const user = await signUpAndSignIn(platform.app);
    await createToken(platform.app, user, { name: 'nightly', expires_in_days: 1 });
    clock.advance(DAY_MS);
    const again = await createToken(platform.app, user, { name: 'nightly' });
    expect(again.name).toBe('nightly');
  });

  it('two accounts may each have an active token with the same name', async () => {
    const alice = await signUpAndSignIn(platform.app);
    const bob = await signUpAndSignIn(platform.app);
    await createToken(platform.app, alice, { name: 'laptop' });
    const bobs = await createToken(platform.app, bob, { name: 'laptop' });
    expect(bobs.name).toBe('laptop');
  });

  it('names are trimmed and may hold up to 100 characters of any script', async () => {
    const user = await signUpAndSignIn(platform.app);
    const long = 'ü'.repeat(100);
    const created = await createToken(platform.app, user, { name: `  ${long}\t` });
    expect(created.name).toBe(long);
    const emoji = await createToken(platform.app, user, { name: '🚀 déploiement 生产' });
    expect(emoji.name).toBe('🚀 déploiement 生产');
  });

  it('a response to a token expiring within 7 days carries Skytells-Token-Expiration', async () => {
    const user = await signUpAndSignIn(platform.app);
    const soon = await createToken(platform.app, user, { expires_in_days: 3 });
    const response = await inject({ method: 'GET', url: '/v1/tokens/self', headers: bearer(soon.token) });
    expect(response.headers['skytells-token-expiration']).toBe(response.json().expires_at);
    expect(response.headers['skytells-token-expiration']).toMatch(
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/,
    );
  });

  it('a response to a token expiring later, or never, carries no Skytells-Token-Expiration', async () => {
    const user = await signUpAndSignIn(platform.app);
    const later = await createToken(platform.app, user, { expires_in_days: 30 });
    const never = await createToken(platform.app, user, { expires_in_days: undefined, expires: 'never' });
    for (const token of [later.token, never.token]) {
      const response = await inject({ method: 'GET', url: '/v1/tokens/self', headers: bearer(token) });
      expect(response.statusCode).toBe(200);
      expect(response.headers['skytells-token-expiration']).toBeUndefined();
    }
    const session = await inject({ method: 'GET', url: '/v1/tokens', headers: user.headers });
    expect(session.headers['skytells-token-expiration']).toBeUndefined();
  });

  it('Skytells-Token-Expiration appears once a token comes within 7 days of its expiry', async () => {
    const user = await signUpAndSignIn(platform.app);
    const created = await createToken(platform.app, user, { expires_in_days: 10 });
    const early = await inject({ method: 'GET', url: '/v1/tokens/self', headers: bearer(created.token) });
    expect(early.headers['skytells-token-expiration']).toBeUndefined();
    clock.advance(3 * DAY_MS + 1000);
    const late = await inject({ method: 'GET', url: '/v1/tokens/self', headers: bearer(created.token) });
    expect(late.headers['skytells-token-expiration']).toBe(early.json().expires_at);
  });
});

function expectFieldError400(response: LightMyRequestResponse): void {
  expectProblem(response, 400, 'validation_failed');
  expect(response.json().errors[0]).toMatchObject({ field: 'querystring.limit' });
}

import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  bearer,
  createTestPlatform,
  createToken,
  signUpAndSignIn,
  type TestPlatform,
} from '../support/harness.js';
import { describeEachDialect, listTokens } from '../support/http.js';

/** Classic SQL injection payloads, for both dialects. */
const PAYLOADS = [
  "' OR '1'='1",
  "' OR 1=1 --",
  "'; DROP TABLE access_tokens; --",
  "x'); DELETE FROM accounts; --",
  '" OR ""="',
  "1' UNION SELECT token_hash, id, name FROM access_tokens --",
  "' || (SELECT token_hash FROM access_tokens LIMIT 1) || '",
  '1; SELECT pg_sleep(5) --',
  '$$; DROP TABLE sessions; $$',
  "\\'; DROP TABLE audit_events; --",
  "%' OR name LIKE '%",
  "') OR ('a'='a",
  '*/ OR /* 1=1',
];

/** A cursor as the API encodes it, around a hand-made position. */
const cursorOf = (at: string, id: string) => Buffer.from(JSON.stringify([at, id])).toString('base64url');

describeEachDialect('SQL injection over HTTP', (dialect) => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform({ dialect });
  });
  afterAll(async () => platform.close());

  const inject = (options: InjectOptions) => platform.app.inject(options);
  const expectHandled = (response: LightMyRequestResponse, context: unknown) => {
    expect({ context, status: response.statusCode }).toEqual({ context, status: expect.any(Number) });
    expect(response.statusCode, `${JSON.stringify(context)}: ${response.body}`).toBeLessThan(500);
  };

  /** Asserts every table still answers and the victim's data is whole. */
  async function expectIntact(victim: Awaited<ReturnType<typeof signUpAndSignIn>>, tokenId: string) {
    const tokens = await listTokens(platform.app, victim);
    expect(tokens.map((t) => t.id)).toEqual([tokenId]);
    expect((await inject({ method: 'GET', url: '/v1/audit', headers: victim.headers })).statusCode).toBe(200);
    expect((await inject({ method: 'GET', url: '/v1/projects', headers: victim.headers })).statusCode).toBe(
      200,
    );
    expect((await inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  }

  it('payloads in token names are stored verbatim and touch no other row', async () => {
    const victim = await signUpAndSignIn(platform.app);
    const victimToken = await createToken(platform.app, victim, { name: 'victim' });
    const attacker = await signUpAndSignIn(platform.app);
    for (const name of PAYLOADS) {
      const response = await inject({
        method: 'POST',
        url: '/v1/tokens',
        headers: attacker.headers,
        payload: { name, scopes: ['tokens:read'], expires_in_days: 1 },
      });
      expect(response.statusCode).toBe(201);
      expect(response.json().name).toBe(name);
    }
    const names = (await listTokens(platform.app, attacker)).map((t) => t.name);
    expect(names.sort()).toEqual([...PAYLOADS].sort());
    // Name uniqueness is by exact match: a payload cannot collide with a name it merely "matches".
    const conflict = await inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: attacker.headers,
      payload: { name: "%' OR name LIKE '%", scopes: ['tokens:read'], expires_in_days: 1 },
    });
    expect(conflict.statusCode).toBe(409);
    await expectIntact(victim, victimToken.id);
  });

  it('payloads in sign-up and sign-in emails and passwords are refused or treated as data', async () => {
    const victim = await signUpAndSignIn(platform.app);
    const victimToken = await createToken(platform.app, victim);
    for (const payload of PAYLOADS) {
      const signUp = await inject({
        method: 'POST',
        url: '/v1/accounts',
        payload: { email: `${payload}@example.com`, password: payload.padEnd(8, '!'), name: payload },
      });
      expectHandled(signUp, payload);
      for (const email of [payload, `${victim.email}' --`, `${payload}@example.com`]) {
        const signIn = await inject({
          method: 'POST',
          url: '/v1/sessions',
          payload: { email, password: payload },
          remoteAddress: '203.0.113.200',
        });
        expectHandled(signIn, email);
        expect([400, 401, 429]).toContain(signIn.statusCode);
        expect(signIn.cookies).toEqual([]);
      }
    }
    const victimSignIn = await inject({
      method: 'POST',
      url: '/v1/sessions',
      payload: { email: victim.email, password: "' OR '1'='1" },
      remoteAddress: '203.0.113.201',
    });
    expect(victimSignIn.statusCode).toBe(401);
    await expectIntact(victim, victimToken.id);
  });

  it("payloads as ids never reach another account's token or project", async () => {
    const victim = await signUpAndSignIn(platform.app);
    const victimToken = await createToken(platform.app, victim);
    const attacker = await signUpAndSignIn(platform.app);
    const ids = [
      ...PAYLOADS,
      `${victimToken.id}' OR '1'='1`,
      `${victimToken.id}' --`,
      '\u0000',
      `${victimToken.id}\u0000`,
    ];
    for (const id of ids) {
      const path = encodeURIComponent(id);
      for (const [method, url] of [
        ['GET', `/v1/tokens/${path}`],
        ['DELETE', `/v1/tokens/${path}`],
        ['POST', `/v1/tokens/${path}/rotate`],
        ['GET', `/v1/projects/${path}`],
        ['DELETE', `/v1/projects/${path}`],
        ['GET', `/v1/projects/${path}/deployments`],
      ] as const) {
        const response = await inject({ method, url, headers: attacker.headers });
        expectHandled(response, { method, id });
        expect([400, 404]).toContain(response.statusCode);
        expect(response.body).not.toContain(victimToken.id);
      }
    }
    const stillThere = await inject({
      method: 'GET',
      url: '/v1/tokens/self',
      headers: bearer(victimToken.token),
    });
    expect(stillThere.json()).toMatchObject({ status: 'active', replaced_by: null });
    await expectIntact(victim, victimToken.id);
  });

  it('payloads in cursors, status and other query parameters are a 400 and leak nothing', async () => {
    const victim = await signUpAndSignIn(platform.app);
    const victimToken = await createToken(platform.app, victim);
    const attacker = await signUpAndSignIn(platform.app);
    const now = new Date().toISOString();
    const queries = [
      ...PAYLOADS.map((p) => `status=${encodeURIComponent(p)}`),
      ...PAYLOADS.map((p) => `cursor=${encodeURIComponent(p)}`),
      ...PAYLOADS.map((p) => `cursor=${cursorOf(now, p)}`),
      ...PAYLOADS.map((p) => `cursor=${cursorOf(p, 'tok_x')}`),
      ...PAYLOADS.map((p) => `limit=${encodeURIComponent(p)}`),
      `cursor=${cursorOf(now, '\u0000')}`,
      `cursor=${cursorOf('-271821-04-20T00:00:00.000Z', 'tok_x')}`,
      `cursor=${cursorOf('+275760-09-13T00:00:00.000Z', 'tok_x')}`,
      `cursor=${cursorOf('0001-01-01T00:00:00.000Z', 'tok_x')}`,
    ];
    for (const query of queries) {
      for (const path of ['/v1/tokens', '/v1/audit', '/v1/projects']) {
        const response = await inject({ method: 'GET', url: `${path}?${query}`, headers: attacker.headers });
        expectHandled(response, { path, query });
        expect(response.body).not.toContain(victimToken.id);
        expect(response.body).not.toContain(victim.accountId);
      }
    }
    for (const action of PAYLOADS) {
      const response = await inject({
        method: 'GET',
        url: `/v1/audit?action=${encodeURIComponent(action)}`,
        headers: attacker.headers,
      });
      expect(response.statusCode).toBe(400);
    }
    await expectIntact(victim, victimToken.id);
  });

  it('a cursor with an injected id pages only within the caller’s own rows', async () => {
    const victim = await signUpAndSignIn(platform.app);
    const victimToken = await createToken(platform.app, victim);
    const attacker = await signUpAndSignIn(platform.app);
    await createToken(platform.app, attacker);
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const response = await inject({
      method: 'GET',
      url: `/v1/tokens?status=all&cursor=${cursorOf(future, "zzz' OR account_id <> '")}`,
      headers: attacker.headers,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().data).toHaveLength(1);
    expect(response.body).not.toContain(victimToken.id);
  });

  it('payloads in project names, deployment fields and leaked-credential reports do no harm', async () => {
    const victim = await signUpAndSignIn(platform.app);
    const victimToken = await createToken(platform.app, victim);
    const attacker = await signUpAndSignIn(platform.app);
    const project = await inject({
      method: 'POST',
      url: '/v1/projects',
      headers: attacker.headers,
      payload: { name: 'p' },
    });
    for (const payload of PAYLOADS) {
      expectHandled(
        await inject({
          method: 'POST',
          url: '/v1/projects',
          headers: attacker.headers,
          payload: { name: payload },
        }),
        payload,
      );
      const deploy = await inject({
        method: 'POST',
        url: `/v1/projects/${project.json().id}/deployments`,
        headers: attacker.headers,
        payload: { environment: 'production', ref: payload },
      });
      expect(deploy.statusCode).toBe(201);
      expect(deploy.json().ref).toBe(payload.trim());
    }
    const report = await inject({
      method: 'POST',
      url: '/v1/credentials/revoke',
      payload: { credentials: PAYLOADS.map((p) => `skt_${p}`) },
      remoteAddress: '203.0.113.202',
    });
    expect(report.json()).toEqual({ revoked: 0 });
    await expectIntact(victim, victimToken.id);
  });
});

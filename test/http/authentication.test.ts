import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { ALL_SCOPES, type Scope } from '../../src/core/scopes.js';
import {
  bearer,
  createTestPlatform,
  createToken,
  signUpAndSignIn,
  type TestPlatform,
} from '../support/harness.js';
import {
  DAY_MS,
  expectProblem,
  listAudit,
  listTokens,
  unissuedToken,
  verificationCount,
  withBadChecksum,
} from '../support/http.js';

const INVALID_TOKEN_CHALLENGE = /^Bearer realm="skytells", error="invalid_token", error_description="[^"]+"$/;

/** Every scope-protected endpoint of docs/api.md, with the scope it needs and a body it accepts. */
const PROTECTED: { method: InjectOptions['method']; url: string; scope: Scope; payload?: object }[] = [
  { method: 'GET', url: '/v1/account', scope: 'account:read' },
  { method: 'GET', url: '/v1/tokens', scope: 'tokens:read' },
  {
    method: 'POST',
    url: '/v1/tokens',
    scope: 'tokens:write',
    payload: { name: 'made', scopes: ['tokens:read'], expires_in_days: 1 },
  },
  { method: 'GET', url: '/v1/tokens/tok_unknown', scope: 'tokens:read' },
  { method: 'DELETE', url: '/v1/tokens/tok_unknown', scope: 'tokens:write' },
  { method: 'POST', url: '/v1/tokens/tok_unknown/rotate', scope: 'tokens:write' },
  { method: 'GET', url: '/v1/audit', scope: 'audit:read' },
  { method: 'GET', url: '/v1/projects', scope: 'projects:read' },
  { method: 'POST', url: '/v1/projects', scope: 'projects:write', payload: { name: 'site' } },
  { method: 'GET', url: '/v1/projects/prj_unknown', scope: 'projects:read' },
  { method: 'DELETE', url: '/v1/projects/prj_unknown', scope: 'projects:write' },
  { method: 'GET', url: '/v1/projects/prj_unknown/deployments', scope: 'deployments:read' },
  { method: 'POST', url: '/v1/projects/prj_unknown/deployments', scope: 'deployments:write', payload: {} },
  { method: 'GET', url: '/v1/billing', scope: 'billing:read' },
];

/** Every scope except `scope` and the write scope that would imply it. */
function allBut(scope: Scope): Scope[] {
  const writer = scope.replace(/:read$/, ':write');
  return ALL_SCOPES.filter((s) => s !== scope && s !== writer);
}

describe('authentication and authorization over HTTP', () => {
  let platform: TestPlatform;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = new ManualClock(new Date());
    platform = await createTestPlatform({ clock });
  });
  afterAll(async () => platform.close());

  const inject = (options: InjectOptions) => platform.app.inject(options);
  const getTokens = (authorization: string) =>
    inject({ method: 'GET', url: '/v1/tokens', headers: { authorization } });

  it('a request without any credential is a 401 token_missing with a challenge that has no error attribute', async () => {
    const response = await inject({ method: 'GET', url: '/v1/tokens' });
    expectProblem(response, 401, 'token_missing');
    expect(response.headers['www-authenticate']).toBe('Bearer realm="skytells"');
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it.each([
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['a scheme without a token', 'Bearer'],
    ['a scheme with blank space only', 'Bearer    '],
    ['two tokens', 'Bearer skt_a skt_b'],
    ['a token of the wrong shape', 'Bearer abc'],
    ['a token with characters outside base62', `Bearer skt_${'é'.repeat(38)}`],
    ['a 5 KB header', `Bearer ${'A'.repeat(5 * 1024)}`],
  ])('%s is a 401 token_malformed with error="invalid_token"', async (_case, authorization) => {
    const response = await getTokens(authorization);
    expectProblem(response, 401, 'token_malformed');
    expect(response.headers['www-authenticate']).toMatch(INVALID_TOKEN_CHALLENGE);
  });

  it('a token value with a wrong checksum is token_malformed, rejected before any look-up', async () => {
    const user = await signUpAndSignIn(platform.app);
    const real = await createToken(platform.app, user);
    const malformedBefore = await verificationCount(platform.app, 'malformed');
    const invalidBefore = await verificationCount(platform.app, 'invalid');

    const response = await inject({
      method: 'GET',
      url: '/v1/tokens/self',
      headers: bearer(withBadChecksum(real.token)),
    });
    expectProblem(response, 401, 'token_malformed');
    expect(response.headers['www-authenticate']).toMatch(INVALID_TOKEN_CHALLENGE);
    expect(await verificationCount(platform.app, 'malformed')).toBe(malformedBefore + 1);
    expect(await verificationCount(platform.app, 'invalid')).toBe(invalidBefore);
    // Nothing was looked up, so nothing links the attempt to the account whose token it resembles.
    expect((await listAudit(platform.app, user)).map((e) => e.action)).not.toContain('token.auth_failed');
  });

  it('a well-formed token that was never issued is a 401 token_invalid', async () => {
    const before = await verificationCount(platform.app, 'invalid');
    const response = await inject({ method: 'GET', url: '/v1/tokens', headers: bearer(unissuedToken()) });
    expectProblem(response, 401, 'token_invalid');
    expect(response.headers['www-authenticate']).toMatch(INVALID_TOKEN_CHALLENGE);
    expect(await verificationCount(platform.app, 'invalid')).toBe(before + 1);
  });

  it('an expired token is a 401 token_expired and a revoked one a 401 token_revoked, each with its description', async () => {
    const user = await signUpAndSignIn(platform.app);
    const expiring = await createToken(platform.app, user, { expires_in_days: 1 });
    const revoked = await createToken(platform.app, user);
    await inject({ method: 'DELETE', url: `/v1/tokens/${revoked.id}`, headers: user.headers });
    clock.advance(DAY_MS);

    const expired = await inject({ method: 'GET', url: '/v1/tokens', headers: bearer(expiring.token) });
    expectProblem(expired, 401, 'token_expired');
    expect(expired.headers['www-authenticate']).toBe(
      'Bearer realm="skytells", error="invalid_token", error_description="The access token has expired."',
    );
    const gone = await inject({ method: 'GET', url: '/v1/tokens', headers: bearer(revoked.token) });
    expectProblem(gone, 401, 'token_revoked');
    expect(gone.headers['www-authenticate']).toBe(
      'Bearer realm="skytells", error="invalid_token", error_description="The access token has been revoked."',
    );
  });

  it('the bearer scheme name is case-insensitive', async () => {
    const user = await signUpAndSignIn(platform.app);
    const token = await createToken(platform.app, user);
    expect((await getTokens(`bearer ${token.token}`)).statusCode).toBe(200);
    expect((await getTokens(`BEARER ${token.token}`)).statusCode).toBe(200);
  });

  it('a bad bearer token is not rescued by a valid session cookie sent alongside', async () => {
    const user = await signUpAndSignIn(platform.app);
    const response = await inject({
      method: 'GET',
      url: '/v1/tokens',
      headers: { ...user.headers, authorization: `Bearer ${unissuedToken()}` },
    });
    expectProblem(response, 401, 'token_invalid');
  });

  it.each(PROTECTED)(
    '$method $url needs $scope: 403 insufficient_scope without it, served with it',
    async ({ method, url, scope, payload }) => {
      const user = await signUpAndSignIn(platform.app);
      const lacking = await createToken(platform.app, user, { scopes: allBut(scope) });
      const holding = await createToken(platform.app, user, { scopes: [scope] });
      const request = { method, url, ...(payload === undefined ? {} : { payload }) };

      const refused = await inject({ ...request, headers: bearer(lacking.token) });
      expectProblem(refused, 403, 'insufficient_scope');
      expect(refused.headers['www-authenticate']).toBe(
        `Bearer realm="skytells", error="insufficient_scope", scope="${scope}"`,
      );

      const served = await inject({ ...request, headers: bearer(holding.token) });
      expect([401, 403]).not.toContain(served.statusCode);
      expect(served.statusCode).toBeLessThan(500);

      const anonymous = await inject(request);
      expectProblem(anonymous, 401, 'token_missing');
    },
  );

  it('a refused POST /v1/tokens creates nothing: no scope, no token, bad token', async () => {
    const user = await signUpAndSignIn(platform.app);
    const reader = await createToken(platform.app, user, { name: 'reader', scopes: ['tokens:read'] });
    const payload = { name: 'sneaky', scopes: ['tokens:read'], expires_in_days: 1 };
    expectProblem(
      await inject({ method: 'POST', url: '/v1/tokens', headers: bearer(reader.token), payload }),
      403,
      'insufficient_scope',
    );
    expectProblem(await inject({ method: 'POST', url: '/v1/tokens', payload }), 401, 'token_missing');
    expectProblem(
      await inject({
        method: 'POST',
        url: '/v1/tokens',
        headers: bearer(withBadChecksum(reader.token)),
        payload,
      }),
      401,
      'token_malformed',
    );
    expect((await listTokens(platform.app, user)).map((t) => t.name)).toEqual(['reader']);
    expect((await listAudit(platform.app, user)).filter((e) => e.action === 'token.created')).toHaveLength(1);
  });

  it('authorization is decided before the body is read: a scopeless caller with a broken body gets 403', async () => {
    const user = await signUpAndSignIn(platform.app);
    const reader = await createToken(platform.app, user, { scopes: ['tokens:read'] });
    const response = await inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: { ...bearer(reader.token), 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expectProblem(response, 403, 'insufficient_scope');
  });

  it('a token cannot create a token with a scope it does not hold', async () => {
    const user = await signUpAndSignIn(platform.app);
    const writer = await createToken(platform.app, user, { name: 'writer', scopes: ['tokens:write'] });
    const response = await inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: bearer(writer.token),
      payload: { name: 'escalated', scopes: ['tokens:read', 'projects:read'], expires_in_days: 1 },
    });
    expectProblem(response, 403, 'insufficient_scope');
    expect(response.headers['www-authenticate']).toBe(
      'Bearer realm="skytells", error="insufficient_scope", scope="projects:read"',
    );
    expect((await listTokens(platform.app, user)).map((t) => t.name)).toEqual(['writer']);
  });

  it('a token may grant what it holds, including read scopes its write scopes imply', async () => {
    const user = await signUpAndSignIn(platform.app);
    const writer = await createToken(platform.app, user, { scopes: ['tokens:write', 'projects:write'] });
    const response = await inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: bearer(writer.token),
      payload: {
        name: 'derived',
        scopes: ['tokens:read', 'projects:read', 'projects:write'],
        expires_in_days: 1,
      },
    });
    expect(response.statusCode).toBe(201);
  });

  it('a failed authentication with a known token is audited for its owner with the masked id only', async () => {
    const user = await signUpAndSignIn(platform.app);
    const revoked = await createToken(platform.app, user);
    await inject({ method: 'DELETE', url: `/v1/tokens/${revoked.id}`, headers: user.headers });
    await inject({
      method: 'GET',
      url: '/v1/tokens',
      headers: { ...bearer(revoked.token), 'user-agent': 'curl/8' },
      remoteAddress: '203.0.113.9',
    });

    const events = await listAudit(platform.app, user);
    const failed = events.find((e) => e.action === 'token.auth_failed');
    expect(failed).toMatchObject({
      target: { type: 'token', id: revoked.id },
      ip: '203.0.113.9',
      user_agent: 'curl/8',
      details: { reason: 'token_revoked', masked: revoked.masked },
    });
    expect(JSON.stringify(events)).not.toContain(revoked.token);
    expect(JSON.stringify(events)).not.toContain(revoked.token.slice(8, 34));
  });

  it('the verification counter in /metrics counts each result', async () => {
    const user = await signUpAndSignIn(platform.app);
    const token = await createToken(platform.app, user, { expires_in_days: 1 });
    const revoked = await createToken(platform.app, user);
    await inject({ method: 'DELETE', url: `/v1/tokens/${revoked.id}`, headers: user.headers });
    const results = ['valid', 'malformed', 'invalid', 'expired', 'revoked'] as const;
    const before = Object.fromEntries(
      await Promise.all(results.map(async (r) => [r, await verificationCount(platform.app, r)] as const)),
    );

    await getTokens(`Bearer ${token.token}`);
    await getTokens(`Bearer ${withBadChecksum(token.token)}`);
    await getTokens(`Bearer ${unissuedToken()}`);
    await getTokens(`Bearer ${revoked.token}`);
    clock.advance(DAY_MS);
    await getTokens(`Bearer ${token.token}`);

    for (const result of results) {
      expect(await verificationCount(platform.app, result)).toBe((before[result] ?? 0) + 1);
    }
  });
});

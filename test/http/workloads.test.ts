/**
 * Trusted workloads (docs/workloads.md): creating one with each of its rules, listing, showing and
 * deleting, on both dialects.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import {
  bearer,
  type ConsoleUser,
  createTestPlatform,
  createToken,
  signUpAndSignIn,
  type TestPlatform,
} from '../support/harness.js';
import { describeEachDialect, expectFieldError, expectProblem } from '../support/http.js';

const GITHUB = 'https://token.actions.githubusercontent.com';

function workloadBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'deploy-api',
    issuer: GITHUB,
    audience: 'https://skytells.example.com',
    subject: 'repo:acme/api:ref:refs/heads/main',
    claims: { environment: 'production' },
    scopes: ['projects:read'],
    allowed_ips: ['203.0.113.0/24'],
    ttl_seconds: 900,
    ...overrides,
  };
}

function create(app: FastifyInstance, headers: Record<string, string>, body: Record<string, unknown>) {
  return app.inject({ method: 'POST', url: '/v1/workloads', headers, payload: body });
}

async function auditActions(app: FastifyInstance, user: ConsoleUser): Promise<string[]> {
  const response = await app.inject({ method: 'GET', url: '/v1/audit?limit=100', headers: user.headers });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ data: { action: string }[] }>().data.map((event) => event.action);
}

describeEachDialect('Trusted workloads', (dialect) => {
  let platform: TestPlatform;
  let insecure: TestPlatform;
  const clock = new ManualClock(new Date());
  beforeAll(async () => {
    platform = await createTestPlatform({ dialect, clock });
    insecure = await createTestPlatform({
      dialect,
      env: { SKYTELLS_WORKLOAD_ALLOW_INSECURE_ISSUER: 'true' },
    });
  });
  afterAll(async () => {
    await platform.close();
    await insecure.close();
  });

  it('creates a workload from a fresh console session, then lists, shows and deletes it, audited', async () => {
    const user = await signUpAndSignIn(platform.app);
    const created = await create(platform.app, user.headers, workloadBody({ name: '  deploy-api  ' }));
    expect(created.statusCode, created.body).toBe(201);
    const workload = created.json<{ id: string }>();
    expect(workload).toEqual({
      id: expect.stringMatching(/^wl_[0-9A-Za-z]+$/),
      name: 'deploy-api',
      issuer: GITHUB,
      audience: 'https://skytells.example.com',
      subject: 'repo:acme/api:ref:refs/heads/main',
      claims: { environment: 'production' },
      scopes: ['projects:read'],
      allowed_ips: ['203.0.113.0/24'],
      ttl_seconds: 900,
      created_at: expect.any(String),
      last_exchanged_at: null,
    });

    const listed = await platform.app.inject({ method: 'GET', url: '/v1/workloads', headers: user.headers });
    expect(listed.statusCode).toBe(200);
    expect(listed.json()).toEqual({ data: [workload], next_cursor: null });
    const shown = await platform.app.inject({
      method: 'GET',
      url: `/v1/workloads/${workload.id}`,
      headers: user.headers,
    });
    expect(shown.json()).toEqual(workload);

    const deleted = await platform.app.inject({
      method: 'DELETE',
      url: `/v1/workloads/${workload.id}`,
      headers: user.headers,
    });
    expect(deleted.statusCode).toBe(204);
    const gone = await platform.app.inject({
      method: 'GET',
      url: `/v1/workloads/${workload.id}`,
      headers: user.headers,
    });
    expectProblem(gone, 404, 'not_found');
    expect(await auditActions(platform.app, user)).toEqual(
      expect.arrayContaining(['workload.created', 'workload.deleted']),
    );
  });

  it('refuses a console session eleven minutes after sign-in with reauth_required, and creates after re-authentication', async () => {
    const user = await signUpAndSignIn(platform.app);
    clock.advance(11 * 60_000);
    expectProblem(await create(platform.app, user.headers, workloadBody()), 403, 'reauth_required');
    const listed = await platform.app.inject({ method: 'GET', url: '/v1/workloads', headers: user.headers });
    expect(listed.json<{ data: unknown[] }>().data).toEqual([]);

    const reauth = await platform.app.inject({
      method: 'POST',
      url: '/v1/sessions/current/reauth',
      headers: user.headers,
      payload: { password: user.password },
    });
    expect(reauth.statusCode).toBe(204);
    expect((await create(platform.app, user.headers, workloadBody())).statusCode).toBe(201);
  });

  it('lets a token with workloads:write create one with scopes it holds, and refuses a scope it lacks', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { token } = await createToken(platform.app, user, {
      scopes: ['workloads:read', 'workloads:write', 'projects:read'],
    });
    // Tokens are not asked to re-authenticate, however old the session that made them.
    clock.advance(11 * 60_000);
    const created = await create(platform.app, bearer(token), workloadBody());
    expect(created.statusCode, created.body).toBe(201);

    const wider = await create(
      platform.app,
      bearer(token),
      workloadBody({ name: 'wider', scopes: ['projects:read', 'projects:write'] }),
    );
    expect(expectProblem(wider, 403, 'insufficient_scope').detail).toContain('projects:write');

    const { token: reader } = await createToken(platform.app, user, { scopes: ['workloads:read'] });
    expectProblem(
      await create(platform.app, bearer(reader), workloadBody({ name: 'x' })),
      403,
      'insufficient_scope',
    );
    const listed = await platform.app.inject({
      method: 'GET',
      url: '/v1/workloads',
      headers: bearer(reader),
    });
    expect(listed.json<{ data: { name: string }[] }>().data.map((w) => w.name)).toEqual(['deploy-api']);
  });

  it("keeps a restricted token's addresses on the workloads it trusts, and refuses one limited by rate", async () => {
    const user = await signUpAndSignIn(platform.app);
    const scopes = ['workloads:read', 'workloads:write', 'projects:read'];
    const { token } = await createToken(platform.app, user, { scopes, allowed_ips: ['127.0.0.0/8'] });
    const inherited = await create(platform.app, bearer(token), workloadBody({ allowed_ips: undefined }));
    expect(inherited.statusCode, inherited.body).toBe(201);
    expect(inherited.json<{ allowed_ips: string[] | null }>().allowed_ips).toEqual(['127.0.0.0/8']);

    const narrower = await create(
      platform.app,
      bearer(token),
      workloadBody({ name: 'narrower', allowed_ips: ['127.0.0.1'] }),
    );
    expect(narrower.json<{ allowed_ips: string[] | null }>().allowed_ips).toEqual(['127.0.0.1']);
    const wider = await create(
      platform.app,
      bearer(token),
      workloadBody({ name: 'wider', allowed_ips: ['10.0.0.0/8'] }),
    );
    expect(expectProblem(wider, 400, 'validation_failed').detail).toContain('allowed_ips');

    const { token: limited } = await createToken(platform.app, user, {
      scopes,
      rate_limit: { requests: 100, per_seconds: 60 },
    });
    const refused = await create(platform.app, bearer(limited), workloadBody({ name: 'limited' }));
    expect(expectProblem(refused, 400, 'validation_failed').detail).toContain('rate_limit');
  });

  it('refuses a second workload of the same name in the account with 409 name_conflict, not in another account', async () => {
    const user = await signUpAndSignIn(platform.app);
    expect((await create(platform.app, user.headers, workloadBody())).statusCode).toBe(201);
    expectProblem(
      await create(platform.app, user.headers, workloadBody({ name: 'deploy-api ' })),
      409,
      'name_conflict',
    );
    const other = await signUpAndSignIn(platform.app);
    expect((await create(platform.app, other.headers, workloadBody())).statusCode).toBe(201);
  });

  it.each([
    ['name', { name: '   ' }],
    ['name', { name: 'x'.repeat(101) }],
    ['issuer', { issuer: 'http://token.actions.githubusercontent.com' }],
    ['issuer', { issuer: 'http://127.0.0.1:8080' }],
    ['issuer', { issuer: 'ftp://example.com' }],
    ['issuer', { issuer: 'not a url' }],
    ['issuer', { issuer: 'https://user:pass@example.com' }],
    ['subject', { subject: 'repo:acme/api:ref:refs/heads/feature-*' }],
    ['subject', { subject: 'repo:acme/*api:ref:refs/heads/main' }],
    ['claims.sub', { claims: { sub: 'repo:acme/api:ref:refs/heads/main' } }],
    ['claims.aud', { claims: { aud: 'x' } }],
    ['claims.jti', { claims: { jti: 'x' } }],
    ['scopes', { scopes: ['projects:fly'] }],
    ['scopes', { scopes: [] }],
    ['allowed_ips[0]', { allowed_ips: ['not-an-address'] }],
    ['ttl_seconds', { ttl_seconds: 299 }],
    ['ttl_seconds', { ttl_seconds: 3601 }],
  ])('refuses an invalid %s with 400 validation_failed naming the field', async (field, overrides) => {
    const user = await signUpAndSignIn(platform.app);
    expectFieldError(await create(platform.app, user.headers, workloadBody(overrides)), field);
    const listed = await platform.app.inject({ method: 'GET', url: '/v1/workloads', headers: user.headers });
    expect(listed.json<{ data: unknown[] }>().data).toEqual([]);
  });

  it('accepts a * segment in the subject and an http issuer on loopback only when insecure issuers are allowed', async () => {
    const user = await signUpAndSignIn(platform.app);
    const star = await create(
      platform.app,
      user.headers,
      workloadBody({ subject: 'repo:acme/api:ref:refs/heads/*' }),
    );
    expect(star.statusCode, star.body).toBe(201);

    const insecureUser = await signUpAndSignIn(insecure.app);
    const loopback = await create(
      insecure.app,
      insecureUser.headers,
      workloadBody({ issuer: 'http://127.0.0.1:8080' }),
    );
    expect(loopback.statusCode, loopback.body).toBe(201);
    expectFieldError(
      await create(
        insecure.app,
        insecureUser.headers,
        workloadBody({ name: 'b', issuer: 'http://ci.example.com' }),
      ),
      'issuer',
    );
  });

  it("answers 404 for another account's workload, to read and to delete", async () => {
    const owner = await signUpAndSignIn(platform.app);
    const created = await create(platform.app, owner.headers, workloadBody());
    const { id } = created.json<{ id: string }>();
    const stranger = await signUpAndSignIn(platform.app);
    const url = `/v1/workloads/${id}`;
    expectProblem(
      await platform.app.inject({ method: 'GET', url, headers: stranger.headers }),
      404,
      'not_found',
    );
    expectProblem(
      await platform.app.inject({ method: 'DELETE', url, headers: stranger.headers }),
      404,
      'not_found',
    );
    expect((await platform.app.inject({ method: 'GET', url, headers: owner.headers })).statusCode).toBe(200);
  });

  it('tells anyone the issuer and audience of a workload by id or by a name one account has', async () => {
    const user = await signUpAndSignIn(platform.app);
    const name = `lookup-${Date.now()}`;
    const { id } = (await create(platform.app, user.headers, workloadBody({ name }))).json<{ id: string }>();
    const expected = { id, name, issuer: GITHUB, audience: 'https://skytells.example.com' };
    for (const key of [id, name]) {
      const found = await platform.app.inject({
        method: 'GET',
        url: `/oauth/workloads/${encodeURIComponent(key)}`,
      });
      expect(found.statusCode, found.body).toBe(200);
      expect(found.json()).toEqual(expected);
    }

    const unknown = await platform.app.inject({ method: 'GET', url: '/oauth/workloads/no-such-workload' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ error: 'invalid_target' });

    const other = await signUpAndSignIn(platform.app);
    expect((await create(platform.app, other.headers, workloadBody({ name }))).statusCode).toBe(201);
    const shared = await platform.app.inject({ method: 'GET', url: `/oauth/workloads/${name}` });
    expect(shared.statusCode).toBe(400);
    expect(shared.json()).toMatchObject({
      error: 'invalid_target',
      error_description: expect.stringContaining('id'),
    });
    expect((await platform.app.inject({ method: 'GET', url: `/oauth/workloads/${id}` })).statusCode).toBe(
      200,
    );
  });
});

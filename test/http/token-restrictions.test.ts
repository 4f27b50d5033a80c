/**
 * Token restrictions (docs/tokens.md, "Restrictions"): `allowed_ips`, `rate_limit` and `projects`,
 * enforced on every request, kept or narrowed by rotation and by a token creating another.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { Platform } from '../../src/main/compose.js';
import {
  bearer,
  type ConsoleUser,
  createTestPlatform,
  createToken,
  signUpAndSignIn,
  TEST_DATABASE_URL,
  type TestPlatform,
  platformsSharingOneDatabase,
  type SharedDatabasePlatforms,
} from '../support/harness.js';
import { describeEachDialect, expectFieldError, expectProblem, listAudit } from '../support/http.js';

const PROXY = '10.0.0.5';

/** `GET /v1/tokens/self` with `token`, from `remoteAddress`, optionally with an `X-Forwarded-For`. */
const callSelf = (app: FastifyInstance, token: string, remoteAddress = '127.0.0.1', forwardedFor?: string) =>
  app.inject({
    method: 'GET',
    url: '/v1/tokens/self',
    headers: { ...bearer(token), ...(forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }) },
    remoteAddress,
  } satisfies InjectOptions);

async function createProject(app: FastifyInstance, user: ConsoleUser, name: string): Promise<string> {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/projects',
    headers: user.headers,
    payload: { name },
  });
  expect(response.statusCode).toBe(201);
  return response.json<{ id: string }>().id;
}

/** The `token.auth_failed` events of `tokenId`, newest first. */
async function authFailures(app: FastifyInstance, user: ConsoleUser, tokenId: string) {
  return (await listAudit(app, user)).filter(
    (event) => event.action === 'token.auth_failed' && (event.target as { id: string }).id === tokenId,
  );
}

describeEachDialect('token restrictions', (dialect) => {
  const clock = new ManualClock(new Date());
  let platform: TestPlatform;
  let behindProxy: TestPlatform;
  let user: ConsoleUser;
  beforeAll(async () => {
    platform = await createTestPlatform({ dialect, clock });
    behindProxy = await createTestPlatform({ dialect, env: { SKYTELLS_TRUST_PROXY: PROXY } });
    user = await signUpAndSignIn(platform.app);
  });
  afterAll(async () => {
    await platform?.close();
    await behindProxy?.close();
  });

  describe('allowed_ips', () => {
    it('admits a request from inside an IPv4 CIDR and refuses one from outside, audited with the masked id', async () => {
      const token = await createToken(platform.app, user, { allowed_ips: ['203.0.113.0/24'] });
      expect(token).toMatchObject({ allowed_ips: ['203.0.113.0/24'], rate_limit: null, projects: null });
      expect((await callSelf(platform.app, token.token, '203.0.113.9')).statusCode).toBe(200);
      // An IPv4-mapped IPv6 socket address is its IPv4 address.
      expect((await callSelf(platform.app, token.token, '::ffff:203.0.113.10')).statusCode).toBe(200);

      expectProblem(await callSelf(platform.app, token.token, '198.51.100.1'), 403, 'ip_not_allowed');
      const [failure] = await authFailures(platform.app, user, token.id);
      expect(failure?.details).toEqual({ reason: 'ip_not_allowed', masked: token.masked });
      expect(JSON.stringify(failure)).not.toContain(token.token);
    });

    it('counts a refused request as no use: neither last used nor the first use that ends a rotation', async () => {
      const old = await createToken(platform.app, user, {
        name: `guarded ${randomBytes(4).toString('hex')}`,
        allowed_ips: ['203.0.113.0/24'],
      });
      const rotated = await platform.app.inject({
        method: 'POST',
        url: `/v1/tokens/${old.id}/rotate`,
        headers: user.headers,
        payload: { name: `${old.name} replacement`, revoke_old_on_first_use: true },
      });
      expect(rotated.statusCode).toBe(201);
      const replacement = rotated.json<{ id: string; token: string }>();

      expectProblem(await callSelf(platform.app, replacement.token, '198.51.100.1'), 403, 'ip_not_allowed');

      const details = await platform.app.inject({
        method: 'GET',
        url: `/v1/tokens/${replacement.id}`,
        headers: user.headers,
      });
      expect(details.json()).toMatchObject({ last_used_at: null });
      expect((await callSelf(platform.app, old.token, '203.0.113.9')).statusCode).toBe(200);

      // Its first admitted use ends the old token.
      expect((await callSelf(platform.app, replacement.token, '203.0.113.9')).statusCode).toBe(200);
      expectProblem(await callSelf(platform.app, old.token, '203.0.113.9'), 401, 'token_revoked');
    });

    it('admits a request from inside an IPv6 CIDR and refuses one from outside', async () => {
      const token = await createToken(platform.app, user, { allowed_ips: ['2001:db8::/32', '192.0.2.7'] });
      expect((await callSelf(platform.app, token.token, '2001:db8:1::5')).statusCode).toBe(200);
      expect((await callSelf(platform.app, token.token, '192.0.2.7')).statusCode).toBe(200);
      expectProblem(await callSelf(platform.app, token.token, '2001:dba::1'), 403, 'ip_not_allowed');
      expectProblem(await callSelf(platform.app, token.token, '192.0.2.8'), 403, 'ip_not_allowed');
    });

    it('believes X-Forwarded-For from a trusted proxy and ignores it from anywhere else', async () => {
      const viaProxyUser = await signUpAndSignIn(behindProxy.app);
      const proxied = await createToken(behindProxy.app, viaProxyUser, { allowed_ips: ['203.0.113.0/24'] });
      expect((await callSelf(behindProxy.app, proxied.token, PROXY, '203.0.113.9')).statusCode).toBe(200);
      expectProblem(
        await callSelf(behindProxy.app, proxied.token, PROXY, '198.51.100.1'),
        403,
        'ip_not_allowed',
      );

      const direct = await createToken(platform.app, user, { allowed_ips: ['203.0.113.0/24'] });
      expectProblem(
        await callSelf(platform.app, direct.token, '198.51.100.1', '203.0.113.9'),
        403,
        'ip_not_allowed',
      );
    });

    it('refuses an entry that is no address or CIDR, naming it', async () => {
      for (const entry of ['10.0.0.0/33', 'example.com', '0x7f.1', '2001:db8::/129']) {
        const response = await platform.app.inject({
          method: 'POST',
          url: '/v1/tokens',
          headers: user.headers,
          payload: {
            name: `bad-ip-${entry}`,
            scopes: ['tokens:read'],
            expires_in_days: 1,
            allowed_ips: ['10.0.0.1', entry],
          },
        });
        expect(expectFieldError(response, 'allowed_ips[1]').detail).toContain(entry);
      }
    });
  });

  describe('rate_limit', () => {
    it('says where the window stands on every response and refuses past the limit with Retry-After', async () => {
      const token = await createToken(platform.app, user, { rate_limit: { requests: 2, per_seconds: 60 } });
      const first = await callSelf(platform.app, token.token);
      expect(first.statusCode).toBe(200);
      expect(first.headers).toMatchObject({
        'ratelimit-limit': '2',
        'ratelimit-remaining': '1',
        'ratelimit-reset': '60',
      });
      clock.advance(10_000);
      const second = await callSelf(platform.app, token.token);
      expect(second.headers).toMatchObject({ 'ratelimit-remaining': '0', 'ratelimit-reset': '50' });

      const refused = await callSelf(platform.app, token.token);
      expectProblem(refused, 429, 'token_rate_limited');
      expect(refused.headers).toMatchObject({
        'retry-after': '50',
        'ratelimit-limit': '2',
        'ratelimit-remaining': '0',
        'ratelimit-reset': '50',
        'ratelimit-policy': '2;w=60',
      });
      expectProblem(await callSelf(platform.app, token.token), 429, 'token_rate_limited');
      // Audited once per window, however many refusals.
      const failures = await authFailures(platform.app, user, token.id);
      expect(failures.map((event) => event.details)).toEqual([
        { reason: 'token_rate_limited', masked: token.masked },
      ]);

      clock.advance(50_000);
      const next = await callSelf(platform.app, token.token);
      expect(next.statusCode).toBe(200);
      expect(next.headers).toMatchObject({ 'ratelimit-remaining': '1', 'ratelimit-reset': '60' });
    });

    it('counts every request of a large limit exactly in one process', async () => {
      const token = await createToken(platform.app, user, {
        rate_limit: { requests: 500, per_seconds: 3600 },
      });
      const remaining: string[] = [];
      for (let i = 0; i < 12; i++) {
        remaining.push(String((await callSelf(platform.app, token.token)).headers['ratelimit-remaining']));
      }
      expect(remaining).toEqual(Array.from({ length: 12 }, (_, i) => String(499 - i)));
    });

    it('sends no RateLimit headers for a token without a rate limit', async () => {
      const token = await createToken(platform.app, user);
      const response = await callSelf(platform.app, token.token);
      expect(response.statusCode).toBe(200);
      expect(response.headers['ratelimit-limit']).toBeUndefined();
    });
  });

  describe('projects', () => {
    it('lets a token see and act on its projects only, and create none', async () => {
      const mine = await createProject(platform.app, user, 'mine');
      const other = await createProject(platform.app, user, 'other');
      const token = await createToken(platform.app, user, {
        scopes: ['projects:write', 'deployments:write'],
        projects: [mine],
      });
      const as = (method: InjectOptions['method'], url: string, payload?: object) =>
        platform.app.inject({ method, url, headers: bearer(token.token), ...(payload ? { payload } : {}) });

      const listed = await as('GET', '/v1/projects?limit=100');
      expect(listed.json<{ data: { id: string }[] }>().data.map((project) => project.id)).toEqual([mine]);
      expect((await as('GET', `/v1/projects/${mine}`)).statusCode).toBe(200);
      expect((await as('POST', `/v1/projects/${mine}/deployments`, {})).statusCode).toBe(201);

      expectProblem(await as('GET', `/v1/projects/${other}`), 404, 'not_found');
      expectProblem(await as('GET', `/v1/projects/${other}/deployments`), 404, 'not_found');
      expectProblem(await as('POST', `/v1/projects/${other}/deployments`, {}), 404, 'not_found');
      expectProblem(await as('DELETE', `/v1/projects/${other}`), 404, 'not_found');
      expectProblem(await as('POST', '/v1/projects', { name: 'another' }), 403, 'project_not_allowed');

      // The console still sees the other project, untouched.
      const console = await platform.app.inject({
        method: 'GET',
        url: `/v1/projects/${other}`,
        headers: user.headers,
      });
      expect(console.statusCode).toBe(200);
    });
  });

  describe('rotation and creation by a token', () => {
    it('keeps absent restrictions, accepts narrower ones and refuses wider ones from a token caller', async () => {
      const [a, b] = [
        await createProject(platform.app, user, 'rot-a'),
        await createProject(platform.app, user, 'rot-b'),
      ];
      const restrictions = {
        allowed_ips: ['127.0.0.0/8'],
        rate_limit: { requests: 1000, per_seconds: 60 },
        projects: [a, b],
      };
      const rotate = async (token: { id: string; token: string }, body: object) =>
        platform.app.inject({
          method: 'POST',
          url: `/v1/tokens/${token.id}/rotate`,
          headers: bearer(token.token),
          payload: body,
        });
      const old = await createToken(platform.app, user, { scopes: ['tokens:write'], ...restrictions });

      expectFieldError(await rotate(old, { allowed_ips: ['0.0.0.0/0'] }), 'allowed_ips');
      expectFieldError(await rotate(old, { allowed_ips: ['127.0.0.1', '10.0.0.1'] }), 'allowed_ips');
      // Same rate, bigger window: more requests at once than the old token allowed.
      expectFieldError(await rotate(old, { rate_limit: { requests: 2000, per_seconds: 120 } }), 'rate_limit');
      expectFieldError(await rotate(old, { rate_limit: { requests: 1000, per_seconds: 30 } }), 'rate_limit');
      expectFieldError(await rotate(old, { projects: [a, 'prj_elsewhere'] }), 'projects');

      const kept = await rotate(old, {});
      expect(kept.statusCode).toBe(201);
      expect(kept.json()).toMatchObject(restrictions);

      const second = await createToken(platform.app, user, {
        name: 'second to narrow',
        scopes: ['tokens:write'],
        ...restrictions,
      });
      const narrowed = await rotate(second, {
        allowed_ips: ['127.0.0.1'],
        rate_limit: { requests: 10, per_seconds: 60 },
        projects: [b],
      });
      expect(narrowed.statusCode).toBe(201);
      expect(narrowed.json()).toMatchObject({
        allowed_ips: ['127.0.0.1'],
        rate_limit: { requests: 10, per_seconds: 60 },
        projects: [b],
      });
    });

    it('lets the console widen restrictions on rotation', async () => {
      const old = await createToken(platform.app, user, { allowed_ips: ['127.0.0.1'] });
      const widened = await platform.app.inject({
        method: 'POST',
        url: `/v1/tokens/${old.id}/rotate`,
        headers: user.headers,
        payload: { allowed_ips: ['0.0.0.0/0', '::/0'] },
      });
      expect(widened.statusCode).toBe(201);
      expect(widened.json()).toMatchObject({ allowed_ips: ['0.0.0.0/0', '::/0'] });
    });

    it('gives a token created by a restricted token its restrictions and refuses wider ones', async () => {
      const project = await createProject(platform.app, user, 'minted');
      const caller = await createToken(platform.app, user, {
        name: 'restricted minter',
        scopes: ['tokens:write'],
        allowed_ips: ['127.0.0.0/8'],
        projects: [project],
      });
      const create = (body: object) =>
        platform.app.inject({
          method: 'POST',
          url: '/v1/tokens',
          headers: bearer(caller.token),
          payload: { scopes: ['tokens:read'], expires_in_days: 1, ...body },
        });
      const inherited = await create({ name: 'inherits' });
      expect(inherited.statusCode).toBe(201);
      expect(inherited.json()).toMatchObject({
        allowed_ips: ['127.0.0.0/8'],
        projects: [project],
        rate_limit: null,
      });

      expectFieldError(await create({ name: 'wider-ips', allowed_ips: ['192.168.0.0/16'] }), 'allowed_ips');
      expectFieldError(await create({ name: 'wider-projects', projects: ['prj_elsewhere'] }), 'projects');
      const narrower = await create({
        name: 'narrower',
        allowed_ips: ['127.0.0.1'],
        rate_limit: { requests: 5, per_seconds: 1 },
      });
      expect(narrower.statusCode).toBe(201);
    });
  });
});

const describeOnPostgres = TEST_DATABASE_URL === undefined ? describe.skip : describe;

describeOnPostgres('a token rate limit shared by two processes on one PostgreSQL schema', () => {
  let shared: SharedDatabasePlatforms | undefined;
  let platforms: Platform[] = [];
  beforeAll(async () => {
    shared = await platformsSharingOneDatabase(2);
    platforms = shared.platforms;
  });
  afterAll(async () => {
    await shared?.close();
  });

  it('allows the limit across both processes together, not the limit in each', async () => {
    const [one, two] = platforms as [Platform, Platform];
    const user = await signUpAndSignIn(one.app);
    const token = await createToken(one.app, user, { rate_limit: { requests: 4, per_seconds: 3600 } });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await callSelf(i % 2 === 0 ? one.app : two.app, token.token)).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });

  it('never admits more than a large limit across both processes, each taking blocks of it', async () => {
    const [one, two] = platforms as [Platform, Platform];
    const user = await signUpAndSignIn(one.app);
    const token = await createToken(one.app, user, { rate_limit: { requests: 300, per_seconds: 3600 } });
    let admitted = 0;
    for (let i = 0; i < 320; i++) {
      const response = await callSelf(i % 3 === 0 ? one.app : two.app, token.token);
      if (response.statusCode === 200) admitted += 1;
      else expectProblem(response, 429, 'token_rate_limited');
    }
    expect(admitted).toBe(300);
  });
});

/**
 * Dropping a restriction (docs/tokens.md, "Rotation and creation keep or narrow"): `null` for
 * `allowed_ips`, `rate_limit` or `projects` means none of that kind. A console session may drop
 * any on rotation or creation; a token caller may not drop one that binds it, and a part left out
 * is still kept.
 */
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import {
  bearer,
  type ConsoleUser,
  createTestPlatform,
  createToken,
  signUpAndSignIn,
  type TestPlatform,
} from '../support/harness.js';
import { describeEachDialect, expectFieldError, expectProblem } from '../support/http.js';

interface TokenJson {
  id: string;
  token: string;
  allowed_ips: string[] | null;
  rate_limit: { requests: number; per_seconds: number } | null;
  projects: string[] | null;
}

/** `GET url` with `token`, from `remoteAddress`. */
const getAs = (app: FastifyInstance, token: string, url: string, remoteAddress = '127.0.0.1') =>
  app.inject({ method: 'GET', url, headers: bearer(token), remoteAddress } satisfies InjectOptions);

describeEachDialect('dropping a token restriction', (dialect) => {
  let platform: TestPlatform;
  let user: ConsoleUser;
  beforeAll(async () => {
    platform = await createTestPlatform({ dialect });
  });
  afterAll(async () => platform?.close());
  // Each test its own account: a rotation's default successor name must not meet another test's token.
  beforeEach(async () => {
    user = await signUpAndSignIn(platform.app);
  });

  const createProject = async (name: string): Promise<string> => {
    const response = await platform.app.inject({
      method: 'POST',
      url: '/v1/projects',
      headers: user.headers,
      payload: { name },
    });
    expect(response.statusCode).toBe(201);
    return response.json<{ id: string }>().id;
  };

  /** Rotates `id` as `headers` (the console session's by default). */
  const rotate = (id: string, body: object, headers: Record<string, string> = user.headers) =>
    platform.app.inject({ method: 'POST', url: `/v1/tokens/${id}/rotate`, headers, payload: body });

  const rotated = async (id: string, body: object): Promise<TokenJson> => {
    const response = await rotate(id, body);
    expect(response.statusCode, response.body).toBe(201);
    return response.json<TokenJson>();
  };

  it('lets the console rotate with allowed_ips null: the replacement works from an address the old token was refused from', async () => {
    const old = await createToken(platform.app, user, {
      allowed_ips: ['203.0.113.0/24'],
      rate_limit: { requests: 100, per_seconds: 60 },
    });
    expectProblem(
      await getAs(platform.app, old.token, '/v1/tokens/self', '198.51.100.1'),
      403,
      'ip_not_allowed',
    );

    const replacement = await rotated(old.id, { allowed_ips: null });
    expect(replacement).toMatchObject({
      allowed_ips: null,
      rate_limit: { requests: 100, per_seconds: 60 },
      projects: null,
    });
    const fromElsewhere = await getAs(platform.app, replacement.token, '/v1/tokens/self', '198.51.100.1');
    expect(fromElsewhere.statusCode).toBe(200);
    expect(fromElsewhere.json()).toMatchObject({ id: replacement.id, allowed_ips: null });
  });

  it('lets the console rotate with rate_limit null: the replacement is not held to the old limit', async () => {
    const old = await createToken(platform.app, user, {
      allowed_ips: ['127.0.0.1'],
      rate_limit: { requests: 1, per_seconds: 3600 },
    });
    expect((await getAs(platform.app, old.token, '/v1/tokens/self')).statusCode).toBe(200);
    expectProblem(await getAs(platform.app, old.token, '/v1/tokens/self'), 429, 'token_rate_limited');

    const replacement = await rotated(old.id, { rate_limit: null });
    expect(replacement).toMatchObject({ allowed_ips: ['127.0.0.1'], rate_limit: null });
    for (let call = 0; call < 3; call += 1) {
      const response = await getAs(platform.app, replacement.token, '/v1/tokens/self');
      expect(response.statusCode).toBe(200);
      expect(response.headers['ratelimit-limit']).toBeUndefined();
    }
  });

  it('lets the console rotate with projects null: the replacement sees a project the old token could not', async () => {
    const mine = await createProject('kept-to-mine');
    const other = await createProject('once-hidden');
    const old = await createToken(platform.app, user, { scopes: ['projects:write'], projects: [mine] });
    expectProblem(await getAs(platform.app, old.token, `/v1/projects/${other}`), 404, 'not_found');

    const replacement = await rotated(old.id, { projects: null });
    expect(replacement).toMatchObject({ allowed_ips: null, rate_limit: null, projects: null });
    expect((await getAs(platform.app, replacement.token, `/v1/projects/${other}`)).statusCode).toBe(200);
    const created = await platform.app.inject({
      method: 'POST',
      url: '/v1/projects',
      headers: bearer(replacement.token),
      payload: { name: 'made-by-the-replacement' },
    });
    expect(created.statusCode).toBe(201);
  });

  it('leaves a replacement with no restriction at all when the console drops all three, and keeps each one left out', async () => {
    const project = await createProject('all-three');
    const restrictions = {
      allowed_ips: ['127.0.0.0/8'],
      rate_limit: { requests: 50, per_seconds: 60 },
      projects: [project],
    };
    const first = await createToken(platform.app, user, restrictions);
    const kept = await rotated(first.id, {});
    expect(kept).toMatchObject(restrictions);

    const free = await rotated(kept.id, { allowed_ips: null, rate_limit: null, projects: null });
    expect(free).toMatchObject({ allowed_ips: null, rate_limit: null, projects: null });
    const details = await platform.app.inject({
      method: 'GET',
      url: `/v1/tokens/${free.id}`,
      headers: user.headers,
    });
    expect(details.json()).toMatchObject({ allowed_ips: null, rate_limit: null, projects: null });
  });

  it('refuses a token caller dropping a restriction the old token has, naming the field, and replaces nothing', async () => {
    const project = await createProject('self-rotated');
    const restrictions = {
      allowed_ips: ['127.0.0.0/8'],
      rate_limit: { requests: 1000, per_seconds: 60 },
      projects: [project],
    };
    const old = await createToken(platform.app, user, { scopes: ['tokens:write'], ...restrictions });
    for (const field of ['allowed_ips', 'rate_limit', 'projects'] as const) {
      const refused = expectFieldError(await rotate(old.id, { [field]: null }, bearer(old.token)), field);
      expect(refused.errors?.find((error) => error.field === field)?.message).toContain(
        "must be as narrow as the replaced token's or narrower",
      );
    }
    const stillOld = await platform.app.inject({
      method: 'GET',
      url: `/v1/tokens/${old.id}`,
      headers: user.headers,
    });
    expect(stillOld.json()).toMatchObject({ status: 'active', replaced_by: null, ...restrictions });

    // Left out, each is kept.
    const kept = await rotate(old.id, {}, bearer(old.token));
    expect(kept.statusCode).toBe(201);
    expect(kept.json()).toMatchObject(restrictions);
  });

  it('refuses a token caller dropping, on another token, a restriction the calling token has', async () => {
    const caller = await createToken(platform.app, user, {
      scopes: ['tokens:write'],
      allowed_ips: ['127.0.0.0/8'],
    });
    const target = await createToken(platform.app, user, { allowed_ips: ['127.0.0.1'] });
    expectFieldError(await rotate(target.id, { allowed_ips: null }, bearer(caller.token)), 'allowed_ips');
  });

  it('accepts null from a token caller where nothing is restricted', async () => {
    const caller = await createToken(platform.app, user, { scopes: ['tokens:write'] });
    const response = await rotate(
      caller.id,
      { allowed_ips: null, rate_limit: null, projects: null },
      bearer(caller.token),
    );
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ allowed_ips: null, rate_limit: null, projects: null });
  });

  it('creates an unrestricted token from the console with null, and refuses null from a restricted token', async () => {
    const created = await platform.app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: user.headers,
      payload: {
        name: 'created-with-nulls',
        scopes: ['tokens:read'],
        expires_in_days: 1,
        allowed_ips: null,
        rate_limit: null,
        projects: null,
      },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ allowed_ips: null, rate_limit: null, projects: null });

    const minter = await createToken(platform.app, user, {
      scopes: ['tokens:write'],
      rate_limit: { requests: 100, per_seconds: 60 },
    });
    const create = (name: string, body: object) =>
      platform.app.inject({
        method: 'POST',
        url: '/v1/tokens',
        headers: bearer(minter.token),
        payload: { name, scopes: ['tokens:read'], expires_in_days: 1, ...body },
      });
    expectFieldError(await create('minted-unlimited', { rate_limit: null }), 'rate_limit');
    // Null for a part the caller does not restrict is no widening.
    const minted = await create('minted-anywhere', { allowed_ips: null });
    expect(minted.statusCode).toBe(201);
    expect(minted.json()).toMatchObject({
      allowed_ips: null,
      rate_limit: { requests: 100, per_seconds: 60 },
    });
  });

  it('still refuses a restriction that is neither a value nor null', async () => {
    const old = await createToken(platform.app, user, { allowed_ips: ['127.0.0.1'] });
    for (const body of [
      { allowed_ips: 'none' },
      { allowed_ips: [null] },
      { rate_limit: {} },
      { projects: false },
    ]) {
      expectProblem(await rotate(old.id, body), 400, 'validation_failed');
    }
  });
});

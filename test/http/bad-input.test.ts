import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import {
  createTestPlatform,
  createToken,
  signUpAndSignIn,
  type ConsoleUser,
  type TestPlatform,
} from '../support/harness.js';
import {
  DAY_MS,
  describeEachDialect,
  expectFieldError,
  expectProblem,
  listAudit,
  listTokens,
} from '../support/http.js';

/** Token-creation bodies that must be refused, each with the field the 400 must name. */
function invalidCreations(now: Date): [string, unknown, string][] {
  const ahead = (ms: number) => new Date(now.getTime() + ms).toISOString();
  const base = { name: 'ok', scopes: ['tokens:read'], expires_in_days: 30 };
  return [
    ['a missing name', { scopes: ['tokens:read'], expires_in_days: 30 }, 'name'],
    ['missing scopes', { name: 'ok', expires_in_days: 30 }, 'scopes'],
    ['an extra field', { ...base, owner: 'someone-else' }, 'owner'],
    ['a number as name', { ...base, name: 123 }, 'name'],
    ['a null name', { ...base, name: null }, 'name'],
    ['a string as scopes', { ...base, scopes: 'tokens:read' }, 'scopes'],
    ['a number among scopes', { ...base, scopes: ['tokens:read', 7] }, 'scopes.1'],
    ['a string as expires_in_days', { ...base, expires_in_days: '30' }, 'expires_in_days'],
    ['a fraction as expires_in_days', { ...base, expires_in_days: 1.5 }, 'expires_in_days'],
    ['an empty name', { ...base, name: '' }, 'name'],
    ['a blank name', { ...base, name: ' \t ' }, 'name'],
    ['a name of 101 characters', { ...base, name: 'n'.repeat(101) }, 'name'],
    ['a name with a NUL', { ...base, name: 'a\u0000b' }, 'name'],
    ['a name with a line feed', { ...base, name: 'line\nbreak' }, 'name'],
    ['a name with an escape', { ...base, name: 'red\u001b[31m' }, 'name'],
    ['a name with DEL', { ...base, name: 'del\u007f' }, 'name'],
    ['a name with a C1 control', { ...base, name: 'c1\u0085' }, 'name'],
    ['a name with a line separator', { ...base, name: 'line\u2028separator' }, 'name'],
    ['an unknown scope', { ...base, scopes: ['tokens:read', 'admin:all'] }, 'scopes'],
    ['a scope in the wrong case', { ...base, scopes: ['Tokens:Read'] }, 'scopes'],
    ['no scopes at all', { ...base, scopes: [] }, 'scopes'],
    ['two expirations', { ...base, expires: 'never' }, 'expires_in_days'],
    ['days and a date', { ...base, expires_at: ahead(DAY_MS) }, 'expires_in_days'],
    ['no expiration', { name: 'ok', scopes: ['tokens:read'] }, 'expires_in_days'],
    ['expires_in_days 0', { ...base, expires_in_days: 0 }, 'expires_in_days'],
    ['expires_in_days -1', { ...base, expires_in_days: -1 }, 'expires_in_days'],
    ['expires_in_days 367', { ...base, expires_in_days: 367 }, 'expires_in_days'],
    ['expires "always"', { name: 'ok', scopes: ['tokens:read'], expires: 'always' }, 'expires'],
    [
      'expires_at in the past',
      { name: 'ok', scopes: ['tokens:read'], expires_at: ahead(-1000) },
      'expires_at',
    ],
    ['expires_at now', { name: 'ok', scopes: ['tokens:read'], expires_at: now.toISOString() }, 'expires_at'],
    [
      'expires_at 367 days ahead',
      { name: 'ok', scopes: ['tokens:read'], expires_at: ahead(367 * DAY_MS) },
      'expires_at',
    ],
    [
      'expires_at a second past 366 days',
      { name: 'ok', scopes: ['tokens:read'], expires_at: ahead(366 * DAY_MS + 1000) },
      'expires_at',
    ],
    ['expires_at not a date', { name: 'ok', scopes: ['tokens:read'], expires_at: 'tomorrow' }, 'expires_at'],
    [
      'expires_at without a zone',
      { name: 'ok', scopes: ['tokens:read'], expires_at: '2030-01-01T00:00:00' },
      'expires_at',
    ],
    [
      'expires_at as a number',
      { name: 'ok', scopes: ['tokens:read'], expires_at: now.getTime() + DAY_MS },
      'expires_at',
    ],
    [
      'an impossible date',
      { name: 'ok', scopes: ['tokens:read'], expires_at: '2027-02-30T00:00:00Z' },
      'expires_at',
    ],
  ];
}

/** The instant `ms` written in RFC 3339 with a +02:00 offset. */
function withOffset(ms: number): string {
  return `${new Date(ms + 2 * 3_600_000).toISOString().slice(0, 19)}+02:00`;
}

describeEachDialect('bad input over HTTP', (dialect) => {
  let platform: TestPlatform;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = new ManualClock(new Date());
    platform = await createTestPlatform({ dialect, clock });
  });
  afterAll(async () => platform.close());

  const inject = (options: InjectOptions) => platform.app.inject(options);
  const createAs = (user: ConsoleUser, payload: unknown, headers: Record<string, string> = {}) =>
    inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: { ...user.headers, ...headers },
      payload: payload as InjectOptions['payload'],
    });

  /** Asserts that nothing was written for `user`: no token, no token.created audit entry. */
  async function expectNothingCreated(user: ConsoleUser): Promise<void> {
    expect(await listTokens(platform.app, user)).toEqual([]);
    expect((await listAudit(platform.app, user)).map((e) => e.action)).not.toContain('token.created');
  }

  it('each invalid token-creation body is a 400 naming its field, and writes nothing', async () => {
    const user = await signUpAndSignIn(platform.app);
    for (const [label, payload, field] of invalidCreations(clock.now())) {
      const response = await createAs(user, payload);
      expect({ label, status: response.statusCode }).toEqual({ label, status: 400 });
      expectFieldError(response, field);
    }
    await expectNothingCreated(user);
  });

  it('the boundaries of the valid ranges are accepted: 1 and 366 days, 366 days ahead, 100 characters', async () => {
    const user = await signUpAndSignIn(platform.app);
    const limit = new Date(clock.now().getTime() + 366 * DAY_MS).toISOString();
    for (const payload of [
      { name: 'one day', scopes: ['tokens:read'], expires_in_days: 1 },
      { name: 'max days', scopes: ['tokens:read'], expires_in_days: 366 },
      { name: 'max date', scopes: ['tokens:read'], expires_at: limit },
      {
        name: 'offset date',
        scopes: ['tokens:read'],
        expires_at: withOffset(clock.now().getTime() + 100 * DAY_MS),
      },
      { name: 'x'.repeat(100), scopes: ['tokens:read'], expires_in_days: 1 },
      { name: 'dupes', scopes: ['tokens:read', 'tokens:read'], expires_in_days: 1 },
    ]) {
      const response = await createAs(user, payload);
      expect({ name: payload.name, status: response.statusCode, body: response.body }).toMatchObject({
        status: 201,
      });
    }
    expect(await listTokens(platform.app, user)).toHaveLength(6);
  });

  it('malformed JSON is a 400 invalid_json that writes nothing', async () => {
    const user = await signUpAndSignIn(platform.app);
    for (const body of ['{"name": "x", ', '{name: "x"}', "{'a':1}", '{"a":1}}', '\u0000', 'undefined']) {
      expectProblem(await createAs(user, body, { 'content-type': 'application/json' }), 400, 'invalid_json');
    }
    await expectNothingCreated(user);
  });

  it('JSON that is not an object is a 400 that writes nothing', async () => {
    const user = await signUpAndSignIn(platform.app);
    for (const body of ['[]', 'null', '"name"', '42', 'true']) {
      const response = await createAs(user, body, { 'content-type': 'application/json' });
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    await expectNothingCreated(user);
  });

  it('a __proto__ or constructor key is refused as a 400, never a 500', async () => {
    const user = await signUpAndSignIn(platform.app);
    for (const body of [
      '{"name":"p","scopes":["tokens:read"],"expires_in_days":1,"__proto__":{"admin":true}}',
      '{"name":"c","scopes":["tokens:read"],"expires_in_days":1,"constructor":{"prototype":{"admin":true}}}',
    ]) {
      const response = await createAs(user, body, { 'content-type': 'application/json' });
      expect(response.statusCode).toBe(400);
    }
    await expectNothingCreated(user);
  });

  it('an empty body with a JSON content type is no body: a 400 naming the missing fields', async () => {
    const user = await signUpAndSignIn(platform.app);
    const response = await createAs(user, '', { 'content-type': 'application/json' });
    const problem = expectProblem(response, 400, 'validation_failed');
    expect(problem.errors?.map((e) => e.field)).toEqual(expect.arrayContaining(['name', 'scopes']));
    await expectNothingCreated(user);
  });

  it('a bodiless DELETE that still says Content-Type: application/json succeeds', async () => {
    const user = await signUpAndSignIn(platform.app);
    const created = await createToken(platform.app, user);
    const response = await platform.app.inject({
      method: 'DELETE',
      url: `/v1/tokens/${created.id}`,
      headers: { ...user.headers, 'content-type': 'application/json' },
      payload: '',
    });
    expect(response.statusCode).toBe(204);
  });

  it('a POST without any body names the missing fields', async () => {
    const user = await signUpAndSignIn(platform.app);
    const response = await inject({ method: 'POST', url: '/v1/tokens', headers: user.headers });
    expectFieldError(response, 'name');
    await expectNothingCreated(user);
  });

  it('a body over 64 KiB is a 413 that writes nothing', async () => {
    const user = await signUpAndSignIn(platform.app);
    const payload = JSON.stringify({
      name: 'big',
      scopes: ['tokens:read'],
      expires_in_days: 1,
      pad: 'x'.repeat(65 * 1024),
    });
    const response = await createAs(user, payload, { 'content-type': 'application/json' });
    expectProblem(response, 413, 'payload_too_large');
    await expectNothingCreated(user);

    const signUp = await inject({
      method: 'POST',
      url: '/v1/accounts',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email: 'big@example.com', password: 'x'.repeat(70 * 1024) }),
    });
    expectProblem(signUp, 413, 'payload_too_large');
  });

  it('a body just under 64 KiB is read and validated, not refused for its size', async () => {
    const user = await signUpAndSignIn(platform.app);
    const payload = JSON.stringify({
      name: 'x'.repeat(60 * 1024),
      scopes: ['tokens:read'],
      expires_in_days: 1,
    });
    expectFieldError(await createAs(user, payload, { 'content-type': 'application/json' }), 'name');
  });

  it.each([
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
  ])('a %s body is a 415 that writes nothing', async (contentType) => {
    const user = await signUpAndSignIn(platform.app);
    const response = await createAs(user, 'name=x&scopes=tokens:read&expires_in_days=1', {
      'content-type': contentType,
    });
    expectProblem(response, 415, 'unsupported_media_type');
    await expectNothingCreated(user);

    const signUp = await inject({
      method: 'POST',
      url: '/v1/accounts',
      headers: { 'content-type': contentType },
      payload: 'email=a@example.com&password=long enough password',
    });
    expectProblem(signUp, 415, 'unsupported_media_type');
  });

  it('JSON with a charset parameter is accepted', async () => {
    const user = await signUpAndSignIn(platform.app);
    const response = await createAs(
      user,
      JSON.stringify({ name: 'charset', scopes: ['tokens:read'], expires_in_days: 1 }),
      { 'content-type': 'application/json; charset=utf-8' },
    );
    expect(response.statusCode).toBe(201);
  });

  it('query strings with repeated or unknown parameters are a 400, not a 500', async () => {
    const user = await signUpAndSignIn(platform.app);
    for (const query of [
      'status=active&status=revoked',
      'limit=1&limit=2',
      'sort=name',
      'cursor=',
      'status=',
    ]) {
      const response = await inject({ method: 'GET', url: `/v1/tokens?${query}`, headers: user.headers });
      expect({ query, status: response.statusCode }).toEqual({ query, status: 400 });
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('control characters in emails are a 400 at sign-up and an unknown account at sign-in', async () => {
    for (const email of ['nul\u0000@example.com', 'bell\u0007@example.com', 'x@exa\u0000mple.com']) {
      expectFieldError(
        await inject({
          method: 'POST',
          url: '/v1/accounts',
          payload: { email, password: 'long enough password' },
        }),
        'email',
      );
      const signIn = await inject({
        method: 'POST',
        url: '/v1/sessions',
        payload: { email, password: 'long enough password' },
        remoteAddress: '203.0.113.99',
      });
      expectProblem(signIn, 401, 'invalid_credentials');
    }
  });

  it('an unknown route is a problem+json 404', async () => {
    const response = await inject({ method: 'GET', url: '/v1/nothing-here' });
    expectProblem(response, 404, 'not_found');
  });

  it('an over-long or odd id in the path is a 400 or 404, never a 500', async () => {
    const user = await signUpAndSignIn(platform.app);
    const ids = [
      'x'.repeat(65),
      'x'.repeat(300),
      '%00',
      '..%2F..%2Fetc%2Fpasswd',
      '%E2%80%AE',
      'tok_%F0%9F%9A%80',
      '%ZZ',
    ];
    for (const id of ids) {
      const response = await inject({ method: 'GET', url: `/v1/tokens/${id}`, headers: user.headers });
      expect({ id, status: response.statusCode }).toMatchObject({ id });
      expect([400, 404]).toContain(response.statusCode);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('every error body has exactly type, title, status, detail and code, plus errors for validation', async () => {
    const user = await signUpAndSignIn(platform.app);
    const missing = await inject({ method: 'GET', url: '/v1/tokens' });
    expect(Object.keys(missing.json()).sort()).toEqual(['code', 'detail', 'status', 'title', 'type']);
    const invalid = await createAs(user, { name: '', scopes: ['tokens:read'], expires_in_days: 1 });
    expect(Object.keys(invalid.json()).sort()).toEqual([
      'code',
      'detail',
      'errors',
      'status',
      'title',
      'type',
    ]);
    expect(invalid.json().errors).toEqual([{ field: 'name', message: expect.any(String) }]);
  });
});

import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import {
  bearer,
  createTestPlatform,
  createToken,
  sessionCookie,
  signUpAndSignIn,
  type TestPlatform,
} from '../support/harness.js';
import { expectFieldError, expectProblem, listAudit, listTokens } from '../support/http.js';

let serial = 0;
const freshEmail = () => `person${++serial}-${Date.now()}@example.com`;
const PASSWORD = 'correct horse battery staple';

describe('sign-up, sign-in and sign-out over HTTP', () => {
  let platform: TestPlatform;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = new ManualClock(new Date());
    platform = await createTestPlatform({ clock });
  });
  afterAll(async () => platform.close());

  const inject = (options: InjectOptions) => platform.app.inject(options);

  it('POST /v1/accounts creates an account and answers 201 with id, email, name and created_at only', async () => {
    const email = freshEmail();
    const response = await inject({
      method: 'POST',
      url: '/v1/accounts',
      payload: { email: ` ${email.toUpperCase()} `, password: PASSWORD, name: 'Ada Lovelace' },
    });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(Object.keys(body).sort()).toEqual(['created_at', 'email', 'id', 'name']);
    expect(body).toMatchObject({ email, name: 'Ada Lovelace', created_at: clock.now().toISOString() });
    expect(body.id).toMatch(/^acc_/);
    expect(response.body).not.toContain(PASSWORD);
  });

  it('an account without a name is named after its email address', async () => {
    const email = freshEmail();
    const response = await inject({
      method: 'POST',
      url: '/v1/accounts',
      payload: { email, password: PASSWORD },
    });
    expect(response.json().name).toBe(email.split('@')[0]);
  });

  it('signing up twice with one email is a 409', async () => {
    const email = freshEmail();
    await inject({ method: 'POST', url: '/v1/accounts', payload: { email, password: PASSWORD } });
    const again = await inject({
      method: 'POST',
      url: '/v1/accounts',
      payload: { email: email.toUpperCase(), password: 'another password' },
    });
    expectProblem(again, 409, 'email_taken');
  });

  it('sign-up refuses a bad email, a short password, extra fields and wrong types with field errors', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ email: 'not-an-email', password: PASSWORD }, 'email'],
      [{ email: freshEmail(), password: 'short' }, 'password'],
      [{ email: freshEmail(), password: PASSWORD, admin: true }, 'admin'],
      [{ email: freshEmail() }, 'password'],
      [{ email: 42, password: PASSWORD }, 'email'],
      [{ email: freshEmail(), password: PASSWORD, name: 'a\u0000b' }, 'name'],
      [{ email: freshEmail(), password: PASSWORD, name: 'x'.repeat(101) }, 'name'],
    ];
    for (const [payload, field] of cases) {
      expectFieldError(await inject({ method: 'POST', url: '/v1/accounts', payload }), field);
    }
  });

  it('POST /v1/sessions sets the session cookie and answers 201 with the account and a CSRF token', async () => {
    const email = freshEmail();
    await inject({ method: 'POST', url: '/v1/accounts', payload: { email, password: PASSWORD } });
    const response = await inject({
      method: 'POST',
      url: '/v1/sessions',
      payload: { email, password: PASSWORD },
    });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(Object.keys(body).sort()).toEqual(['account', 'csrf_token']);
    expect(body.account).toMatchObject({ email });
    expect(body.csrf_token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const cookie = response.cookies.find((c) => c.name === 'skytells_session');
    expect(cookie?.value).toMatch(/^[0-9A-Za-z]{32,}$/);
    expect(response.body).not.toContain(cookie?.value);
  });

  it('the session cookie is HttpOnly and SameSite=Lax, without Secure on plain http', async () => {
    const email = freshEmail();
    await inject({ method: 'POST', url: '/v1/accounts', payload: { email, password: PASSWORD } });
    const response = await inject({
      method: 'POST',
      url: '/v1/sessions',
      payload: { email, password: PASSWORD },
    });
    const header = String(response.headers['set-cookie']);
    expect(header).toMatch(/^skytells_session=/);
    expect(header).toMatch(/; HttpOnly/i);
    expect(header).toMatch(/; SameSite=Lax/i);
    expect(header).toMatch(/; Path=\//i);
    expect(header).not.toMatch(/; Secure/i);
  });

  it('a signed-in browser reads its account and CSRF token from GET /v1/sessions/current', async () => {
    const user = await signUpAndSignIn(platform.app);
    const response = await inject({
      method: 'GET',
      url: '/v1/sessions/current',
      headers: { cookie: user.cookie },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      account: expect.objectContaining({ id: user.accountId, email: user.email }),
      csrf_token: user.csrf,
    });
  });

  it('GET /v1/sessions/current without a session is a 401 and with a token a 403 session_required', async () => {
    const user = await signUpAndSignIn(platform.app);
    const token = await createToken(platform.app, user, { scopes: ['account:read'] });
    expectProblem(await inject({ method: 'GET', url: '/v1/sessions/current' }), 401, 'token_missing');
    expectProblem(
      await inject({ method: 'GET', url: '/v1/sessions/current', headers: bearer(token.token) }),
      403,
      'session_required',
    );
  });

  it('GET /v1/account answers the profile to a session and to a token with account:read', async () => {
    const user = await signUpAndSignIn(platform.app);
    const token = await createToken(platform.app, user, { scopes: ['account:read'] });
    for (const headers of [{ cookie: user.cookie }, bearer(token.token)]) {
      const response = await inject({ method: 'GET', url: '/v1/account', headers });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        id: user.accountId,
        email: user.email,
        name: user.email.split('@')[0],
        created_at: expect.stringMatching(/Z$/),
      });
    }
  });

  it('account:write implies account:read', async () => {
    const user = await signUpAndSignIn(platform.app);
    const token = await createToken(platform.app, user, { scopes: ['account:write'] });
    expect(
      (await inject({ method: 'GET', url: '/v1/account', headers: bearer(token.token) })).statusCode,
    ).toBe(200);
  });

  it('DELETE /v1/sessions/current ends the session and clears the cookie', async () => {
    const user = await signUpAndSignIn(platform.app);
    const response = await inject({ method: 'DELETE', url: '/v1/sessions/current', headers: user.headers });
    expect(response.statusCode).toBe(204);
    const cleared = response.cookies.find((c) => c.name === 'skytells_session');
    expect(cleared?.value).toBe('');
    const after = await inject({ method: 'GET', url: '/v1/account', headers: { cookie: user.cookie } });
    expectProblem(after, 401, 'token_missing');
    expect(after.headers['www-authenticate']).toBe('Bearer realm="skytells"');
  });

  it('an unsafe session request without the CSRF token is a 403 csrf_token_invalid and changes nothing', async () => {
    const user = await signUpAndSignIn(platform.app);
    const response = await inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: { cookie: user.cookie },
      payload: { name: 'csrf', scopes: ['tokens:read'], expires_in_days: 1 },
    });
    expectProblem(response, 403, 'csrf_token_invalid');
    expect(await listTokens(platform.app, user)).toEqual([]);
  });

  it('an unsafe session request with a wrong CSRF token is refused, also for sign-out and revocation', async () => {
    const user = await signUpAndSignIn(platform.app);
    const other = await signUpAndSignIn(platform.app);
    const token = await createToken(platform.app, user);
    for (const csrf of [other.csrf, `${user.csrf}x`, '', user.csrf.toUpperCase()]) {
      const headers = { cookie: user.cookie, 'x-csrf-token': csrf };
      expectProblem(
        await inject({ method: 'DELETE', url: `/v1/tokens/${token.id}`, headers }),
        403,
        'csrf_token_invalid',
      );
      expectProblem(
        await inject({ method: 'POST', url: `/v1/tokens/${token.id}/rotate`, headers }),
        403,
        'csrf_token_invalid',
      );
      expectProblem(
        await inject({ method: 'DELETE', url: '/v1/sessions/current', headers }),
        403,
        'csrf_token_invalid',
      );
    }
    expect(await listTokens(platform.app, user)).toEqual([
      expect.objectContaining({ id: token.id, status: 'active' }),
    ]);
    expect(
      (await inject({ method: 'GET', url: '/v1/account', headers: { cookie: user.cookie } })).statusCode,
    ).toBe(200);
  });

  it('a safe session request needs no CSRF token', async () => {
    const user = await signUpAndSignIn(platform.app);
    expect(
      (await inject({ method: 'GET', url: '/v1/tokens', headers: { cookie: user.cookie } })).statusCode,
    ).toBe(200);
  });

  it('an unknown session cookie counts as no credential', async () => {
    const response = await inject({
      method: 'GET',
      url: '/v1/account',
      headers: { cookie: 'skytells_session=Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5' },
    });
    expectProblem(response, 401, 'token_missing');
    expect(response.headers['www-authenticate']).toBe('Bearer realm="skytells"');
  });

  it('unknown email and wrong password give an identical 401', async () => {
    const user = await signUpAndSignIn(platform.app);
    const wrongPassword = await inject({
      method: 'POST',
      url: '/v1/sessions',
      payload: { email: user.email, password: 'not the password' },
      remoteAddress: '198.51.100.10',
    });
    const unknownEmail = await inject({
      method: 'POST',
      url: '/v1/sessions',
      payload: { email: freshEmail(), password: 'not the password' },
      remoteAddress: '198.51.100.10',
    });
    expectProblem(wrongPassword, 401, 'invalid_credentials');
    expect(unknownEmail.statusCode).toBe(401);
    expect(unknownEmail.body).toBe(wrongPassword.body);
    expect(unknownEmail.headers['www-authenticate']).toBe(wrongPassword.headers['www-authenticate']);
    expect(unknownEmail.cookies).toEqual([]);
  });

  it('sign-in and failed sign-in are audited as session.created and session.failed', async () => {
    const user = await signUpAndSignIn(platform.app);
    clock.advance(1000);
    await inject({
      method: 'POST',
      url: '/v1/sessions',
      payload: { email: user.email, password: 'wrong' },
      remoteAddress: '198.51.100.11',
    });
    const actions = (await listAudit(platform.app, user)).map((e) => e.action);
    expect(actions[0]).toBe('session.failed');
    expect(actions.slice(1).sort()).toEqual(['account.created', 'session.created']);
  });

  it('repeated failures for one account from one address are throttled with 429 and Retry-After', async () => {
    const user = await signUpAndSignIn(platform.app);
    const attempt = (password: string, remoteAddress: string) =>
      inject({
        method: 'POST',
        url: '/v1/sessions',
        payload: { email: user.email, password },
        remoteAddress,
      });
    for (let i = 0; i < 5; i++) expect((await attempt(`guess ${i}`, '192.0.2.50')).statusCode).toBe(401);

    const throttled = await attempt(user.password, '192.0.2.50');
    expectProblem(throttled, 429, 'rate_limited');
    const retryAfter = Number(throttled.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect(throttled.cookies).toEqual([]);

    // The owner elsewhere is not locked out by guesses from one address.
    expect((await attempt(user.password, '192.0.2.51')).statusCode).toBe(201);

    clock.advance(retryAfter * 1000);
    expect((await attempt(user.password, '192.0.2.50')).statusCode).toBe(201);
  });

  it('sign-in refuses missing fields and wrong types with a 400, not a 401', async () => {
    for (const [payload, field] of [
      [{ email: 'a@example.com' }, 'password'],
      [{ email: ['a@example.com'], password: PASSWORD }, 'email'],
      [{ email: 'a@example.com', password: PASSWORD, remember: true }, 'remember'],
    ] as const) {
      expectFieldError(await inject({ method: 'POST', url: '/v1/sessions', payload }), field);
    }
  });
});

describe('the session cookie on an https deployment', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform({ env: { SKYTELLS_PUBLIC_URL: 'https://x.example' } });
  });
  afterAll(async () => platform.close());

  it('is Secure, HttpOnly and SameSite=Lax', async () => {
    const user = await signUpAndSignIn(platform.app);
    const response = await platform.app.inject({
      method: 'POST',
      url: '/v1/sessions',
      payload: { email: user.email, password: user.password },
    });
    const header = String(response.headers['set-cookie']);
    expect(header).toMatch(/; Secure/i);
    expect(header).toMatch(/; HttpOnly/i);
    expect(header).toMatch(/; SameSite=Lax/i);
    expect(sessionCookie(response)).toMatch(/^skytells_session=./);
  });

  it('is cleared with the same attributes on sign-out', async () => {
    const user = await signUpAndSignIn(platform.app);
    const response = await platform.app.inject({
      method: 'DELETE',
      url: '/v1/sessions/current',
      headers: user.headers,
    });
    expect(response.statusCode).toBe(204);
    expect(String(response.headers['set-cookie'])).toMatch(/^skytells_session=;.*Secure/i);
  });
});

describe('sign-up on a closed server', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform({ env: { SKYTELLS_SIGNUP: 'closed' } });
  });
  afterAll(async () => platform.close());

  it('POST /v1/accounts is a 403 signup_closed that creates no account', async () => {
    const email = freshEmail();
    const response = await platform.app.inject({
      method: 'POST',
      url: '/v1/accounts',
      payload: { email, password: PASSWORD },
    });
    expectProblem(response, 403, 'signup_closed');
    const signIn = await platform.app.inject({
      method: 'POST',
      url: '/v1/sessions',
      payload: { email, password: PASSWORD },
    });
    expectProblem(signIn, 401, 'invalid_credentials');
  });
});

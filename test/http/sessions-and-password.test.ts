import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import {
  bearer,
  type ConsoleUser,
  createTestPlatform,
  createToken,
  sessionCookie,
  signUpAndSignIn,
  type TestPlatform,
} from '../support/harness.js';
import { describeEachDialect, expectFieldError, expectProblem, listAudit } from '../support/http.js';

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const DAY = 86_400_000;

interface ListedSession {
  id: string;
  device: string;
  ip: string | null;
  user_agent: string | null;
  created_at: string;
  last_seen_at: string;
  current: boolean;
}

/** Signs `user` in once more, from `ip` with `userAgent`; returns the new session's headers. */
async function signInAgain(
  app: FastifyInstance,
  user: ConsoleUser,
  options: { ip?: string; userAgent?: string; password?: string } = {},
): Promise<Record<string, string>> {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/sessions',
    payload: { email: user.email, password: options.password ?? user.password },
    remoteAddress: options.ip ?? '127.0.0.1',
    headers: { 'user-agent': options.userAgent ?? FIREFOX },
  });
  expect(response.statusCode).toBe(201);
  return {
    cookie: sessionCookie(response),
    'x-csrf-token': response.json<{ csrf_token: string }>().csrf_token,
  };
}

async function listSessions(app: FastifyInstance, headers: Record<string, string>): Promise<ListedSession[]> {
  const response = await app.inject({ method: 'GET', url: '/v1/sessions', headers });
  expect(response.statusCode).toBe(200);
  return response.json<{ data: ListedSession[] }>().data;
}

async function isSignedIn(app: FastifyInstance, headers: Record<string, string>): Promise<boolean> {
  const response = await app.inject({ method: 'GET', url: '/v1/sessions/current', headers });
  if (response.statusCode === 401) return false;
  expect(response.statusCode).toBe(200);
  return true;
}

describeEachDialect('sessions and password change over HTTP', (dialect) => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform({ dialect });
  });
  afterAll(async () => platform.close());

  it("lists the account's active sessions with device, address and times, marking the current one", async () => {
    const user = await signUpAndSignIn(platform.app);
    const phone = await signInAgain(platform.app, user, { ip: '198.51.100.23', userAgent: SAFARI });
    const desktop = await signInAgain(platform.app, user, { ip: '203.0.113.9', userAgent: FIREFOX });

    const sessions = await listSessions(platform.app, desktop);
    expect(sessions).toHaveLength(3);
    const current = sessions.filter((session) => session.current);
    expect(current).toHaveLength(1);
    expect(current[0]).toMatchObject({
      ip: '203.0.113.9',
      device: 'Firefox 133 on Linux',
      user_agent: FIREFOX,
    });
    const fromPhone = sessions.find((session) => session.ip === '198.51.100.23');
    expect(fromPhone).toMatchObject({ current: false, device: 'Safari 17 on iOS' });
    for (const session of sessions) {
      expect(Date.parse(session.created_at)).not.toBeNaN();
      expect(Date.parse(session.last_seen_at)).toBeGreaterThanOrEqual(Date.parse(session.created_at));
    }
    // Seen from the phone, the phone's session is the current one.
    expect((await listSessions(platform.app, phone)).find((s) => s.current)?.ip).toBe('198.51.100.23');
  });

  it('ends one other session: it is signed out at once, the current one stays, and it leaves the list', async () => {
    const user = await signUpAndSignIn(platform.app);
    const other = await signInAgain(platform.app, user, { ip: '198.51.100.40' });
    const otherId = (await listSessions(platform.app, other)).find((s) => s.current)!.id;

    const ended = await platform.app.inject({
      method: 'DELETE',
      url: `/v1/sessions/${otherId}`,
      headers: user.headers,
    });
    expect(ended.statusCode).toBe(204);
    expect(await isSignedIn(platform.app, other)).toBe(false);
    expect(await isSignedIn(platform.app, user.headers)).toBe(true);
    expect((await listSessions(platform.app, user.headers)).map((s) => s.id)).not.toContain(otherId);

    const again = await platform.app.inject({
      method: 'DELETE',
      url: `/v1/sessions/${otherId}`,
      headers: user.headers,
    });
    expectProblem(again, 404, 'not_found');
    const audit = await listAudit(platform.app, user);
    expect(audit.find((event) => event.action === 'session.revoked')).toMatchObject({
      target: { type: 'session', id: otherId },
    });
  });

  it("answers 404 for an unknown session and for another account's, which stays signed in", async () => {
    const alice = await signUpAndSignIn(platform.app);
    const bob = await signUpAndSignIn(platform.app);
    const bobsId = (await listSessions(platform.app, bob.headers))[0]!.id;

    const unknown = await platform.app.inject({
      method: 'DELETE',
      url: '/v1/sessions/ses_000000000000000000000',
      headers: alice.headers,
    });
    expectProblem(unknown, 404, 'not_found');
    const foreign = await platform.app.inject({
      method: 'DELETE',
      url: `/v1/sessions/${bobsId}`,
      headers: alice.headers,
    });
    expectProblem(foreign, 404, 'not_found');
    expect(await isSignedIn(platform.app, bob.headers)).toBe(true);
  });

  it('signs out every other session and says how many, keeping the current one', async () => {
    const user = await signUpAndSignIn(platform.app);
    const second = await signInAgain(platform.app, user, { ip: '198.51.100.50' });
    const third = await signInAgain(platform.app, user, { ip: '198.51.100.51' });
    const stranger = await signUpAndSignIn(platform.app);

    const response = await platform.app.inject({
      method: 'POST',
      url: '/v1/sessions/revoke-others',
      headers: user.headers,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ revoked: 2 });
    expect(await isSignedIn(platform.app, second)).toBe(false);
    expect(await isSignedIn(platform.app, third)).toBe(false);
    expect(await isSignedIn(platform.app, user.headers)).toBe(true);
    expect(await isSignedIn(platform.app, stranger.headers)).toBe(true);
    expect(await listSessions(platform.app, user.headers)).toHaveLength(1);

    const repeated = await platform.app.inject({
      method: 'POST',
      url: '/v1/sessions/revoke-others',
      headers: user.headers,
    });
    expect(repeated.json()).toEqual({ revoked: 0 });
  });

  it('refuses the session endpoints to access tokens and to requests without the CSRF token', async () => {
    const user = await signUpAndSignIn(platform.app);
    const token = await createToken(platform.app, user, { scopes: ['account:write', 'account:read'] });
    for (const [method, url] of [
      ['GET', '/v1/sessions'],
      ['POST', '/v1/sessions/revoke-others'],
      ['DELETE', '/v1/sessions/ses_x'],
    ] as const) {
      expectProblem(
        await platform.app.inject({ method, url, headers: bearer(token.token) }),
        403,
        'session_required',
      );
    }
    const password = await platform.app.inject({
      method: 'POST',
      url: '/v1/account/password',
      headers: bearer(token.token),
      payload: { current_password: user.password, new_password: 'another long password' },
    });
    expectProblem(password, 403, 'session_required');
    const noCsrf = await platform.app.inject({
      method: 'POST',
      url: '/v1/sessions/revoke-others',
      headers: { cookie: user.cookie },
    });
    expectProblem(noCsrf, 403, 'csrf_token_invalid');
  });

  it('changes the password: other sessions end, the current one stays, only the new password signs in', async () => {
    const user = await signUpAndSignIn(platform.app);
    const other = await signInAgain(platform.app, user, { ip: '198.51.100.60' });
    const newPassword = 'a new and longer passphrase';

    const response = await platform.app.inject({
      method: 'POST',
      url: '/v1/account/password',
      headers: user.headers,
      payload: { current_password: user.password, new_password: newPassword },
    });
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect(await isSignedIn(platform.app, other)).toBe(false);
    expect(await isSignedIn(platform.app, user.headers)).toBe(true);

    const withOld = await platform.app.inject({
      method: 'POST',
      url: '/v1/sessions',
      payload: { email: user.email, password: user.password },
    });
    expectProblem(withOld, 401, 'invalid_credentials');
    await signInAgain(platform.app, user, { password: newPassword });

    const audit = await listAudit(platform.app, user);
    expect(audit.find((event) => event.action === 'account.password_changed')).toMatchObject({
      details: { sessions_ended: 1 },
    });
    expect(audit.find((event) => event.action === 'session.revoked')).toMatchObject({
      details: { reason: 'password_changed' },
    });
    expect(JSON.stringify(audit)).not.toContain(newPassword);
  });

  it('refuses a wrong current password with current_password_incorrect, changing nothing', async () => {
    const user = await signUpAndSignIn(platform.app);
    const other = await signInAgain(platform.app, user, { ip: '198.51.100.70' });

    const response = await platform.app.inject({
      method: 'POST',
      url: '/v1/account/password',
      headers: user.headers,
      payload: { current_password: 'not the password', new_password: 'a new and longer passphrase' },
    });
    expectProblem(response, 403, 'current_password_incorrect');
    expect(await isSignedIn(platform.app, other)).toBe(true);
    expect(await isSignedIn(platform.app, user.headers)).toBe(true);
    await signInAgain(platform.app, user);
    const audit = await listAudit(platform.app, user);
    expect(audit.map((event) => event.action)).toContain('account.password_change_failed');
    expect(audit.map((event) => event.action)).not.toContain('account.password_changed');
  });

  it('holds the new password to the sign-up rules', async () => {
    const user = await signUpAndSignIn(platform.app);
    const short = await platform.app.inject({
      method: 'POST',
      url: '/v1/account/password',
      headers: user.headers,
      payload: { current_password: user.password, new_password: 'short' },
    });
    expectFieldError(short, 'new_password');
    const missing = await platform.app.inject({
      method: 'POST',
      url: '/v1/account/password',
      headers: user.headers,
      payload: { new_password: 'long enough password' },
    });
    expectProblem(missing, 400, 'validation_failed');
    await signInAgain(platform.app, user);
  });
});

describe('idle console sessions', () => {
  let platform: TestPlatform;
  const clock = new ManualClock('2026-03-01T09:00:00.000Z');
  beforeAll(async () => {
    platform = await createTestPlatform({ clock });
  });
  afterAll(async () => platform.close());

  it('end after 14 days without a request, and a request in between keeps them alive', async () => {
    const kept = await signUpAndSignIn(platform.app);
    const idle = await signInAgain(platform.app, kept, { ip: '198.51.100.80' });

    clock.advance(13 * DAY);
    expect(await isSignedIn(platform.app, kept.headers)).toBe(true);
    const seen = (await listSessions(platform.app, kept.headers)).find((s) => s.current)!;
    expect(seen.last_seen_at).toBe(clock.now().toISOString());

    clock.advance(DAY + 1000);
    expect(await isSignedIn(platform.app, idle)).toBe(false);
    expect(await isSignedIn(platform.app, kept.headers)).toBe(true);
    expect(await listSessions(platform.app, kept.headers)).toHaveLength(1);
  });

  it('records last seen at most once a minute', async () => {
    const user = await signUpAndSignIn(platform.app);
    const first = (await listSessions(platform.app, user.headers))[0]!.last_seen_at;
    clock.advance(30_000);
    expect((await listSessions(platform.app, user.headers))[0]!.last_seen_at).toBe(first);
    clock.advance(31_000);
    expect((await listSessions(platform.app, user.headers))[0]!.last_seen_at).toBe(clock.now().toISOString());
  });

  it('end 30 days after sign-in however active', async () => {
    const user = await signUpAndSignIn(platform.app);
    for (let day = 0; day < 29; day += 1) {
      clock.advance(DAY);
      expect(await isSignedIn(platform.app, user.headers)).toBe(true);
    }
    clock.advance(DAY);
    expect(await isSignedIn(platform.app, user.headers)).toBe(false);
  });
});

describeEachDialect('changing the password needs a recent sign-in or re-authentication', (dialect) => {
  let platform: TestPlatform;
  const clock = new ManualClock(new Date());
  beforeAll(async () => {
    platform = await createTestPlatform({ dialect, clock });
  });
  afterAll(async () => platform.close());

  const change = (user: ConsoleUser, current: string, next: string) =>
    platform.app.inject({
      method: 'POST',
      url: '/v1/account/password',
      headers: user.headers,
      payload: { current_password: current, new_password: next },
    });

  it('refuses with reauth_required eleven minutes after sign-in, changing nothing, and goes ahead after re-authentication', async () => {
    const user = await signUpAndSignIn(platform.app);
    const other = await signInAgain(platform.app, user, { ip: '198.51.100.90' });
    clock.advance(11 * 60_000);
    const newPassword = 'a re-authenticated passphrase';

    expectProblem(await change(user, user.password, newPassword), 403, 'reauth_required');
    expect(await isSignedIn(platform.app, other)).toBe(true);
    await signInAgain(platform.app, user);

    const reauth = await platform.app.inject({
      method: 'POST',
      url: '/v1/sessions/current/reauth',
      headers: user.headers,
      payload: { password: user.password },
    });
    expect(reauth.statusCode).toBe(204);
    // The current password is still checked after re-authentication.
    expectProblem(await change(user, 'not the password', newPassword), 403, 'current_password_incorrect');
    expect((await change(user, user.password, newPassword)).statusCode).toBe(204);
    expect(await isSignedIn(platform.app, other)).toBe(false);
    await signInAgain(platform.app, user, { password: newPassword });

    const actions = (await listAudit(platform.app, user)).map((event) => event.action);
    expect(actions).toContain('account.password_changed');
  });

  it('allows it at once in a session signed in less than ten minutes ago', async () => {
    const user = await signUpAndSignIn(platform.app);
    clock.advance(9 * 60_000);
    expect((await change(user, user.password, 'fresh session passphrase')).statusCode).toBe(204);
  });
});

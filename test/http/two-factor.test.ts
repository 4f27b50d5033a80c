import { readFileSync, existsSync } from 'node:fs';
import type { InjectOptions } from 'fastify';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AesGcmSecretBox } from '../../src/adapters/crypto/aes-gcm-secret-box.js';
import { ManualClock } from '../../src/core/clock.js';
import {
  bearer,
  createTestPlatform,
  createToken,
  sessionCookie,
  signUpAndSignIn,
  type ConsoleUser,
  type TestPlatform,
} from '../support/harness.js';
import { describeEachDialect, expectProblem, listAudit } from '../support/http.js';

const MINUTE = 60_000;

describeEachDialect('two-factor authentication over HTTP', (dialect) => {
  let platform: TestPlatform;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = new ManualClock(new Date());
    platform = await createTestPlatform({ dialect, clock });
  });
  afterAll(async () => platform.close());

  const inject = (options: InjectOptions) => platform.app.inject(options);

  /** The code an authenticator app holding `secret` shows now. */
  const codeOf = (secret: string, offsetMs = 0) =>
    TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: clock.now().getTime() + offsetMs });

  /** Moves to the next 30-second step, so that a new code is due. */
  const nextStep = () => clock.advance(30_000);

  /** Enrols and confirms an authenticator app for `user`. */
  async function enrol(user: ConsoleUser): Promise<{ secret: string; recoveryCodes: string[] }> {
    const started = await inject({ method: 'POST', url: '/v1/account/2fa/totp', headers: user.headers });
    expect(started.statusCode).toBe(200);
    const { secret } = started.json<{ secret: string }>();
    const confirmed = await inject({
      method: 'POST',
      url: '/v1/account/2fa/totp/confirm',
      headers: user.headers,
      payload: { code: codeOf(secret) },
    });
    expect(confirmed.statusCode).toBe(200);
    nextStep();
    return { secret, recoveryCodes: confirmed.json<{ recovery_codes: string[] }>().recovery_codes };
  }

  const signIn = (user: ConsoleUser, extra: Record<string, string> = {}) =>
    inject({
      method: 'POST',
      url: '/v1/sessions',
      payload: { email: user.email, password: user.password, ...extra },
    });

  /** A session signed in more than ten minutes ago: sensitive actions need re-authentication. */
  const staleSession = async () => {
    const user = await signUpAndSignIn(platform.app);
    clock.advance(11 * MINUTE);
    return user;
  };

  const reauth = (user: ConsoleUser, payload: Record<string, string>) =>
    inject({ method: 'POST', url: '/v1/sessions/current/reauth', headers: user.headers, payload });

  it('enrolment answers a base32 secret and an otpauth URI for issuer Skytells labelled with the email', async () => {
    const user = await signUpAndSignIn(platform.app);
    const response = await inject({ method: 'POST', url: '/v1/account/2fa/totp', headers: user.headers });
    expect(response.statusCode).toBe(200);
    const { secret, otpauth_uri: uri } = response.json<{ secret: string; otpauth_uri: string }>();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const parsed = new URL(uri);
    expect(parsed.protocol).toBe('otpauth:');
    expect(decodeURIComponent(parsed.pathname)).toBe(`/Skytells:${user.email}`);
    expect(parsed.searchParams.get('secret')).toBe(secret);
    expect(parsed.searchParams.get('issuer')).toBe('Skytells');
    // Pending: not on until confirmed, and sign-in still needs no code.
    const status = await inject({ method: 'GET', url: '/v1/account/2fa', headers: user.headers });
    expect(status.json()).toEqual({
      enabled: false,
      totp: { enabled: false, created_at: null },
      recovery_codes: { remaining: 0 },
      passkeys: [],
    });
    expect((await signIn(user)).statusCode).toBe(201);
  });

  it('confirming with a wrong code is refused; the right code turns 2FA on and answers ten recovery codes once', async () => {
    const user = await signUpAndSignIn(platform.app);
    const noEnrolment = await inject({
      method: 'POST',
      url: '/v1/account/2fa/totp/confirm',
      headers: user.headers,
      payload: { code: '123456' },
    });
    expectProblem(noEnrolment, 409, 'totp_enrolment_missing');
    const started = await inject({ method: 'POST', url: '/v1/account/2fa/totp', headers: user.headers });
    const { secret } = started.json<{ secret: string }>();
    const wrong = await inject({
      method: 'POST',
      url: '/v1/account/2fa/totp/confirm',
      headers: user.headers,
      payload: { code: codeOf(secret, -5 * MINUTE) },
    });
    expectProblem(wrong, 400, 'totp_code_invalid');
    const confirmed = await inject({
      method: 'POST',
      url: '/v1/account/2fa/totp/confirm',
      headers: user.headers,
      payload: { code: codeOf(secret) },
    });
    expect(confirmed.statusCode).toBe(200);
    const codes = confirmed.json<{ recovery_codes: string[] }>().recovery_codes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[0-9a-z]{5}-[0-9a-z]{5}$/);

    const status = await inject({ method: 'GET', url: '/v1/account/2fa', headers: user.headers });
    expect(status.json()).toEqual({
      enabled: true,
      totp: { enabled: true, created_at: clock.now().toISOString() },
      recovery_codes: { remaining: 10 },
      passkeys: [],
    });
    expect(status.body).not.toContain(secret);
    const again = await inject({ method: 'POST', url: '/v1/account/2fa/totp', headers: user.headers });
    expectProblem(again, 409, 'two_factor_enabled');
    expect((await listAudit(platform.app, user)).map((event) => event.action)).toContain(
      'account.2fa_enabled',
    );
  });

  it('with 2FA on, email and password alone answer 401 second_factor_required naming the factors, and set no cookie', async () => {
    const user = await signUpAndSignIn(platform.app);
    await enrol(user);
    const response = await signIn(user);
    const problem = expectProblem(response, 401, 'second_factor_required');
    expect(response.json()).toMatchObject({ factors: ['totp', 'recovery_code'] });
    expect(problem.detail).not.toContain(user.password);
    expect(response.cookies).toHaveLength(0);
    // A wrong password still answers as a wrong password: the factors are named only after it.
    const wrongPassword = await inject({
      method: 'POST',
      url: '/v1/sessions',
      payload: { email: user.email, password: 'not the password' },
    });
    expectProblem(wrongPassword, 401, 'invalid_credentials');
  });

  it('signs in with the authenticator code, and the same code never works twice', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { secret } = await enrol(user);
    const code = codeOf(secret);
    const first = await signIn(user, { totp_code: code });
    expect(first.statusCode).toBe(201);
    expect(sessionCookie(first)).toMatch(/^skytells_session=/);

    const replay = await signIn(user, { totp_code: code });
    expectProblem(replay, 401, 'invalid_credentials');
    expect(replay.cookies).toHaveLength(0);
    // Still within the ±1 step window: the code is valid by time, refused only as a replay.
    clock.advance(20_000);
    expectProblem(await signIn(user, { totp_code: code }), 401, 'invalid_credentials');
    const actions = (await listAudit(platform.app, user)).map((event) => event.action);
    expect(actions).toContain('account.totp_replay_refused');

    nextStep();
    expect((await signIn(user, { totp_code: codeOf(secret) })).statusCode).toBe(201);
  });

  it('a wrong authenticator code is refused like a wrong password and counts towards the sign-in throttle', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { secret } = await enrol(user);
    const wrong = codeOf(secret, 10 * MINUTE);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const response = await signIn(user, { totp_code: wrong });
      expectProblem(response, 401, 'invalid_credentials');
      expect(response.json<{ detail: string }>().detail).toBe('Wrong email or password.');
    }
    const limited = await signIn(user, { totp_code: codeOf(secret) });
    expectProblem(limited, 429, 'rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    const failed = (await listAudit(platform.app, user)).filter((event) => event.action === 'session.failed');
    expect(failed.map((event) => event.details['reason'])).toContain('second_factor_invalid');
  });

  it('signs in with a recovery code, each code works once, and the count of remaining codes drops', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { recoveryCodes } = await enrol(user);
    const [first, second] = recoveryCodes as [string, string];
    expect((await signIn(user, { recovery_code: first })).statusCode).toBe(201);
    expectProblem(await signIn(user, { recovery_code: first }), 401, 'invalid_credentials');
    // Typed in capitals without the dash, it is the same code.
    expect((await signIn(user, { recovery_code: second.toUpperCase().replace('-', '') })).statusCode).toBe(
      201,
    );
    expectProblem(await signIn(user, { recovery_code: second }), 401, 'invalid_credentials');

    const status = await inject({ method: 'GET', url: '/v1/account/2fa', headers: user.headers });
    expect(status.json()).toMatchObject({ recovery_codes: { remaining: 8 } });
    const used = (await listAudit(platform.app, user)).filter(
      (event) => event.action === 'account.recovery_code_used',
    );
    expect(used.map((event) => event.details['remaining']).sort()).toEqual([8, 9]);
    // Another account's recovery code is no code of this one.
    const other = await signUpAndSignIn(platform.app);
    const { recoveryCodes: othersCodes } = await enrol(other);
    expectProblem(await signIn(user, { recovery_code: othersCodes[0] ?? '' }), 401, 'invalid_credentials');
  });

  it('sending both a TOTP code and a recovery code is a validation error', async () => {
    const user = await signUpAndSignIn(platform.app);
    const response = await signIn(user, { totp_code: '123456', recovery_code: 'abcde-fghjk' });
    expectProblem(response, 400, 'validation_failed');
  });

  it('turning 2FA off needs re-authentication; with it, sign-in needs only the password again', async () => {
    const user = await staleSession();
    const { secret } = await enrol(user);
    const refused = await inject({ method: 'DELETE', url: '/v1/account/2fa', headers: user.headers });
    expectProblem(refused, 403, 'reauth_required');
    expect(
      (await inject({ method: 'GET', url: '/v1/account/2fa', headers: user.headers })).json(),
    ).toMatchObject({
      enabled: true,
    });

    expectProblem(await reauth(user, { password: 'not the password' }), 403, 'reauth_failed');
    expect((await reauth(user, { password: user.password })).statusCode).toBe(204);
    const disabled = await inject({ method: 'DELETE', url: '/v1/account/2fa', headers: user.headers });
    expect(disabled.statusCode).toBe(204);
    expect((await signIn(user)).statusCode).toBe(201);
    // A code of the removed app is ignored, as for any account without 2FA.
    expect((await signIn(user, { totp_code: codeOf(secret) })).statusCode).toBe(201);
    const actions = (await listAudit(platform.app, user)).map((event) => event.action);
    expect(actions).toEqual(
      expect.arrayContaining(['session.reauth_failed', 'session.reauthenticated', 'account.2fa_disabled']),
    );
  });

  it('re-authentication lasts ten minutes', async () => {
    const user = await staleSession();
    await enrol(user);
    expect((await reauth(user, { password: user.password })).statusCode).toBe(204);
    clock.advance(10 * MINUTE + 1000);
    const late = await inject({
      method: 'POST',
      url: '/v1/account/2fa/recovery-codes',
      headers: user.headers,
    });
    expectProblem(late, 403, 'reauth_required');
  });

  it('regenerating recovery codes needs re-authentication, by authenticator code too, and retires the old codes', async () => {
    const user = await staleSession();
    const { secret, recoveryCodes } = await enrol(user);
    const refused = await inject({
      method: 'POST',
      url: '/v1/account/2fa/recovery-codes',
      headers: user.headers,
    });
    expectProblem(refused, 403, 'reauth_required');

    const code = codeOf(secret);
    expect((await reauth(user, { totp_code: code })).statusCode).toBe(204);
    // The code that re-authenticated is spent.
    expectProblem(await reauth(user, { totp_code: code }), 403, 'reauth_failed');
    const renewed = await inject({
      method: 'POST',
      url: '/v1/account/2fa/recovery-codes',
      headers: user.headers,
    });
    expect(renewed.statusCode).toBe(200);
    const fresh = renewed.json<{ recovery_codes: string[] }>().recovery_codes;
    expect(fresh).toHaveLength(10);
    expect(fresh).not.toContain(recoveryCodes[0]);
    expectProblem(await signIn(user, { recovery_code: recoveryCodes[0] ?? '' }), 401, 'invalid_credentials');
    expect((await signIn(user, { recovery_code: fresh[0] ?? '' })).statusCode).toBe(201);
  });

  it('regenerating recovery codes without 2FA is a 409', async () => {
    const user = await signUpAndSignIn(platform.app);
    const response = await inject({
      method: 'POST',
      url: '/v1/account/2fa/recovery-codes',
      headers: user.headers,
    });
    expectProblem(response, 409, 'two_factor_disabled');
  });

  it('re-authentication takes the password or a code, not neither nor both, and a TOTP code only with 2FA on', async () => {
    const user = await signUpAndSignIn(platform.app);
    expectProblem(await reauth(user, {}), 400, 'validation_failed');
    expectProblem(
      await reauth(user, { password: user.password, totp_code: '123456' }),
      400,
      'validation_failed',
    );
    expectProblem(await reauth(user, { totp_code: '123456' }), 403, 'reauth_failed');
    const token = await createToken(platform.app, user);
    const byToken = await inject({
      method: 'POST',
      url: '/v1/sessions/current/reauth',
      headers: bearer(token.token),
      payload: { password: user.password },
    });
    expectProblem(byToken, 403, 'session_required');
  });

  it('a token that never expires needs a recent sign-in or re-authentication from the console', async () => {
    const fresh = await signUpAndSignIn(platform.app);
    const createNever = (user: ConsoleUser, name: string) =>
      inject({
        method: 'POST',
        url: '/v1/tokens',
        headers: user.headers,
        payload: { name, scopes: ['tokens:read'], expires: 'never' },
      });
    // Signed in a moment ago: signing in is authentication.
    expect((await createNever(fresh, 'just signed in')).statusCode).toBe(201);

    const user = await staleSession();
    const refused = await createNever(user, 'stale');
    expectProblem(refused, 403, 'reauth_required');
    // A token with an expiry needs no re-authentication.
    expect((await createToken(platform.app, user, { expires_in_days: 30 })).id).toMatch(/^tok_/);
    expect((await reauth(user, { password: user.password })).statusCode).toBe(204);
    expect((await createNever(user, 'after reauth')).statusCode).toBe(201);
  });

  it('rotating into a token that never expires needs re-authentication too', async () => {
    const fresh = await signUpAndSignIn(platform.app);
    const never = await createToken(platform.app, fresh, { expires_in_days: undefined, expires: 'never' });
    clock.advance(11 * MINUTE);
    const rotate = () =>
      inject({ method: 'POST', url: `/v1/tokens/${never.id}/rotate`, headers: fresh.headers, payload: {} });
    expectProblem(await rotate(), 403, 'reauth_required');
    expect((await reauth(fresh, { password: fresh.password })).statusCode).toBe(204);
    expect((await rotate()).statusCode).toBe(201);
  });

  it('an access token is no session: it is not asked to re-authenticate, and stays within its own lifetime', async () => {
    const user = await signUpAndSignIn(platform.app);
    const never = await createToken(platform.app, user, {
      scopes: ['tokens:write', 'apps:write'],
      expires_in_days: undefined,
      expires: 'never',
    });
    const monthly = await createToken(platform.app, user, { scopes: ['tokens:write'] });
    clock.advance(11 * MINUTE);
    const byNever = await inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: bearer(never.token),
      payload: { name: 'from a token', scopes: ['tokens:write'], expires: 'never' },
    });
    expect(byNever.statusCode).toBe(201);
    const byMonthly = await inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: bearer(monthly.token),
      payload: { name: 'outliving', scopes: ['tokens:write'], expires: 'never' },
    });
    expectProblem(byMonthly, 403, 'lifetime_exceeds_caller');
    const app = await inject({
      method: 'POST',
      url: '/v1/apps',
      headers: bearer(never.token),
      payload: { name: 'CI app', redirect_uris: ['https://ci.example.com/callback'] },
    });
    expect(app.statusCode).toBe(201);
  });

  it('registering an OAuth application needs re-authentication from a stale session', async () => {
    const user = await staleSession();
    const register = () =>
      inject({
        method: 'POST',
        url: '/v1/apps',
        headers: user.headers,
        payload: { name: 'Dashboard', redirect_uris: ['https://dashboard.example.com/callback'] },
      });
    expectProblem(await register(), 403, 'reauth_required');
    expect((await reauth(user, { password: user.password })).statusCode).toBe(204);
    expect((await register()).statusCode).toBe(201);
  });

  it('failed re-authentications count towards the throttle', async () => {
    const user = await signUpAndSignIn(platform.app);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expectProblem(await reauth(user, { password: `wrong ${attempt}` }), 403, 'reauth_failed');
    }
    expectProblem(await reauth(user, { password: user.password }), 429, 'rate_limited');
  });

  /** Seals the account's stored app secret anew under another server secret, as after a secret change. */
  async function resealUnderAnotherSecret(user: ConsoleUser): Promise<void> {
    const other = new AesGcmSecretBox('a different server secret, 32+ characters long', 'totp-secret');
    await platform.database.db
      .updateTable('totp_factors')
      .set({ secret_sealed: other.seal(new Uint8Array(20).fill(7), user.accountId) })
      .where('account_id', '=', user.accountId)
      .execute();
  }

  it('an authenticator secret sealed under another server secret answers totp_secret_unreadable, not a wrong code', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { secret } = await enrol(user);
    await resealUnderAnotherSecret(user);

    const signedIn = await signIn(user, { totp_code: codeOf(secret) });
    expectProblem(signedIn, 500, 'totp_secret_unreadable');
    expect(signedIn.json<{ detail: string }>().detail).toContain('SKYTELLS_SECRET');
    // Only after the right password: a wrong one still answers as always.
    const wrongPassword = await inject({
      method: 'POST',
      url: '/v1/sessions',
      payload: { email: user.email, password: 'not the password', totp_code: codeOf(secret) },
    });
    expectProblem(wrongPassword, 401, 'invalid_credentials');
    expectProblem(await reauth(user, { totp_code: codeOf(secret) }), 500, 'totp_secret_unreadable');
    // The password still re-authenticates, and 2FA can be turned off and set up again.
    expect((await reauth(user, { password: user.password })).statusCode).toBe(204);
    expect(
      (await inject({ method: 'DELETE', url: '/v1/account/2fa', headers: user.headers })).statusCode,
    ).toBe(204);
    expect((await signIn(user)).statusCode).toBe(201);
    await enrol(user);
  });

  it('a pending set-up sealed under another server secret asks to start again', async () => {
    const user = await signUpAndSignIn(platform.app);
    const started = await inject({ method: 'POST', url: '/v1/account/2fa/totp', headers: user.headers });
    const { secret } = started.json<{ secret: string }>();
    await resealUnderAnotherSecret(user);
    const confirmed = await inject({
      method: 'POST',
      url: '/v1/account/2fa/totp/confirm',
      headers: user.headers,
      payload: { code: codeOf(secret) },
    });
    expectProblem(confirmed, 409, 'totp_enrolment_missing');
    await enrol(user);
  });

  if (dialect === 'sqlite') {
    it('the authenticator secret is not in the SQLite file or its WAL in plain', async () => {
      const user = await signUpAndSignIn(platform.app);
      const { secret } = await enrol(user);
      const target = platform.target;
      if (target.dialect !== 'sqlite') throw new Error('expected SQLite');
      const raw = Buffer.from(Secret.fromBase32(secret).bytes);
      const files = [target.file, `${target.file}-wal`].filter((file) => existsSync(file));
      expect(files).toContain(target.file);
      let sawCiphertext = false;
      for (const file of files) {
        const bytes = readFileSync(file);
        expect(bytes.includes(Buffer.from(secret)), `${file} holds the base32 secret`).toBe(false);
        expect(bytes.includes(Buffer.from(secret.toLowerCase())), `${file} holds the base32 secret`).toBe(
          false,
        );
        expect(bytes.includes(raw), `${file} holds the raw secret`).toBe(false);
        expect(bytes.includes(Buffer.from(raw.toString('base64url'))), `${file} holds it in base64`).toBe(
          false,
        );
        expect(bytes.includes(Buffer.from(raw.toString('hex'))), `${file} holds it in hex`).toBe(false);
        sawCiphertext ||= bytes.includes(Buffer.from('v1.'));
      }
      // The row is there, sealed: the search above looked where the secret would be.
      expect(sawCiphertext).toBe(true);
    });
  }
});

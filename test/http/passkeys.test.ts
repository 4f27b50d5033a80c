import type { InjectOptions } from 'fastify';
import { Secret, TOTP } from 'otpauth';
import type { WebAuthnCreationOptions, WebAuthnRequestOptions } from '@skytells/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { SoftwareAuthenticator } from '../support/software-authenticator.js';

const MINUTE = 60_000;
const PUBLIC_URL = 'http://localhost:8080';

describeEachDialect('passkeys (WebAuthn) over HTTP', (dialect) => {
  let platform: TestPlatform;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = new ManualClock(new Date());
    platform = await createTestPlatform({ dialect, clock, env: { SKYTELLS_PUBLIC_URL: PUBLIC_URL } });
  });
  afterAll(async () => platform.close());

  const inject = (options: InjectOptions) => platform.app.inject(options);

  const creationOptions = async (user: ConsoleUser) => {
    const response = await inject({
      method: 'POST',
      url: '/v1/account/2fa/webauthn/options',
      headers: user.headers,
    });
    expect(response.statusCode).toBe(200);
    return response.json<WebAuthnCreationOptions>();
  };

  const register = (user: ConsoleUser, name: string, response: unknown) =>
    inject({
      method: 'POST',
      url: '/v1/account/2fa/webauthn',
      headers: user.headers,
      payload: { name, response },
    });

  /** Registers a new software authenticator of `user` as passkey `name`. */
  async function addPasskey(user: ConsoleUser, name = 'Laptop') {
    const authenticator = new SoftwareAuthenticator(PUBLIC_URL);
    const response = await register(user, name, authenticator.create(await creationOptions(user)));
    expect(response.statusCode).toBe(201);
    return {
      authenticator,
      passkey: response.json<{ id: string; name: string; created_at: string; recovery_codes?: string[] }>(),
    };
  }

  const signIn = (user: ConsoleUser, extra: Record<string, unknown> = {}) =>
    inject({
      method: 'POST',
      url: '/v1/sessions',
      payload: { email: user.email, password: user.password, ...extra },
    });

  /** The request options that the password step answers with. */
  const requestOptions = async (user: ConsoleUser) => {
    const response = await signIn(user);
    expectProblem(response, 401, 'second_factor_required');
    return response.json<{ webauthn: WebAuthnRequestOptions }>().webauthn;
  };

  const signInWith = async (user: ConsoleUser, authenticator: SoftwareAuthenticator) =>
    signIn(user, { webauthn_response: authenticator.get(await requestOptions(user)) });

  const status = async (user: ConsoleUser) =>
    (await inject({ method: 'GET', url: '/v1/account/2fa', headers: user.headers })).json<{
      enabled: boolean;
      recovery_codes: { remaining: number };
      passkeys: { id: string; name: string; created_at: string }[];
    }>();

  const actions = async (user: ConsoleUser) =>
    (await listAudit(platform.app, user)).map((event) => event.action);

  it('creation options name the RP by the public URL host, the account by its email, and exclude passkeys it has', async () => {
    const user = await signUpAndSignIn(platform.app);
    const options = await creationOptions(user);
    expect(options.rp).toEqual({ id: 'localhost', name: 'Skytells' });
    expect(options.user.name).toBe(user.email);
    expect(Buffer.from(options.user.id, 'base64url').toString()).toBe(user.accountId);
    expect(options.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(options.pubKeyCredParams.map((param) => param.alg)).toContain(-7);
    expect(options.excludeCredentials).toEqual([]);
    expect(options.authenticatorSelection).toMatchObject({ userVerification: 'preferred' });

    const { authenticator } = await addPasskey(user);
    const again = await creationOptions(user);
    expect(again.challenge).not.toBe(options.challenge);
    expect(again.excludeCredentials).toHaveLength(1);
    // The authenticator that holds the excluded credential refuses to make a second one.
    expect(() => authenticator.create(again)).toThrow();
  });

  it('the first passkey turns 2FA on and answers ten recovery codes once; a second one answers none', async () => {
    const user = await signUpAndSignIn(platform.app);
    const first = await addPasskey(user, '  YubiKey 5C  ');
    expect(first.passkey).toEqual({
      id: expect.stringMatching(/^pky_/),
      name: 'YubiKey 5C',
      created_at: clock.now().toISOString(),
      recovery_codes: expect.any(Array),
    });
    expect(new Set(first.passkey.recovery_codes).size).toBe(10);
    clock.advance(1000);
    const second = await addPasskey(user, 'Phone');
    expect(second.passkey.recovery_codes).toBeUndefined();

    const listed = await status(user);
    expect(listed).toMatchObject({
      enabled: true,
      totp: { enabled: false },
      recovery_codes: { remaining: 10 },
    });
    expect(listed.passkeys.map((passkey) => passkey.name)).toEqual(['YubiKey 5C', 'Phone']);
    expect(listed.passkeys[0]).toEqual({
      id: first.passkey.id,
      name: 'YubiKey 5C',
      created_at: first.passkey.created_at,
    });
    expect(await actions(user)).toEqual(
      expect.arrayContaining(['account.passkey_added', 'account.2fa_enabled']),
    );
    // A recovery code signs in in place of the passkey.
    expect((await signIn(user, { recovery_code: first.passkey.recovery_codes?.[0] })).statusCode).toBe(201);
  });

  it('a challenge works once, for the session that asked for it, for five minutes, from the public origin only', async () => {
    const user = await signUpAndSignIn(platform.app);
    // A second session of the same account, signed in before 2FA is on.
    const otherSession = await signIn(user);
    const other: ConsoleUser = {
      ...user,
      cookie: sessionCookie(otherSession),
      csrf: otherSession.json<{ csrf_token: string }>().csrf_token,
    };
    other.headers = { cookie: other.cookie, 'x-csrf-token': other.csrf };
    const authenticator = new SoftwareAuthenticator(PUBLIC_URL);

    const response = authenticator.create(await creationOptions(user));
    expect((await register(user, 'Key', response)).statusCode).toBe(201);
    expectProblem(await register(user, 'Key again', response), 400, 'webauthn_response_invalid');

    // The other session cannot answer this session's challenge.
    const foreign = new SoftwareAuthenticator(PUBLIC_URL).create(await creationOptions(user));
    expectProblem(await register(other, 'Key', foreign), 400, 'webauthn_response_invalid');

    const late = new SoftwareAuthenticator(PUBLIC_URL).create(await creationOptions(user));
    clock.advance(5 * MINUTE + 1000);
    expectProblem(await register(user, 'Key', late), 400, 'webauthn_response_invalid');

    const elsewhere = new SoftwareAuthenticator('http://localhost:9999').create(await creationOptions(user));
    expectProblem(await register(user, 'Key', elsewhere), 400, 'webauthn_response_invalid');
    expect((await status(user)).passkeys).toHaveLength(1);
  });

  it('a passkey needs a name, and only a console session registers one', async () => {
    const user = await signUpAndSignIn(platform.app);
    const response = new SoftwareAuthenticator(PUBLIC_URL).create(await creationOptions(user));
    const unnamed = await register(user, '   ', response);
    expectProblem(unnamed, 400, 'validation_failed');
    const { token } = await createToken(platform.app, user, { scopes: ['account:write'] });
    const byToken = await inject({
      method: 'POST',
      url: '/v1/account/2fa/webauthn/options',
      headers: bearer(token),
    });
    expectProblem(byToken, 403, 'session_required');
  });

  it('sign-in asks for the passkey with request options, and signs in with its assertion', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { authenticator } = await addPasskey(user);
    const response = await signIn(user);
    expectProblem(response, 401, 'second_factor_required');
    expect(response.cookies).toHaveLength(0);
    const body = response.json<{ factors: string[]; webauthn: WebAuthnRequestOptions }>();
    expect(body.factors).toEqual(['webauthn', 'recovery_code']);
    expect(body.webauthn).toMatchObject({ rpId: 'localhost', userVerification: 'preferred' });
    expect(body.webauthn.allowCredentials).toHaveLength(1);

    const assertion = authenticator.get(body.webauthn);
    const signedIn = await signIn(user, { webauthn_response: assertion });
    expect(signedIn.statusCode).toBe(201);
    expect(sessionCookie(signedIn)).toMatch(/^skytells_session=/);
    // The same assertion again: its challenge is spent.
    expectProblem(await signIn(user, { webauthn_response: assertion }), 401, 'invalid_credentials');
    // Each sign-in gets a challenge of its own.
    expect((await signInWith(user, authenticator)).statusCode).toBe(201);
  });

  it("a passkey of another account, or an assertion for another account's challenge, is refused", async () => {
    const alice = await signUpAndSignIn(platform.app);
    const bob = await signUpAndSignIn(platform.app);
    await addPasskey(alice);
    const { authenticator: bobsKey } = await addPasskey(bob);
    const aliceOptions = await requestOptions(alice);
    // Bob's authenticator answers Alice's challenge with Bob's credential.
    const crossed = bobsKey.get({ ...aliceOptions, allowCredentials: [] });
    expectProblem(await signIn(alice, { webauthn_response: crossed }), 401, 'invalid_credentials');
    // Bob's own challenge, sent with Alice's password, is not hers either.
    const bobs = bobsKey.get(await requestOptions(bob));
    expectProblem(await signIn(alice, { webauthn_response: bobs }), 401, 'invalid_credentials');
    const failures = (await listAudit(platform.app, alice)).filter(
      (event) => event.action === 'session.failed',
    );
    expect(failures.map((event) => event.details)).toContainEqual({ reason: 'second_factor_invalid' });
  });

  it('a signature counter that does not move forward (a cloned authenticator) is refused and audited', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { authenticator } = await addPasskey(user);
    expect((await signInWith(user, authenticator)).statusCode).toBe(201);
    const clone = authenticator.snapshot();
    expect((await signInWith(user, authenticator)).statusCode).toBe(201);

    authenticator.restore(clone);
    const refused = await signInWith(user, authenticator);
    expectProblem(refused, 401, 'invalid_credentials');
    const events = await listAudit(platform.app, user);
    const event = events.find((entry) => entry.action === 'account.passkey_counter_refused');
    expect(event).toMatchObject({ details: { name: 'Laptop', stored_count: 2, presented_count: 2 } });
    // The genuine authenticator, ahead of the clone, goes on working.
    expect((await signInWith(user, authenticator)).statusCode).toBe(201);
  });

  it('removing a passkey needs re-authentication; removing the last one turns 2FA off', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { passkey } = await addPasskey(user);
    clock.advance(11 * MINUTE);
    const url = `/v1/account/2fa/webauthn/${passkey.id}`;
    expectProblem(await inject({ method: 'DELETE', url, headers: user.headers }), 403, 'reauth_required');
    expect((await status(user)).passkeys).toHaveLength(1);

    const reauth = await inject({
      method: 'POST',
      url: '/v1/sessions/current/reauth',
      headers: user.headers,
      payload: { password: user.password },
    });
    expect(reauth.statusCode).toBe(204);
    expect((await inject({ method: 'DELETE', url, headers: user.headers })).statusCode).toBe(204);
    expectProblem(await inject({ method: 'DELETE', url, headers: user.headers }), 404, 'not_found');
    expect(await status(user)).toMatchObject({
      enabled: false,
      passkeys: [],
      recovery_codes: { remaining: 0 },
    });
    expect((await signIn(user)).statusCode).toBe(201);
    expect(await actions(user)).toEqual(
      expect.arrayContaining(['account.passkey_removed', 'account.2fa_disabled']),
    );
  });

  it('e-mails the owner when a passkey is added and removed, in the transaction of the change', async () => {
    const user = await signUpAndSignIn(platform.app);
    const mails = async () =>
      (
        await platform.database.db
          .selectFrom('mail_outbox')
          .select(['kind', 'subject', 'text_body'])
          .where('account_id', '=', user.accountId)
          .orderBy('created_at')
          .execute()
      ).filter((mail) => mail.kind.startsWith('passkey_'));
    const { passkey: phone } = await addPasskey(user, 'Phone');
    const { passkey: laptop } = await addPasskey(user, 'Work laptop');
    expect((await mails()).map((mail) => mail.subject)).toEqual([
      'A passkey was added to your Skytells account',
      'A passkey was added to your Skytells account',
    ]);
    expect((await mails())[1]!.text_body).toContain('"Work laptop"');

    for (const id of [phone.id, laptop.id]) {
      const removed = await inject({
        method: 'DELETE',
        url: `/v1/account/2fa/webauthn/${id}`,
        headers: user.headers,
      });
      expect(removed.statusCode).toBe(204);
    }
    const [, , first, last] = await mails();
    expect(first).toMatchObject({
      kind: 'passkey_removed',
      subject: 'A passkey was removed from your Skytells account',
    });
    expect(first!.text_body).toContain('"Phone"');
    // The last factor gone: the message says 2FA is off.
    expect(last).toMatchObject({
      kind: 'passkey_removed',
      subject: 'Two-factor authentication was turned off for your Skytells account',
    });
    expect(last!.text_body).toContain('the password alone now signs in');
  });

  it('re-authenticates with a passkey, for options of this session only, each challenge once', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { authenticator, passkey } = await addPasskey(user);
    clock.advance(11 * MINUTE);
    const reauthOptions = async (who: ConsoleUser) => {
      const response = await inject({
        method: 'POST',
        url: '/v1/sessions/current/reauth/webauthn/options',
        headers: who.headers,
      });
      expect(response.statusCode).toBe(200);
      return response.json<WebAuthnRequestOptions>();
    };
    const reauth = (payload: Record<string, unknown>) =>
      inject({ method: 'POST', url: '/v1/sessions/current/reauth', headers: user.headers, payload });

    // Options for a sign-in are not options for this session.
    const forSignIn = authenticator.get(await requestOptions(user));
    expectProblem(await reauth({ webauthn_response: forSignIn }), 403, 'reauth_failed');

    const assertion = authenticator.get(await reauthOptions(user));
    expectProblem(
      await reauth({ webauthn_response: assertion, password: user.password }),
      400,
      'validation_failed',
    );
    expect((await reauth({ webauthn_response: assertion })).statusCode).toBe(204);
    expectProblem(await reauth({ webauthn_response: assertion }), 403, 'reauth_failed');
    const removed = await inject({
      method: 'DELETE',
      url: `/v1/account/2fa/webauthn/${passkey.id}`,
      headers: user.headers,
    });
    expect(removed.statusCode).toBe(204);
    const events = await listAudit(platform.app, user);
    expect(events.find((event) => event.action === 'session.reauthenticated')).toMatchObject({
      details: { method: 'webauthn' },
    });
  });

  it("another account's passkey id is not found", async () => {
    const owner = await signUpAndSignIn(platform.app);
    const { passkey } = await addPasskey(owner);
    const stranger = await signUpAndSignIn(platform.app);
    const response = await inject({
      method: 'DELETE',
      url: `/v1/account/2fa/webauthn/${passkey.id}`,
      headers: stranger.headers,
    });
    expectProblem(response, 404, 'not_found');
    expect((await status(owner)).passkeys).toHaveLength(1);
  });

  it('with an authenticator app too, sign-in offers both, and turning 2FA off removes the passkeys', async () => {
    const user = await signUpAndSignIn(platform.app);
    await addPasskey(user);
    const started = await inject({ method: 'POST', url: '/v1/account/2fa/totp', headers: user.headers });
    expect(started.statusCode).toBe(200);
    const { secret } = started.json<{ secret: string }>();
    const code = TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: clock.now().getTime() });
    const confirmed = await inject({
      method: 'POST',
      url: '/v1/account/2fa/totp/confirm',
      headers: user.headers,
      payload: { code },
    });
    expect(confirmed.statusCode).toBe(200);
    const response = await signIn(user);
    expect(response.json()).toMatchObject({ factors: ['totp', 'webauthn', 'recovery_code'] });

    const off = await inject({ method: 'DELETE', url: '/v1/account/2fa', headers: user.headers });
    expect(off.statusCode).toBe(204);
    expect(await status(user)).toMatchObject({ enabled: false, passkeys: [] });
    expect((await signIn(user)).statusCode).toBe(201);
  });

  it('sending two factors at once is a validation error', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { authenticator } = await addPasskey(user);
    const assertion = authenticator.get(await requestOptions(user));
    const both = await signIn(user, { webauthn_response: assertion, recovery_code: 'aaaaa-bbbbb' });
    expectProblem(both, 400, 'validation_failed');
  });
});

describe('passkeys when the public URL is an IP address', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform({ env: { SKYTELLS_PUBLIC_URL: 'http://127.0.0.1:8080' } });
  });
  afterAll(async () => platform.close());

  it('answers 409 passkeys_unavailable naming the setting, as browsers make no passkey for an address', async () => {
    const user = await signUpAndSignIn(platform.app);
    const response = await platform.app.inject({
      method: 'POST',
      url: '/v1/account/2fa/webauthn/options',
      headers: user.headers,
    });
    const problem = expectProblem(response, 409, 'passkeys_unavailable');
    expect(problem.detail).toContain('SKYTELLS_PUBLIC_URL');
  });
});

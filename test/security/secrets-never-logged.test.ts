import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/main/logger.js';
import {
  bearer,
  createTestPlatform,
  createToken,
  signUpAndSignIn,
  type TestPlatform,
} from '../support/harness.js';
import { unissuedToken, withBadChecksum } from '../support/http.js';
import { MemoryLog } from '../support/memory-log.js';

describe('secrets never reach the logs', () => {
  let platform: TestPlatform;
  const log = new MemoryLog();
  beforeAll(async () => {
    platform = await createTestPlatform({ logger: createLogger('trace', log) });
  });
  afterAll(async () => platform.close());

  /** Asserts that no log line holds any of `secrets`, nor the random part of a token among them. */
  function expectAbsent(secrets: string[]): void {
    expect(log.lines.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(7);
      const needles = secret.startsWith('skt_') ? [secret, secret.slice(8, 36)] : [secret];
      for (const needle of needles) {
        const leaking = log.lines.filter((line) => line.includes(needle));
        expect({ secret: needle, leaking }).toEqual({ secret: needle, leaking: [] });
      }
    }
  }

  it('a whole session of sign-up, sign-in, token work and failures at level trace logs no secret', async () => {
    const { app } = platform;
    const user = await signUpAndSignIn(app);
    const wrongPassword = 'not-the-password-9f8e7d';
    await app.inject({
      method: 'POST',
      url: '/v1/sessions',
      payload: { email: user.email, password: wrongPassword },
    });
    await app.inject({
      method: 'POST',
      url: '/v1/sessions',
      payload: { email: 'nobody@example.com', password: wrongPassword },
    });

    const token = await createToken(app, user, { scopes: ['tokens:write', 'audit:read'] });
    await app.inject({ method: 'GET', url: '/v1/tokens/self', headers: bearer(token.token) });
    await app.inject({ method: 'GET', url: '/v1/audit', headers: bearer(token.token) });
    const child = await app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: bearer(token.token),
      payload: { name: 'child', scopes: ['tokens:read'], expires_in_days: 1 },
    });
    const rotated = await app.inject({
      method: 'POST',
      url: `/v1/tokens/${token.id}/rotate`,
      headers: user.headers,
      payload: { revoke_old_after_seconds: 0 },
    });
    const fresh = rotated.json<{ id: string; token: string }>();
    // Refused requests: revoked, malformed, unknown, insufficient scope, bad CSRF.
    await app.inject({ method: 'GET', url: '/v1/tokens', headers: bearer(token.token) });
    const malformed = withBadChecksum(fresh.token);
    await app.inject({ method: 'GET', url: '/v1/tokens', headers: bearer(malformed) });
    const unknown = unissuedToken();
    await app.inject({ method: 'GET', url: '/v1/tokens', headers: bearer(unknown) });
    await app.inject({ method: 'GET', url: '/v1/billing', headers: bearer(fresh.token) });
    await app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: { cookie: user.cookie, 'x-csrf-token': 'wrong' },
      payload: { name: 'x', scopes: ['tokens:read'], expires_in_days: 1 },
    });
    // A body that fails validation while carrying a secret.
    await app.inject({
      method: 'POST',
      url: '/v1/accounts',
      payload: { email: 'x@example.com', password: wrongPassword, extra: fresh.token },
    });
    await app.inject({ method: 'DELETE', url: `/v1/tokens/${fresh.id}`, headers: user.headers });

    const leakedChild = child.json<{ token: string }>().token;
    await app.inject({
      method: 'POST',
      url: '/v1/credentials/revoke',
      payload: { credentials: [leakedChild, unknown] },
    });
    await app.inject({ method: 'DELETE', url: '/v1/sessions/current', headers: user.headers });

    const cookieValue = user.cookie.split('=')[1] ?? '';
    expectAbsent([
      token.token,
      fresh.token,
      leakedChild,
      malformed,
      unknown,
      user.password,
      wrongPassword,
      cookieValue,
      user.csrf,
    ]);
  });

  it('a token sent by mistake in the query string is not logged with the URL', async () => {
    const user = await signUpAndSignIn(platform.app);
    const token = await createToken(platform.app, user);
    await platform.app.inject({
      method: 'GET',
      url: `/v1/tokens?access_token=${token.token}`,
      headers: bearer(token.token),
    });
    await platform.app.inject({ method: 'GET', url: `/v1/tokens/${token.token}`, headers: user.headers });
    expectAbsent([token.token]);
    expect(log.text).toContain('"url":"/v1/tokens?access_token=skt_[redacted]"');
  });

  it('the authenticator secret, its codes and the recovery codes are not logged', async () => {
    const { app } = platform;
    const user = await signUpAndSignIn(app);
    const started = await app.inject({ method: 'POST', url: '/v1/account/2fa/totp', headers: user.headers });
    const { secret } = started.json<{ secret: string }>();
    const code = TOTP.generate({ secret: Secret.fromBase32(secret) });
    const confirmed = await app.inject({
      method: 'POST',
      url: '/v1/account/2fa/totp/confirm',
      headers: user.headers,
      payload: { code },
    });
    const codes = confirmed.json<{ recovery_codes: string[] }>().recovery_codes;
    const signIn = (extra: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: '/v1/sessions',
        payload: { email: user.email, password: user.password, ...extra },
      });
    await signIn({ recovery_code: codes[0] ?? '' });
    await signIn({ recovery_code: codes[0] ?? '' });
    await signIn({ totp_code: code });
    await app.inject({
      method: 'POST',
      url: '/v1/sessions/current/reauth',
      headers: user.headers,
      payload: { password: user.password },
    });
    // Six digits are too short to search for alone; the secret and the recovery codes are not.
    expectAbsent([secret, ...codes, user.password]);
    expect(log.text).toContain('"url":"/v1/account/2fa/totp/confirm"');
  });

  it('provider keys, saved, tested, refused and replaced, are not logged', async () => {
    const { app } = platform;
    const user = await signUpAndSignIn(app);
    const keys = ['sk-proj-', 'sk-ant-', 'sk-local-', 'sk-bad-'].map(
      (prefix) => `${prefix}${'q7Zr'.repeat(6)}${prefix.length}`,
    );
    const [openai = '', anthropic = '', compatible = '', refused = ''] = keys;
    const put = (provider: string, payload: Record<string, unknown>) =>
      app.inject({ method: 'PUT', url: `/v1/providers/${provider}`, headers: user.headers, payload });
    await put('openai', { api_key: openai });
    await put('anthropic', { api_key: anthropic });
    // Tried against an address where nothing listens: the failure is logged without the key.
    await put('openai_compatible', { api_key: compatible, base_url: 'http://127.0.0.1:9/v1', test: true });
    // Refused: a space in the key, a base URL where none belongs, an unknown field.
    await put('openai', { api_key: `${refused} x` });
    await put('openai', { api_key: refused, base_url: 'https://proxy.example.com' });
    await put('openai', { api_key: refused, extra: refused });
    await app.inject({ method: 'GET', url: '/v1/providers', headers: user.headers });
    await app.inject({ method: 'DELETE', url: '/v1/providers/anthropic', headers: user.headers });
    expectAbsent(keys);
    expect(log.text).toContain('"url":"/v1/providers/openai_compatible"');
  });

  it('a password change and a failed account e-mail log neither passwords, nor the recipient, nor the SMTP password', async () => {
    const mailLog = new MemoryLog();
    const smtpPassword = 'smtp-hunter2-secret';
    // Nothing listens on port 9 of the loopback: every delivery fails and is logged.
    const mailing = await createTestPlatform({
      logger: createLogger('trace', mailLog),
      env: { SKYTELLS_SMTP_URL: `smtp://alerts:${smtpPassword}@127.0.0.1:9` },
    });
    try {
      const user = await signUpAndSignIn(mailing.app);
      const newPassword = 'the-new-password-5a4b3c';
      const changed = await mailing.app.inject({
        method: 'POST',
        url: '/v1/account/password',
        headers: user.headers,
        payload: { current_password: user.password, new_password: newPassword },
      });
      expect(changed.statusCode).toBe(204);
      await mailing.app.inject({
        method: 'POST',
        url: '/v1/account/password',
        headers: user.headers,
        payload: { current_password: 'wrong-current-1a2b3c', new_password: 'whatever-7d8e9f' },
      });
      expect(await mailing.mail.deliverDue()).toEqual({ sent: 0, failed: 1 });

      expect(mailLog.text).toContain('account e-mail not sent; will retry');
      for (const secret of [
        user.password,
        newPassword,
        'wrong-current-1a2b3c',
        'whatever-7d8e9f',
        smtpPassword,
        user.email,
      ]) {
        const leaking = mailLog.lines.filter((line) => line.includes(secret));
        expect({ secret, leaking }).toEqual({ secret, leaking: [] });
      }
    } finally {
      await mailing.close();
    }
  });

  it('a webhook signing secret and the signature of a failed delivery are not logged', async () => {
    const webhookLog = new MemoryLog();
    const hooks = await createTestPlatform({
      logger: createLogger('trace', webhookLog),
      env: { SKYTELLS_WEBHOOK_ALLOW_PRIVATE: 'true' },
    });
    const signatures: string[] = [];
    const statuses = [500, 200];
    const receiver = createServer((request, response) => {
      signatures.push(String(request.headers['skytells-signature']));
      request.resume();
      request.on('end', () => response.writeHead(statuses.shift() ?? 200).end());
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    try {
      const user = await signUpAndSignIn(hooks.app);
      const created = await hooks.app.inject({
        method: 'POST',
        url: '/v1/webhooks',
        headers: user.headers,
        payload: {
          url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`,
          events: ['token.created'],
        },
      });
      const { id, secret } = created.json<{ id: string; secret: string }>();
      await hooks.app.inject({ method: 'POST', url: `/v1/webhooks/${id}/test`, headers: user.headers });
      await hooks.webhooks.deliverDue();
      expect(signatures).toHaveLength(1);
      expect(webhookLog.text).toContain('webhook not delivered; will retry');
      for (const needle of [
        secret,
        secret.slice(6),
        ...signatures.map((header) => header.split('v1=')[1] ?? ''),
      ]) {
        expect(needle.length).toBeGreaterThan(7);
        expect(webhookLog.lines.filter((line) => line.includes(needle))).toEqual([]);
      }
    } finally {
      receiver.close();
      await hooks.close();
    }
  });

  it('logs requests at all, so the assertions above are not vacuous', () => {
    expect(log.text).toContain('"url":"/v1/tokens/self"');
    expect(log.text).toContain('request refused');
  });
});

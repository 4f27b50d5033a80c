import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import {
  type Browser,
  formFields,
  INSECURE,
  type OAuthServer,
  signedInBrowser,
  startOAuthServer,
} from './oauth-support.js';

const cli: oauth.Client = { client_id: 'skytells-cli' };

describe('OAuth device authorization grant (RFC 8628)', () => {
  let server: OAuthServer;
  let browser: Browser;
  // Polling intervals and expiry are driven by the clock, not by waiting.
  const clock = new ManualClock(new Date());
  beforeAll(async () => {
    server = await startOAuthServer({ clock });
    browser = await signedInBrowser(server);
  });
  afterAll(async () => server.close());

  async function start(scope = 'projects:read deployments:write') {
    const response = await oauth.deviceAuthorizationRequest(
      server.as,
      cli,
      oauth.None(),
      { scope, device_name: 'build-box' },
      INSECURE,
    );
    return oauth.processDeviceAuthorizationResponse(server.as, cli, response);
  }

  async function poll(deviceCode: string) {
    const response = await oauth.deviceCodeGrantRequest(server.as, cli, oauth.None(), deviceCode, INSECURE);
    try {
      return { token: await oauth.processDeviceCodeResponse(server.as, cli, response) };
    } catch (error) {
      if (error instanceof oauth.ResponseBodyError) return { error: error.error };
      throw error;
    }
  }

  /** Plays the person at /device: enters the code, reads the approval page, answers. */
  async function answer(userCode: string, decision: 'approve' | 'deny', grant?: string[]) {
    const entry = await browser.fetch('/device');
    const fields = formFields(await entry.text());
    fields.set('user_code', userCode.toLowerCase());
    const approval = await browser.fetch('/device', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: fields.toString(),
    });
    const html = await approval.text();
    const answerFields = formFields(html);
    if (grant !== undefined) {
      answerFields.delete('granted_scope');
      for (const scope of grant) answerFields.append('granted_scope', scope);
    }
    answerFields.set('decision', decision);
    const done = await browser.fetch('/device', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: answerFields.toString(),
    });
    return { approvalPage: html, done };
  }

  it('issues a token once the person approves the code at /device, and not before', async () => {
    const device = await start();
    expect(device.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(device.verification_uri).toBe(`${server.url}/device`);
    expect(device.interval).toBe(5);

    expect(await poll(device.device_code)).toEqual({ error: 'authorization_pending' });
    const { approvalPage, done } = await answer(device.user_code, 'approve');
    expect(approvalPage).toContain('Skytells CLI');
    expect(approvalPage).toContain('build-box');
    expect(done.status).toBe(200);

    clock.advance(5_000);
    const result = await poll(device.device_code);
    expect(result.token?.scope).toBe('projects:read deployments:write');
    const self = await fetch(`${server.url}/v1/tokens/self`, {
      headers: { authorization: `Bearer ${result.token!.access_token}` },
    });
    expect(await self.json()).toMatchObject({
      created_via: 'oauth',
      client_id: 'skytells-cli',
      name: 'Skytells CLI on build-box',
    });

    clock.advance(5_000);
    expect(await poll(device.device_code)).toEqual({ error: 'invalid_grant' });
  });

  it('issues device tokens that are listed with their client and stop working when revoked by each of the three means', async () => {
    const person = await signedInBrowser(server);
    const issue = async () => {
      const device = await start('tokens:read');
      const entry = formFields(await (await person.fetch('/device')).text());
      entry.set('user_code', device.user_code);
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const approval = await person.fetch('/device', {
        method: 'POST',
        headers: form,
        body: entry.toString(),
      });
      const answer = formFields(await approval.text());
      answer.set('decision', 'approve');
      await person.fetch('/device', { method: 'POST', headers: form, body: answer.toString() });
      clock.advance(5_000);
      return (await poll(device.device_code)).token!.access_token;
    };
    const use = (token: string) =>
      fetch(`${server.url}/v1/tokens/self`, { headers: { authorization: `Bearer ${token}` } });
    const [viaOAuth, viaTokens, viaApps] = [await issue(), await issue(), await issue()];

    const listed = (
      (await (await person.fetch('/v1/tokens')).json()) as {
        data: { id: string; client_id: string | null }[];
      }
    ).data;
    expect(listed).toHaveLength(3);
    expect(listed.every((token) => token.client_id === 'skytells-cli')).toBe(true);

    await oauth.processRevocationResponse(
      await oauth.revocationRequest(server.as, cli, oauth.None(), viaOAuth, INSECURE),
    );
    expect((await use(viaOAuth)).status).toBe(401);

    const { id } = (await (await use(viaTokens)).json()) as { id: string };
    await person.fetch(`/v1/tokens/${id}`, { method: 'DELETE', headers: { 'x-csrf-token': person.csrf } });
    expect((await use(viaTokens)).status).toBe(401);

    expect((await use(viaApps)).status).toBe(200);
    await person.fetch('/v1/authorized-apps/skytells-cli', {
      method: 'DELETE',
      headers: { 'x-csrf-token': person.csrf },
    });
    expect((await use(viaApps)).status).toBe(401);
  });

  it('grants only the scopes the person kept', async () => {
    const device = await start();
    await answer(device.user_code, 'approve', ['projects:read']);
    clock.advance(5_000);
    expect((await poll(device.device_code)).token?.scope).toBe('projects:read');
  });

  it('tells a client that polls too fast to slow down, and widens its interval', async () => {
    const device = await start();
    expect(await poll(device.device_code)).toEqual({ error: 'authorization_pending' });
    expect(await poll(device.device_code)).toEqual({ error: 'slow_down' });
    clock.advance(5_000);
    // The interval is now 10 seconds: 5 more are still too fast.
    expect(await poll(device.device_code)).toEqual({ error: 'slow_down' });
    clock.advance(15_000);
    expect(await poll(device.device_code)).toEqual({ error: 'authorization_pending' });
  });

  it('answers access_denied when the person cancels', async () => {
    const device = await start();
    await answer(device.user_code, 'deny');
    clock.advance(5_000);
    expect(await poll(device.device_code)).toEqual({ error: 'access_denied' });
  });

  it('answers expired_token once the device code has expired', async () => {
    const device = await start();
    clock.advance(601_000);
    expect(await poll(device.device_code)).toEqual({ error: 'expired_token' });
  });

  it('refuses scope escalation at approval', async () => {
    const device = await start('projects:read');
    const { done } = await answer(device.user_code, 'approve', ['projects:read', 'tokens:write']);
    expect(done.status).toBe(400);
    clock.advance(5_000);
    expect(await poll(device.device_code)).toEqual({ error: 'authorization_pending' });
  });

  /** Opens the approval page of `userCode` as `person` and returns its form fields. */
  async function approvalFields(person: Browser, userCode: string) {
    const entry = formFields(await (await person.fetch('/device')).text());
    entry.set('user_code', userCode);
    const approval = await person.fetch('/device', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: entry.toString(),
    });
    expect(approval.status).toBe(200);
    const fields = formFields(await approval.text());
    expect(fields.get('device_id')).toMatch(/^dev_/);
    return fields;
  }

  /** Submits an approval of `fields` with `userCode` in place of the one the page carried. */
  async function approveWith(person: Browser, fields: URLSearchParams, userCode: string) {
    const answer = new URLSearchParams(fields);
    answer.set('user_code', userCode);
    answer.set('decision', 'approve');
    return person.fetch('/device', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: answer.toString(),
    });
  }

  it('expires a request after 5 approvals with a wrong user code: its own code stops working and the device gets expired_token (RFC 8628 §5.1)', async () => {
    const person = await signedInBrowser(server);
    const device = await start('projects:read');
    const fields = await approvalFields(person, device.user_code);
    for (let i = 0; i < 5; i++) {
      const wrong = await approveWith(person, fields, 'BCDF-BCDF');
      expect(wrong.status).toBe(400);
      expect(await wrong.text()).toContain('not valid');
    }

    const right = await approveWith(person, fields, device.user_code);
    expect(right.status).toBe(400);
    expect(await right.text()).toContain('not valid or has expired');
    const entry = formFields(await (await person.fetch('/device')).text());
    entry.set('user_code', device.user_code);
    const retyped = await person.fetch('/device', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: entry.toString(),
    });
    expect(retyped.status).toBe(400);
    expect(await poll(device.device_code)).toEqual({ error: 'expired_token' });
  });

  it('keeps a request usable after fewer than 5 approvals with a wrong user code', async () => {
    const person = await signedInBrowser(server);
    const device = await start('projects:read');
    const fields = await approvalFields(person, device.user_code);
    for (let i = 0; i < 4; i++) expect((await approveWith(person, fields, 'BCDF-BCDF')).status).toBe(400);
    expect((await approveWith(person, fields, device.user_code)).status).toBe(200);
    expect((await poll(device.device_code)).token?.scope).toBe('projects:read');
  });

  it('has a Code field and a Continue button, and limits wrong codes', async () => {
    const person = await signedInBrowser(server);
    const page = await person.fetch('/device');
    const html = await page.text();
    expect(html).toMatch(/<label[^>]*for="user_code"[^>]*>Code<\/label>/);
    expect(html).toMatch(/<button[^>]*>Continue<\/button>/);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const fields = formFields(html);
    let status = 0;
    for (let i = 0; i < 11; i++) {
      fields.set('user_code', 'ZZZZ-ZZZZ');
      const response = await person.fetch('/device', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: fields.toString(),
      });
      status = response.status;
      if (i < 10) expect(await response.text()).toContain('not valid');
    }
    expect(status).toBe(429);
  });

  it('sends a visitor without a session to sign in, keeping the code', async () => {
    const response = await fetch(`${server.url}/device?user_code=BCDF-GHJK`, { redirect: 'manual' });
    const location = new URL(response.headers.get('location')!, server.url);
    expect(location.pathname).toBe('/signin');
    expect(location.searchParams.get('next')).toBe('/device?user_code=BCDF-GHJK');
  });
});

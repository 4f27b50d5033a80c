/**
 * The OAuth flows as a person meets them: the person's part in a real Chromium against a real
 * listening server (sign-in on the way, the consent and device pages, Settings → Applications), the
 * client's part by an independent certified client (oauth4webapi).
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oauth from 'oauth4webapi';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorizationRequest,
  INSECURE,
  type OAuthServer,
  type PkceRequest,
  startOAuthServer,
} from '../oauth/oauth-support.js';
import {
  type ApiSession,
  apiCall,
  BOTH_SCHEMES,
  apiSignUp,
  buildConsole,
  callWithToken,
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  expectAccessible,
  freshEmail,
  screenshot,
  signedInContext,
} from './console-support.js';
import { focusedElement, moveFocusTo } from './keyboard-support.js';

const hasChromium = existsSync(CHROMIUM_PATH);
const suite = hasChromium ? describe : describe.skip;
const suiteName = hasChromium
  ? 'OAuth in the console and on the consent pages, in a real Chromium'
  : `OAuth in the console, in a real Chromium — SKIPPED: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;

if (!hasChromium) console.warn(`OAuth console browser tests skipped: ${suiteName}`);

const cli: oauth.Client = { client_id: 'skytells-cli' };
const VIEWPORT = { width: 1280, height: 800 };
const USER_AGENT = 'skytells-cli/0.1.0 (e2e)';

/** A native app's loopback redirect receiver (RFC 8252 §7.3), as the CLI runs one. */
interface Loopback {
  redirectUri: string;
  close(): Promise<void>;
}

async function startLoopback(host: '127.0.0.1' | '::1' = '127.0.0.1'): Promise<Loopback> {
  const receiver = createServer((_request, reply) => {
    reply.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    reply.end('<!doctype html><title>Signed in</title><p>You can close this window.</p>');
  });
  await new Promise<void>((resolve, reject) => {
    receiver.once('error', reject);
    receiver.listen(0, host, resolve);
  });
  const { port } = receiver.address() as AddressInfo;
  return {
    redirectUri: `http://${host === '::1' ? '[::1]' : host}:${port}/callback`,
    close: () =>
      new Promise((resolve) => {
        receiver.closeAllConnections();
        receiver.close(() => resolve());
      }),
  };
}

/** Whether this machine has an IPv6 loopback to listen on (containers often have none). */
const hasIpv6Loopback = await startLoopback('::1').then(
  async (probe) => {
    await probe.close();
    return true;
  },
  () => false,
);

suite(suiteName, () => {
  let server: OAuthServer;
  let browser: Browser;

  beforeAll(async () => {
    await buildConsole();
    server = await startOAuthServer();
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A browser without a session, as someone who follows a link from the CLI. */
  const anonymousContext = () => browser.newContext({ baseURL: server.url, viewport: VIEWPORT });

  const signInThroughForm = async (page: Page, person: ApiSession) => {
    await page.getByLabel('Email', { exact: true }).fill(person.email);
    await page.getByLabel('Password', { exact: true }).fill(person.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  };

  /** Waits until the browser is on the sign-in page and returns the `next` it carries. */
  const signInNext = async (page: Page) => {
    await page.waitForURL((url) => url.pathname === '/signin');
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    return new URL(page.url()).searchParams.get('next');
  };

  /** Clicks `button` on the consent page and returns the URL the browser was redirected to. */
  const answerConsent = async (page: Page, button: 'Authorize' | 'Cancel', loopback: Loopback) => {
    await page.getByRole('button', { name: button, exact: true }).click();
    await page.waitForURL((url) => url.href.startsWith(`${loopback.redirectUri}?`));
    return new URL(page.url());
  };

  /** The client's part: validates the redirect and redeems the code with its PKCE verifier. */
  const redeem = async (request: PkceRequest, callback: URL) => {
    const params = oauth.validateAuthResponse(server.as, cli, callback, request.state);
    const response = await oauth.authorizationCodeGrantRequest(
      server.as,
      cli,
      oauth.None(),
      params,
      request.redirectUri,
      request.verifier,
      INSECURE,
    );
    return oauth.processAuthorizationCodeResponse(server.as, cli, response);
  };

  const tokenSelf = async (token: string) => {
    const response = await fetch(`${server.url}/v1/tokens/self`, {
      headers: { authorization: `Bearer ${token}`, 'user-agent': USER_AGENT },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  /** The scope checkbox of the consent page; its label starts with the scope's name. */
  const scopeBox = (page: Page, scope: string) =>
    page.getByRole('checkbox', { name: new RegExp(`^${scope}\\b`) });

  const withContext = async (context: BrowserContext, run: (page: Page) => Promise<void>) => {
    try {
      await run(await context.newPage());
    } finally {
      await context.close();
    }
  };

  it('sends a visitor without a session through sign-in to the consent page; the CLI gets only the scopes left ticked, is listed with its client and revoked from Tokens', async () => {
    const person = await apiSignUp(server.url, 'consent');
    const loopback = await startLoopback();
    try {
      await withContext(await anonymousContext(), async (page) => {
        const request = await authorizationRequest(server, {
          redirectUri: loopback.redirectUri,
          scope: 'tokens:read projects:read deployments:read',
          extra: { device_name: 'e2e-laptop' },
        });
        await page.goto(request.url.toString());
        expect(await signInNext(page)).toBe(`${request.url.pathname}${request.url.search}`);
        await page.getByText('Sign in to continue connecting an application or device').waitFor();
        await expectAccessible(page, 'the sign-in page on the way to consent');
        await signInThroughForm(page, person);

        // The consent page names the client, the device and every requested scope.
        await page.getByRole('heading', { level: 1, name: 'Authorize Skytells CLI' }).waitFor();
        expect(page.url()).toBe(request.url.toString());
        const body = page.locator('main');
        expect(await body.textContent()).toContain('Official Skytells application');
        expect(await body.textContent()).toContain('e2e-laptop');
        for (const scope of ['tokens:read', 'projects:read', 'deployments:read']) {
          expect(await scopeBox(page, scope).isChecked(), scope).toBe(true);
        }
        await scopeBox(page, 'deployments:read').uncheck();
        await screenshot(page, 'oauth-consent');
        await expectAccessible(page, 'the consent page', BOTH_SCHEMES);

        const callback = await answerConsent(page, 'Authorize', loopback);
        expect(callback.searchParams.get('iss')).toBe(server.url);
        const issued = await redeem(request, callback);

        const self = await tokenSelf(issued.access_token);
        expect(self.status).toBe(200);
        expect(self.body).toMatchObject({
          created_via: 'oauth',
          client_id: 'skytells-cli',
          name: 'Skytells CLI on e2e-laptop',
          scopes: ['tokens:read', 'projects:read'],
        });
        expect((await callWithToken(server.url, issued.access_token, '/v1/billing', USER_AGENT)).status).toBe(
          403,
        );

        // Settings → Tokens shows it with its client, and revokes it.
        await page.goto('/settings/tokens');
        const row = page.locator('tbody tr', {
          has: page.getByRole('link', { name: 'Skytells CLI on e2e-laptop', exact: true }),
        });
        await row.getByText('via Skytells CLI', { exact: true }).waitFor();
        await row.getByRole('button', { name: 'Revoke', exact: true }).click();
        const confirm = page.getByRole('dialog', { name: 'Revoke Skytells CLI on e2e-laptop?' });
        await confirm.getByRole('button', { name: 'Revoke token' }).click();
        await row.locator('td[data-label="Status"]').getByText('Revoked').waitFor();
        expect(
          await callWithToken(server.url, issued.access_token, '/v1/tokens/self', USER_AGENT),
        ).toMatchObject({ status: 401, body: { code: 'token_revoked' } });
      });
    } finally {
      await loopback.close();
    }
  });

  it('lets a native app with a private-use redirect (com.example.app:) finish consent: Authorize reaches the app and the code redeems', async () => {
    const person = await apiSignUp(server.url, 'native');
    const registered = await apiCall<{ client_id: string }>(server.url, person, 'POST', '/v1/apps', {
      name: 'Example Mobile',
      type: 'public',
      redirect_uris: ['com.example.app:/oauth/callback'],
    });
    const client: oauth.Client = { client_id: registered.body.client_id };
    await withContext(await signedInContext(browser, server.url, person, VIEWPORT), async (page) => {
      const request = await authorizationRequest(server, {
        clientId: client.client_id,
        redirectUri: 'com.example.app:/oauth/callback',
        scope: 'projects:read',
      });
      await page.goto(request.url.toString());
      await page.getByRole('heading', { level: 1, name: 'Authorize Example Mobile' }).waitFor();
      await expectAccessible(page, 'the consent page of a third-party application', BOTH_SCHEMES);
      // Either the browser hands the redirect to the app, or the page's CSP refuses the form.
      const outcome = Promise.race([
        page
          .waitForRequest((sent) => sent.url().startsWith('com.example.app:/oauth/callback?'))
          .then((sent) => ({ redirectedTo: sent.url() })),
        page
          .waitForEvent('console', (message) => message.text().includes('Content Security Policy'))
          .then((message) => ({ refused: message.text() })),
      ]);
      await page.getByRole('button', { name: 'Authorize', exact: true }).click();
      const result = await outcome;
      expect(result).toEqual({ redirectedTo: expect.any(String) });

      const callback = new URL((result as { redirectedTo: string }).redirectedTo);
      const params = oauth.validateAuthResponse(server.as, client, callback, request.state);
      const issued = await oauth.processAuthorizationCodeResponse(
        server.as,
        client,
        await oauth.authorizationCodeGrantRequest(
          server.as,
          client,
          oauth.None(),
          params,
          request.redirectUri,
          request.verifier,
          INSECURE,
        ),
      );
      expect((await tokenSelf(issued.access_token)).body).toMatchObject({
        client_id: client.client_id,
        scopes: ['projects:read'],
      });
    });
  });

  it.skipIf(!hasIpv6Loopback)(
    'lets the CLI finish consent on an IPv6 loopback redirect (http://[::1]:port)',
    async () => {
      const person = await apiSignUp(server.url, 'ipv6');
      const loopback = await startLoopback('::1');
      try {
        await withContext(await signedInContext(browser, server.url, person, VIEWPORT), async (page) => {
          const request = await authorizationRequest(server, {
            redirectUri: loopback.redirectUri,
            scope: 'projects:read',
          });
          await page.goto(request.url.toString());
          await page.getByRole('heading', { level: 1, name: 'Authorize Skytells CLI' }).waitFor();
          const issued = await redeem(request, await answerConsent(page, 'Authorize', loopback));
          expect((await tokenSelf(issued.access_token)).status).toBe(200);
        });
      } finally {
        await loopback.close();
      }
    },
  );

  it('connects a device by keyboard: sign-in on the way to /device, the code typed in (a wrong one first), Authorize, and the client gets its token on its next poll', async () => {
    const person = await apiSignUp(server.url, 'device');
    const authorization = await oauth.processDeviceAuthorizationResponse(
      server.as,
      cli,
      await oauth.deviceAuthorizationRequest(
        server.as,
        cli,
        oauth.None(),
        { scope: 'projects:read deployments:read', device_name: 'build-box' },
        INSECURE,
      ),
    );
    expect(authorization.verification_uri).toBe(`${server.url}/device`);

    await withContext(await anonymousContext(), async (page) => {
      await page.goto(authorization.verification_uri);
      expect(await signInNext(page)).toBe('/device');
      await signInThroughForm(page, person);

      // By keyboard: the code field has the focus; a mistyped code is answered on the page.
      const code = page.getByLabel('Code', { exact: true });
      await code.waitFor();
      await expectAccessible(page, 'the device code entry', BOTH_SCHEMES);
      expect(await focusedElement(page)).toBe('text Code');
      await page.keyboard.type('BBBB-BBBB');
      await moveFocusTo(page, page.getByRole('button', { name: 'Continue', exact: true }));
      await page.keyboard.press('Enter');
      await page
        .getByRole('alert')
        .getByText('That code is not valid or has expired.', { exact: false })
        .waitFor();
      await expectAccessible(page, 'the device code entry with an error', BOTH_SCHEMES);
      expect(await focusedElement(page)).toBe('text Code');
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type(authorization.user_code);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'Authorize Skytells CLI' }).waitFor();
      const body = await page.locator('main').textContent();
      expect(body).toContain('build-box');
      expect(body).toContain(authorization.user_code);
      for (const scope of ['projects:read', 'deployments:read']) {
        expect(await scopeBox(page, scope).isChecked(), scope).toBe(true);
      }
      await screenshot(page, 'oauth-device');
      await expectAccessible(page, 'the device approval page', BOTH_SCHEMES);
      await moveFocusTo(page, page.getByRole('button', { name: 'Authorize', exact: true }));
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'Device connected' }).waitFor();
      await expectAccessible(page, 'the device connected page', BOTH_SCHEMES);
    });

    // The first poll comes after approval, so the 5-second interval (RFC 8628 §3.5) is not in the way.
    const issued = await oauth.processDeviceCodeResponse(
      server.as,
      cli,
      await oauth.deviceCodeGrantRequest(server.as, cli, oauth.None(), authorization.device_code, INSECURE),
    );
    const self = await tokenSelf(issued.access_token);
    expect(self.status).toBe(200);
    expect(self.body).toMatchObject({
      client_id: 'skytells-cli',
      name: 'Skytells CLI on build-box',
      scopes: ['projects:read', 'deployments:read'],
    });
  });

  it('carries next through sign-up, and Cancel on the consent page sends access_denied to the client', async () => {
    const loopback = await startLoopback();
    try {
      await withContext(await anonymousContext(), async (page) => {
        const request = await authorizationRequest(server, { redirectUri: loopback.redirectUri });
        await page.goto(request.url.toString());
        const next = await signInNext(page);
        await page.getByRole('link', { name: 'Create an account' }).click();
        await page.waitForURL((url) => url.pathname === '/signup');
        expect(new URL(page.url()).searchParams.get('next')).toBe(next);
        await page.getByLabel('Email', { exact: true }).fill(freshEmail('cancel'));
        await page.getByLabel('Password', { exact: true }).fill('correct horse battery staple');
        await page.getByRole('button', { name: 'Create account' }).click();

        await page.getByRole('heading', { level: 1, name: 'Authorize Skytells CLI' }).waitFor();
        const callback = await answerConsent(page, 'Cancel', loopback);
        expect(callback.searchParams.get('error')).toBe('access_denied');
        expect(callback.searchParams.get('state')).toBe(request.state);
        expect(callback.searchParams.has('code')).toBe(false);
        // The certified client reads it as the person's refusal (RFC 6749 §4.1.2.1).
        let refusal: unknown;
        try {
          oauth.validateAuthResponse(server.as, cli, callback, request.state);
        } catch (error) {
          refusal = error;
        }
        expect(refusal).toBeInstanceOf(oauth.AuthorizationResponseError);
        expect((refusal as oauth.AuthorizationResponseError).error).toBe('access_denied');
      });
    } finally {
      await loopback.close();
    }
  });

  it('explains on an accessible error page why an authorization request with an unknown client cannot go on', async () => {
    const person = await apiSignUp(server.url, 'error-page');
    await withContext(await signedInContext(browser, server.url, person, VIEWPORT), async (page) => {
      const url = new URL('/oauth/authorize', server.url);
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: 'no-such-client',
        redirect_uri: 'https://elsewhere.example/callback',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      }).toString();
      const response = await page.goto(url.toString());
      expect(response?.status()).toBe(400);
      expect(new URL(page.url()).origin).toBe(server.url);
      await page.getByRole('heading', { level: 1, name: 'Cannot continue' }).waitFor();
      await screenshot(page, 'oauth-error');
      await expectAccessible(page, 'the OAuth error page', BOTH_SCHEMES);
    });
  });

  it('follows next straight away when already signed in, and never to another site', async () => {
    const person = await apiSignUp(server.url, 'next');
    await withContext(await signedInContext(browser, server.url, person), async (page) => {
      await page.goto(`/signin?next=${encodeURIComponent('/device?user_code=BCDF-GHJK')}`);
      await page.waitForURL((url) => url.pathname === '/device');
      expect(await page.getByLabel('Code', { exact: true }).inputValue()).toBe('BCDF-GHJK');

      for (const hostile of [
        '//evil.example/oauth/authorize',
        'https://evil.example/device',
        '/\\evil.example/device',
        'javascript:alert(document.domain)',
        '/oauth/token',
      ]) {
        await page.goto(`/signin?next=${encodeURIComponent(hostile)}`);
        await page.waitForURL((url) => url.pathname === '/settings/tokens');
        expect(new URL(page.url()).origin, hostile).toBe(server.url);
        await page.getByRole('heading', { level: 1, name: 'Tokens' }).waitFor();
      }
    });
  });

  it('registers a confidential application, shows its secret once, edits it, rotates the secret and deletes it', async () => {
    const person = await apiSignUp(server.url, 'apps');
    const context = await signedInContext(browser, server.url, person, VIEWPORT);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    /** Authenticates to the introspection endpoint as the app (RFC 7662 §2.1): the secret works or not. */
    const secretWorks = async (clientId: string, secret: string) => {
      const client = { client_id: clientId };
      const response = await oauth.introspectionRequest(
        server.as,
        client,
        oauth.ClientSecretBasic(secret),
        'skt_not_a_token',
        INSECURE,
      );
      return response.status === 200;
    };

    await withContext(context, async (page) => {
      await page.goto('/settings/tokens');
      const rail = page.getByRole('navigation', { name: 'Settings' });
      await rail.getByRole('link', { name: 'Audit log' }).waitFor();
      expect(await rail.getByRole('link').allTextContents()).toEqual([
        'Tokens',
        'API Keys',
        'Providers',
        'Security',
        'Webhooks',
        'Workloads',
        'Applications',
        'Audit log',
      ]);
      await rail.getByRole('link', { name: 'Applications', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Applications' }).waitFor();
      await page.getByText('You have not registered any application.').waitFor();
      await expectAccessible(page, 'Applications, empty');

      await page.getByRole('button', { name: 'Register application' }).click();
      await page.getByLabel('Name', { exact: true }).waitFor();
      await expectAccessible(page, 'the register application form');
      await page.getByLabel('Name', { exact: true }).fill('Acme Deploy Dashboard');
      await page
        .getByLabel('Redirect URIs', { exact: true })
        .fill('https://deploy.acme.example/oauth/callback\n\nhttps://staging.acme.example/oauth/callback\n');
      expect(await page.getByRole('radio', { name: 'Confidential', exact: true }).isChecked()).toBe(true);
      await page.getByRole('button', { name: 'Register application' }).click();

      // The secret, once, with Copy and a warning.
      const secretField = page.getByLabel('Client secret', { exact: true });
      await secretField.waitFor();
      const secret = await secretField.inputValue();
      expect(secret).toMatch(/^skc_[0-9A-Za-z]{40}$/);
      await page.getByText('This is the only time the client secret is shown.').waitFor();
      await page.getByRole('button', { name: 'Copy', exact: true }).click();
      await page.getByText('Copied to the clipboard.').waitFor();
      await expectAccessible(page, 'the client secret, shown once');
      const listed = await apiCall<{ data: { client_id: string; name: string; type: string }[] }>(
        server.url,
        person,
        'GET',
        '/v1/apps',
      );
      const clientId = listed.body.data[0]?.client_id ?? '';
      expect(listed.body.data).toEqual([
        expect.objectContaining({ name: 'Acme Deploy Dashboard', type: 'confidential' }),
      ]);
      expect(await page.locator('main').textContent()).toContain(clientId);
      expect(await secretWorks(clientId, secret)).toBe(true);

      await page.getByRole('button', { name: 'Done', exact: true }).click();
      const leave = page.getByRole('dialog', { name: 'Leave without the client secret?' });
      await leave.getByRole('button', { name: 'Leave', exact: true }).click();

      // The list: client id, name, type, redirect URIs, created.
      const row = (name: string) =>
        page.locator('tbody tr', { has: page.getByRole('link', { name, exact: true }) });
      const original = row('Acme Deploy Dashboard');
      await original.waitFor();
      const text = await original.textContent();
      await expectAccessible(page, 'Applications, with an application');
      for (const part of [
        clientId,
        'Confidential',
        'https://deploy.acme.example/oauth/callback',
        'https://staging.acme.example/oauth/callback',
        'just now',
      ]) {
        expect(text).toContain(part);
      }

      // Edit the name and the redirect URIs.
      await original.getByRole('button', { name: 'Edit', exact: true }).click();
      await page.getByLabel('Name', { exact: true }).waitFor();
      await expectAccessible(page, 'the edit application form');
      await page.getByLabel('Name', { exact: true }).fill('Acme Deploy');
      await page
        .getByLabel('Redirect URIs', { exact: true })
        .fill('https://deploy.acme.example/oauth/callback');
      await page.getByRole('button', { name: 'Save changes' }).click();
      const edited = row('Acme Deploy');
      // Wait for the saved value itself: the row exists before the save lands.
      await edited.getByText('https://deploy.acme.example/oauth/callback', { exact: true }).waitFor();
      expect(
        await edited.getByRole('list', { name: 'Redirect URIs' }).getByRole('listitem').allTextContents(),
      ).toEqual(['https://deploy.acme.example/oauth/callback']);

      // Rotate: a new secret, once; the old one stops working.
      await edited.getByRole('button', { name: 'Rotate secret', exact: true }).click();
      const rotate = page.getByRole('dialog', { name: 'Rotate the secret of Acme Deploy?' });
      await rotate.waitFor();
      await expectAccessible(page, 'the rotate secret dialog');
      await rotate.getByRole('button', { name: 'Rotate secret', exact: true }).click();
      await rotate.waitFor({ state: 'detached' });
      const rotated = await page.getByLabel('Client secret', { exact: true }).inputValue();
      expect(rotated).toMatch(/^skc_[0-9A-Za-z]{40}$/);
      expect(rotated).not.toBe(secret);
      expect(await secretWorks(clientId, secret)).toBe(false);
      expect(await secretWorks(clientId, rotated)).toBe(true);
      await screenshot(page, 'applications');
      await page.getByRole('button', { name: 'Done', exact: true }).click();
      await page.getByLabel('Client secret', { exact: true }).waitFor({ state: 'detached' });

      // Delete, after a warning about its tokens.
      await edited.getByRole('button', { name: 'Delete', exact: true }).click();
      const remove = page.getByRole('dialog', { name: 'Delete Acme Deploy?' });
      expect(await remove.textContent()).toContain('Every token it holds will be revoked');
      await remove.getByRole('button', { name: 'Delete application' }).click();
      await page.getByText('You have not registered any application.').waitFor();
      expect((await apiCall(server.url, person, 'GET', '/v1/apps')).body).toEqual({ data: [] });
      expect(await secretWorks(clientId, rotated)).toBe(false);
    });
  });

  it('lists the CLI under Authorized apps after consent with its token, and Revoke access revokes every token it holds', async () => {
    const person = await apiSignUp(server.url, 'authorized');
    const loopback = await startLoopback();
    try {
      await withContext(await signedInContext(browser, server.url, person, VIEWPORT), async (page) => {
        const tokens: string[] = [];
        for (const device of ['ci-box', 'laptop']) {
          const request = await authorizationRequest(server, {
            redirectUri: loopback.redirectUri,
            scope: 'projects:read',
            extra: { device_name: device },
          });
          await page.goto(request.url.toString());
          await page.getByRole('heading', { level: 1, name: 'Authorize Skytells CLI' }).waitFor();
          tokens.push((await redeem(request, await answerConsent(page, 'Authorize', loopback))).access_token);
        }
        await callWithToken(server.url, tokens[0]!, '/v1/projects', USER_AGENT);

        await page.goto('/settings/applications');
        const authorized = page.getByRole('region', { name: 'Authorized apps' });
        const app = authorized.getByRole('article', { name: 'Skytells CLI' });
        await app.waitFor();
        const text = await app.textContent();
        for (const part of ['Official Skytells application', 'skytells-cli', 'projects:read']) {
          expect(text).toContain(part);
        }
        await app.getByRole('link', { name: 'Skytells CLI on ci-box', exact: true }).waitFor();
        await app.getByRole('link', { name: 'Skytells CLI on laptop', exact: true }).waitFor();
        await app.getByText(`127.0.0.1 · ${USER_AGENT.split(' ')[0]}`).waitFor();
        await screenshot(page, 'authorized-apps');
        await expectAccessible(page, 'Authorized apps');
        // Phone width: no sideways scrolling.
        await page.setViewportSize({ width: 390, height: 844 });
        expect(
          await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'),
        ).toBeLessThanOrEqual(0);
        await screenshot(page, 'authorized-apps-phone');

        await app.getByRole('button', { name: 'Revoke access', exact: true }).click();
        const confirm = page.getByRole('dialog', { name: 'Revoke access of Skytells CLI?' });
        expect(await confirm.textContent()).toContain('All 2 of its tokens stop working at once');
        await confirm.getByRole('button', { name: 'Revoke access', exact: true }).click();
        await authorized.getByText('No application holds a token of your account.').waitFor();
        for (const token of tokens) {
          expect(await callWithToken(server.url, token, '/v1/tokens/self', USER_AGENT)).toMatchObject({
            status: 401,
            body: { code: 'token_revoked' },
          });
        }
      });
    } finally {
      await loopback.close();
    }
  });
});

import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiCall,
  apiSignUp,
  buildConsole,
  callWithToken,
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  type ConsoleServer,
  docsScreenshot,
  expectAccessible,
  freshEmail,
  isInJsHeap,
  screenshot,
  signedInContext,
  startConsoleServer,
} from './console-support.js';
import { focusedElement, moveFocusTo } from './keyboard-support.js';

const hasChromium = existsSync(CHROMIUM_PATH);
const suite = hasChromium ? describe : describe.skip;
const suiteName = hasChromium
  ? 'the web console in a real Chromium'
  : `the web console in a real Chromium — SKIPPED: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;

if (!hasChromium) console.warn(`console browser tests skipped: ${suiteName}`);

const TOKEN_PATTERN = /^skt_[0-9A-Za-z]{38}$/;
const WAIT = { timeout: 15_000 };
/** Pixels the page scrolls sideways; evaluated in the page. */
const SIDEWAYS_OVERFLOW = 'document.documentElement.scrollWidth - window.innerWidth';

interface IssuedToken {
  id: string;
  name: string;
  token: string;
}

suite(suiteName, () => {
  let server: ConsoleServer;
  let browser: Browser;

  beforeAll(async () => {
    await buildConsole();
    server = await startConsoleServer();
    // launch() runs Chromium on a fresh temporary profile, deleted on close.
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** The table row of the token named `name`. */
  const row = (page: Page, name: string) =>
    page.locator('tbody tr', { has: page.getByRole('link', { name, exact: true }) });

  /** Answers the "leave without the token value?" question with Leave. */
  const leaveReveal = async (page: Page) => {
    const dialog = page.getByRole('dialog', { name: 'Leave without the token value?' });
    await dialog.getByRole('button', { name: 'Leave', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
  };

  it('walks sign-up, create, copy, use, rotate, verify and revoke, and the values never stay in the page', async () => {
    const context = await browser.newContext({
      baseURL: server.baseUrl,
      viewport: { width: 1280, height: 800 },
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.baseUrl });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      // The signed-out session probe (GET /v1/sessions/current → 401) is expected; anything else is not.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        problems.push(message.text());
      }
    });

    // Sign up.
    await page.goto('/');
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await screenshot(page, 'sign-in');
    await expectAccessible(page, 'the sign-in page');
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByRole('button', { name: 'Create account' }).waitFor();
    await expectAccessible(page, 'the sign-up page');
    await page.getByLabel('Email', { exact: true }).fill(freshEmail('walk'));
    await page.getByLabel('Password', { exact: true }).fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Create account' }).click();

    // The empty state explains tokens and suggests names.
    const empty = page.getByRole('region', { name: 'No active tokens yet' });
    await empty.waitFor();
    expect(await empty.textContent()).toContain('cli-macbook-alice');
    expect(await empty.textContent()).toContain('github-actions-prod');
    expect(
      await page.getByRole('navigation', { name: 'Settings' }).getByRole('link').allTextContents(),
    ).toEqual([
      'Tokens',
      'API Keys',
      'Providers',
      'Security',
      'Webhooks',
      'Workloads',
      'Applications',
      'Audit log',
    ]);
    await screenshot(page, 'tokens-empty');
    await expectAccessible(page, 'Tokens, empty');

    // Create a token with two scopes; an empty form first says what is missing.
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByLabel('Name', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Create token', exact: true }).click();
    await page.getByText('Select at least one scope.').waitFor();
    await expectAccessible(page, 'the create token form with its errors');
    await page.getByLabel('Name', { exact: true }).fill('github-actions-prod');
    await page.getByRole('checkbox', { name: 'tokens:read', exact: true }).check();
    await page.getByRole('checkbox', { name: 'projects:write', exact: true }).check();
    // Write implies read, shown as such.
    const impliedRead = page.getByRole('checkbox', { name: 'projects:read', exact: true });
    expect(await impliedRead.isChecked()).toBe(true);
    expect(await impliedRead.isDisabled()).toBe(true);
    await page.getByLabel('Expiration', { exact: true }).selectOption('30');
    const summary = page.getByRole('region', { name: 'Summary' });
    expect(await summary.textContent()).toContain('github-actions-prod will be able to');
    expect(await summary.textContent()).toContain('(with projects:write)');
    await screenshot(page, 'create-token');
    await expectAccessible(page, 'the create token form, filled in');
    await page.getByRole('button', { name: 'Create token', exact: true }).click();

    // The value, once, with a Copy button and a plain warning.
    const valueField = page.getByLabel('Token value');
    await valueField.waitFor();
    const value = await valueField.inputValue();
    expect(value).toMatch(TOKEN_PATTERN);
    expect(await page.getByText('This is the only time the token value is shown.').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    // Read the clipboard from another tab, so the value never enters the console page's heap through the test.
    const reader = await context.newPage();
    await reader.goto('/healthz');
    expect(await reader.evaluate('navigator.clipboard.readText()')).toBe(value);
    await reader.close();
    await screenshot(page, 'token-value-once');
    await expectAccessible(page, 'the one-time token value');
    // The heap check below can see the value while it is on screen.
    expect(await isInJsHeap(context, page, value)).toBe(true);

    // Leaving asks first.
    await page.getByRole('link', { name: 'Audit log' }).click();
    const leave = page.getByRole('dialog', { name: 'Leave without the token value?' });
    await leave.waitFor();
    await expectAccessible(page, 'the leave-without-the-value dialog');
    await leave.getByRole('button', { name: 'Stay', exact: true }).click();
    expect(await valueField.inputValue()).toBe(value);
    await page.getByRole('button', { name: 'Done', exact: true }).click();
    await leaveReveal(page);

    // The new row, never used.
    const original = row(page, 'github-actions-prod');
    const lastUsed = original.locator('td[data-label="Last used"]');
    await lastUsed.getByText('Never used').waitFor();
    expect(await original.locator('td[data-label="Scopes"]').textContent()).toBe('tokens:readprojects:write');

    // Use it from the test against the API; "last used" follows.
    const used = await callWithToken(server.baseUrl, value, '/v1/projects', 'github-actions-runner/2.320');
    expect(used.status).toBe(200);
    expect(
      (await callWithToken(server.baseUrl, value, '/v1/billing', 'github-actions-runner/2.320')).status,
    ).toBe(403);
    await lastUsed.getByText('127.0.0.1 · github-actions-runner/2.320').waitFor(WAIT);
    expect(await lastUsed.locator('time').textContent()).toBe('just now');
    await screenshot(page, 'tokens-used');
    await expectAccessible(page, 'Tokens, with a used token');

    // Rotate: a replacement with the same scopes and a suggested name.
    await original.getByRole('button', { name: 'Rotate', exact: true }).click();
    const replacementName = page.getByLabel('Name', { exact: true });
    await replacementName.waitFor();
    expect(await replacementName.inputValue()).toBe('github-actions-prod-2');
    expect(await page.getByRole('checkbox', { name: 'tokens:read', exact: true }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'projects:write', exact: true }).isChecked()).toBe(true);
    // Only narrowing: scopes the old token lacks are not offered.
    expect(await page.getByRole('checkbox', { name: 'billing:read', exact: true }).count()).toBe(0);
    await screenshot(page, 'rotate');
    await expectAccessible(page, 'rotation step 1, the replacement form');
    // This walk checks the replacement by hand, then revokes the old token itself.
    await page.getByRole('radio', { name: /^Keep the old token until I revoke it/ }).check();
    await page.getByRole('button', { name: 'Create replacement' }).click();
    const newValueField = page.getByLabel('Token value');
    await newValueField.waitFor();
    const newValue = await newValueField.inputValue();
    expect(newValue).toMatch(TOKEN_PATTERN);
    expect(newValue).not.toBe(value);
    await expectAccessible(page, 'rotation step 2, the replacement value');
    // The browser's Back button asks too.
    await page.goBack();
    const leaveBack = page.getByRole('dialog', { name: 'Leave without the token value?' });
    await leaveBack.getByRole('button', { name: 'Stay', exact: true }).click();
    expect(await newValueField.inputValue()).toBe(newValue);
    await page.getByRole('button', { name: 'Continue to verification' }).click();
    await leaveReveal(page);

    // The rotation view waits for the replacement's first use, then shows when and from where.
    await page.getByText('Waiting for the first use of github-actions-prod-2').waitFor();
    await expectAccessible(page, 'rotation step 3, waiting for the first use');
    expect(
      (await callWithToken(server.baseUrl, newValue, '/v1/tokens/self', 'github-actions-runner/2.321'))
        .status,
    ).toBe(200);
    await page.getByText('The replacement works.').waitFor(WAIT);
    const verify = page.getByRole('region', { name: 'Verify the replacement' });
    expect(await verify.textContent()).toContain('127.0.0.1');
    expect(await verify.textContent()).toContain('github-actions-runner/2.321');
    await screenshot(page, 'rotation-verified');
    await expectAccessible(page, 'rotation step 4, the replacement verified');

    // Revoke the old token.
    await page.getByRole('button', { name: 'Revoke old token' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke github-actions-prod?' });
    expect(await confirm.textContent()).toContain('stops working at once');
    await expectAccessible(page, 'rotation step 5, the revoke dialog');
    await confirm.getByRole('button', { name: 'Revoke token' }).click();
    await page.getByText('github-actions-prod is revoked.').waitFor();
    await expectAccessible(page, 'rotation done, the old token revoked');
    const refused = await callWithToken(
      server.baseUrl,
      value,
      '/v1/tokens/self',
      'github-actions-runner/2.320',
    );
    expect(refused).toMatchObject({ status: 401, body: { code: 'token_revoked' } });

    // The Tokens page shows it revoked.
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Tokens' }).click();
    await row(page, 'github-actions-prod-2').waitFor();
    expect(await row(page, 'github-actions-prod').count()).toBe(0);
    await page.getByRole('radio', { name: 'Revoked' }).check();
    await row(page, 'github-actions-prod').locator('td[data-label="Status"]').getByText('Revoked').waitFor();
    await expectAccessible(page, 'Tokens, revoked');

    // Neither value is anywhere in the page: markup, fields, or JavaScript state.
    const html = await page.content();
    const fields = await page.evaluate(
      `[...document.querySelectorAll('input, textarea')].map((field) => field.value).join('\\n')`,
    );
    for (const secret of [value, newValue]) {
      expect(html).not.toContain(secret);
      expect(fields).not.toContain(secret);
      expect(await isInJsHeap(context, page, secret)).toBe(false);
    }
    // No CSP violation, no script error along the way.
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('rotates with narrower scopes and a scheduled revocation of the old token', async () => {
    const session = await apiSignUp(server.baseUrl, 'scheduled');
    const created = await apiCall<IssuedToken>(server.baseUrl, session, 'POST', '/v1/tokens', {
      name: 'deploy-pipeline-staging',
      scopes: ['projects:read', 'deployments:write'],
      expires_in_days: 60,
    });
    expect(created.status).toBe(201);
    const context = await signedInContext(browser, server.baseUrl, session);
    const page = await context.newPage();
    await page.goto('/settings/tokens');
    await row(page, 'deploy-pipeline-staging').getByRole('button', { name: 'Rotate', exact: true }).click();

    await page.getByRole('checkbox', { name: 'deployments:write', exact: true }).uncheck();
    // Unchecking write keeps read, which the old token held through write.
    expect(await page.getByRole('checkbox', { name: 'deployments:read', exact: true }).isChecked()).toBe(
      true,
    );
    await page.getByRole('radio', { name: 'Automatically in 1 hour' }).check();
    await page.getByRole('button', { name: 'Create replacement' }).click();
    await page.getByLabel('Token value').waitFor();
    await page.getByRole('button', { name: 'Continue to verification' }).click();
    await leaveReveal(page);
    await page.getByText('It will be revoked automatically in 1 hour').waitFor();
    await expectAccessible(page, 'rotation with a scheduled revocation');

    const replacement = await apiCall<{
      data: { name: string; scopes: string[]; replaces: string | null }[];
    }>(server.baseUrl, session, 'GET', '/v1/tokens');
    expect(replacement.body.data[0]).toMatchObject({
      name: 'deploy-pipeline-staging-2',
      scopes: ['projects:read', 'deployments:read'],
      replaces: created.body.id,
    });
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Tokens' }).click();
    await row(page, 'deploy-pipeline-staging').getByText('Revokes in 1 hour').waitFor();
    await row(page, 'deploy-pipeline-staging').getByRole('link', { name: 'Continue rotation' }).waitFor();
    await context.close();
  });

  it('names a token with HTML and script as plain text, runs nothing, and revokes it from its row at once', async () => {
    const session = await apiSignUp(server.baseUrl, 'xss');
    const hostile = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>`;
    const created = await apiCall<IssuedToken>(server.baseUrl, session, 'POST', '/v1/tokens', {
      name: hostile,
      scopes: ['projects:read'],
      expires_in_days: 7,
    });
    expect(created.status).toBe(201);
    const context = await signedInContext(browser, server.baseUrl, session);
    const page = await context.newPage();
    await page.goto('/settings/tokens');

    // Expiring within 7 days, it is also named in the Expiring soon notice: plain text there too.
    const link = page.locator('tbody').getByRole('link', { name: hostile, exact: true });
    await link.waitFor();
    const notice = page.getByRole('region', { name: 'Expiring soon' });
    await notice.waitFor();
    await notice.getByRole('link', { name: hostile, exact: true }).waitFor();
    expect(await page.locator('main img, main script').count()).toBe(0);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();

    const hostileRow = page.locator('tbody tr', {
      has: page.getByRole('link', { name: hostile, exact: true }),
    });
    await hostileRow.getByRole('button', { name: 'Revoke', exact: true }).click();
    const confirm = page.getByRole('dialog', { name: `Revoke ${hostile}?` });
    expect(await confirm.textContent()).toContain('projects:read');
    await expectAccessible(page, 'the revoke dialog of a row');
    await confirm.getByRole('button', { name: 'Revoke token' }).click();
    await hostileRow.locator('td[data-label="Status"]').getByText('Revoked').waitFor();
    expect(await hostileRow.getByRole('button', { name: 'Revoke', exact: true }).isDisabled()).toBe(true);

    await link.click();
    await page.getByRole('heading', { level: 1, name: hostile }).waitFor();
    expect(await page.locator('main img, main script').count()).toBe(0);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    await context.close();
  });

  it('refuses to be framed and serves the console with a strict CSP and no inline script', async () => {
    const response = await fetch(`${server.baseUrl}/settings/tokens`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await response.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);

    const api404 = await fetch(`${server.baseUrl}/v1/no-such-thing`);
    expect(api404.status).toBe(404);
    expect(api404.headers.get('content-type')).toContain('application/problem+json');

    // A page on another origin tries to frame the console.
    let framer: Server | undefined;
    const context = await browser.newContext();
    try {
      framer = createServer((_request, reply) => {
        reply.writeHead(200, { 'content-type': 'text/html' });
        reply.end(`<!doctype html><title>evil</title><iframe src="${server.baseUrl}/signin"></iframe>`);
      });
      await new Promise<void>((resolve) => framer?.listen(0, '127.0.0.1', resolve));
      const port = (framer.address() as AddressInfo).port;
      const page = await context.newPage();
      const blocked = page.waitForEvent('console', {
        predicate: (message) => message.text().includes('frame-ancestors'),
        ...WAIT,
      });
      await page.goto(`http://127.0.0.1:${port}/`);
      await blocked;
      const frame = page.frames().find((candidate) => candidate !== page.mainFrame());
      expect(frame?.url()).not.toBe(`${server.baseUrl}/signin`);
      expect(await frame?.getByRole('button', { name: 'Sign in' }).count()).toBe(0);
    } finally {
      await context.close();
      await new Promise((resolve) => framer?.close(resolve));
    }
  });

  it('signs in and out with clear errors for wrong credentials and throttling', async () => {
    const session = await apiSignUp(server.baseUrl, 'signin');
    const context = await browser.newContext({
      baseURL: server.baseUrl,
      viewport: { width: 1280, height: 800 },
    });
    const page = await context.newPage();
    await page.goto('/settings/audit');
    await page.waitForURL('**/signin?next=%2Fsettings%2Faudit');

    await page.getByLabel('Email', { exact: true }).fill(session.email);
    await page.getByLabel('Password', { exact: true }).fill('not my password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').getByText('Wrong email or password.').waitFor();
    await expectAccessible(page, 'the sign-in page with an error');

    await page.getByLabel('Password', { exact: true }).fill(session.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await page.goto('/settings/tokens');
    await page.waitForURL('**/signin?next=%2Fsettings%2Ftokens');

    // Guessing is throttled, and the page says so.
    const guessed = freshEmail('guessed');
    await page.getByLabel('Email', { exact: true }).fill(guessed);
    await page.getByLabel('Password', { exact: true }).fill('guess');
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const [answer] = await Promise.all([
        page.waitForResponse((response) => response.url().endsWith('/v1/sessions')),
        page.getByRole('button', { name: 'Sign in', exact: true }).click(),
      ]);
      if (answer.status() === 429) break;
    }
    await page.getByRole('alert').getByText('Too many failed sign-in attempts.', { exact: false }).waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(
      /Too many failed sign-in attempts\. Try again in \d+ minutes?\./,
    );
    await context.close();
  });

  it('says plainly that sign-up is closed on a server with closed sign-up', async () => {
    const closed = await startConsoleServer({ SKYTELLS_SIGNUP: 'closed' });
    const context = await browser.newContext({ baseURL: closed.baseUrl });
    try {
      const page = await context.newPage();
      await page.goto('/signup');
      await page.getByLabel('Email', { exact: true }).fill(freshEmail('closed'));
      await page.getByLabel('Password', { exact: true }).fill('correct horse battery staple');
      await page.getByRole('button', { name: 'Create account' }).click();
      await page
        .getByRole('alert')
        .getByText('Sign-up is closed on this server.', { exact: false })
        .waitFor();
      await expectAccessible(page, 'the sign-up page, closed');
    } finally {
      await context.close();
      await closed.close();
    }
  });

  it('flags soon-expiring and never-expiring tokens and reads well at laptop and phone widths', async () => {
    const session = await apiSignUp(server.baseUrl, 'busy');
    const make = async (name: string, scopes: string[], expiry: Record<string, unknown>) => {
      const created = await apiCall<IssuedToken>(server.baseUrl, session, 'POST', '/v1/tokens', {
        name,
        scopes,
        ...expiry,
      });
      expect(created.status).toBe(201);
      return created.body;
    };
    const monitoring = await make(
      'grafana-monitoring',
      ['account:read', 'projects:read', 'deployments:read', 'audit:read'],
      {
        expires: 'never',
      },
    );
    await make('deploy-pipeline-staging', ['projects:read', 'deployments:write'], { expires_in_days: 3 });
    const ci = await make('github-actions-prod', ['projects:read', 'deployments:write'], {
      expires_in_days: 30,
    });
    const cli = await make(
      'cli-macbook-alice',
      ['account:read', 'tokens:read', 'projects:write', 'deployments:write'],
      {
        expires_in_days: 90,
      },
    );
    await callWithToken(server.baseUrl, cli.token, '/v1/account', 'skytells-cli/0.1.0 (darwin; arm64)');
    await callWithToken(server.baseUrl, ci.token, '/v1/projects', 'GitHub-Actions-Runner/2.320.0');
    await callWithToken(server.baseUrl, monitoring.token, '/v1/projects', 'Grafana/11.2.0');

    const context = await signedInContext(browser, server.baseUrl, session);
    const page = await context.newPage();
    await page.goto('/settings/tokens');
    const staging = row(page, 'deploy-pipeline-staging');
    await staging.waitFor();

    const soon = staging.locator('.expiry-soon');
    expect(await soon.locator('time').textContent()).toBe('!Expires in 3 days');
    expect(await row(page, 'grafana-monitoring').locator('.expiry-never').textContent()).toBe(
      '!No expiration',
    );
    expect(await staging.locator('td[data-label="Last used"]').textContent()).toBe('Never used');
    expect(
      await row(page, 'cli-macbook-alice').locator('td[data-label="Last used"]').textContent(),
    ).toContain('skytells-cli/0.1.0');
    // Exact times are on hover and in the markup.
    expect(await soon.locator('time').getAttribute('title')).toMatch(/\d{4}/);
    await screenshot(page, 'tokens', false);
    await expectAccessible(page, 'Tokens, expiring soon and never expiring');
    await docsScreenshot(page);

    // Keyboard: the first row's Rotate button is reachable and opens the rotation form.
    await row(page, 'cli-macbook-alice').getByRole('button', { name: 'Rotate', exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Create replacement' }).waitFor();
    await page.goBack();
    await staging.waitFor();

    // Details show every field.
    await page.getByRole('link', { name: 'grafana-monitoring', exact: true }).click();
    for (const term of [
      'Identifier',
      'ID',
      'Created via',
      'Client',
      'Expires',
      'Last used from',
      'Replaces',
      'Replaced by',
    ]) {
      await page
        .getByRole('term')
        .filter({ hasText: new RegExp(`^${term}$`) })
        .waitFor();
    }
    expect(
      await page
        .getByRole('definition')
        .filter({ hasText: /^Console$/ })
        .count(),
    ).toBe(1);
    await screenshot(page, 'token-details');
    await expectAccessible(page, 'token details');

    // Phone width: no sideways scrolling, rows become cards.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/settings/tokens');
    await staging.waitFor();
    const overflow = await page.evaluate(SIDEWAYS_OVERFLOW);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'tokens-phone');
    await expectAccessible(page, 'Tokens at phone width');
    await page.goto('/settings/tokens/new');
    await page.getByLabel('Name', { exact: true }).waitFor();
    expect(await page.evaluate(SIDEWAYS_OVERFLOW)).toBeLessThanOrEqual(0);
    await screenshot(page, 'create-token-phone');
    await context.close();
  });

  it('signs in, creates a token and copies its value by keyboard alone, the focus visible at every step', async () => {
    const session = await apiSignUp(server.baseUrl, 'keyboard');
    const context = await browser.newContext({
      baseURL: server.baseUrl,
      viewport: { width: 1280, height: 800 },
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.baseUrl });
    const page = await context.newPage();
    await page.goto('/signin');
    const email = page.getByLabel('Email', { exact: true });
    await email.waitFor();
    await moveFocusTo(page, email);
    await page.keyboard.type(session.email);
    const password = page.getByLabel('Password', { exact: true });
    await moveFocusTo(page, password);
    await page.keyboard.type('not my password');
    await moveFocusTo(page, page.getByRole('button', { name: 'Sign in', exact: true }));
    await page.keyboard.press('Enter');
    // A refusal leaves the focus where it was, one Shift+Tab from the password.
    await page.getByRole('alert').getByText('Wrong email or password.').waitFor();
    expect(await focusedElement(page)).toBe('button Sign in');
    await moveFocusTo(page, password, { key: 'Shift+Tab', limit: 1 });
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(session.password);
    await page.keyboard.press('Enter');

    const create = page
      .getByRole('region', { name: 'No active tokens yet' })
      .getByRole('button', { name: 'Create token', exact: true });
    await create.waitFor();
    await moveFocusTo(page, create);
    await page.keyboard.press('Enter');
    const name = page.getByLabel('Name', { exact: true });
    await name.waitFor();
    await moveFocusTo(page, name);
    await page.keyboard.type('keyboard-only');
    await moveFocusTo(page, page.getByRole('checkbox', { name: 'projects:read', exact: true }));
    await page.keyboard.press('Space');
    const expiration = page.getByLabel('Expiration', { exact: true });
    await moveFocusTo(page, expiration);
    await page.keyboard.press('ArrowDown');
    expect(await expiration.inputValue()).toBe('60');
    // Back up to the scopes for one more.
    await moveFocusTo(page, page.getByRole('checkbox', { name: 'tokens:read', exact: true }), {
      key: 'Shift+Tab',
    });
    await page.keyboard.press('Space');
    await moveFocusTo(page, page.getByRole('button', { name: 'Create token', exact: true }));
    await page.keyboard.press('Enter');

    // The focus moves to the new value, two Tabs from Copy.
    const copy = page.getByRole('button', { name: 'Copy', exact: true });
    await copy.waitFor();
    await expect.poll(() => focusedElement(page)).toBe('h2 Copy your new token');
    await moveFocusTo(page, copy, { limit: 2 });
    await page.keyboard.press('Enter');
    await page.getByText('Copied to the clipboard.').waitFor();
    const listed = await apiCall<{ data: { name: string; scopes: string[]; expires_at: string }[] }>(
      server.baseUrl,
      session,
      'GET',
      '/v1/tokens',
    );
    expect(listed.body.data).toEqual([
      expect.objectContaining({ name: 'keyboard-only', scopes: ['tokens:read', 'projects:read'] }),
    ]);
    const days = (Date.parse(listed.body.data[0]?.expires_at ?? '') - Date.now()) / 86_400_000;
    expect(Math.round(days)).toBe(60);
    await context.close();
  });

  it('keeps the focus inside the revoke dialog, closes it with Escape and gives the focus back', async () => {
    const session = await apiSignUp(server.baseUrl, 'dialog');
    for (const name of ['dialog-kept', 'dialog-revoked']) {
      const created = await apiCall(server.baseUrl, session, 'POST', '/v1/tokens', {
        name,
        scopes: ['projects:read'],
        expires_in_days: 7,
      });
      expect(created.status).toBe(201);
    }
    const context = await signedInContext(browser, server.baseUrl, session);
    const page = await context.newPage();
    await page.goto('/settings/tokens');
    const revoke = row(page, 'dialog-revoked').getByRole('button', { name: 'Revoke', exact: true });
    await revoke.waitFor();
    await moveFocusTo(page, revoke);
    await page.keyboard.press('Enter');

    const dialog = page.getByRole('dialog', { name: 'Revoke dialog-revoked?' });
    await dialog.waitFor();
    // The safe answer has the focus; Tab and Shift+Tab go round the dialog, never behind it.
    expect(await focusedElement(page)).toBe('button Cancel');
    const round: (string | null)[] = [];
    for (const key of ['Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
      await page.keyboard.press(key);
      round.push(await focusedElement(page));
    }
    expect(round).toEqual([
      'button Revoke token',
      'button Cancel',
      'button Revoke token',
      'button Cancel',
      'button Revoke token',
      'button Cancel',
    ]);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => focusedElement(page)).toBe('button Revoke');

    // Space opens it again; confirming revokes, and the focus stays on the token's row.
    await page.keyboard.press('Space');
    await dialog.waitFor();
    await moveFocusTo(page, dialog.getByRole('button', { name: 'Revoke token', exact: true }));
    await page.keyboard.press('Enter');
    await row(page, 'dialog-revoked').locator('td[data-label="Status"]').getByText('Revoked').waitFor();
    await expect.poll(() => focusedElement(page)).toBe('link dialog-revoked');
    await context.close();
  });

  it('lists the audit log newest first, a page at a time, filtered by action', async () => {
    const session = await apiSignUp(server.baseUrl, 'audit');
    for (let index = 0; index < 26; index += 1) {
      const created = await apiCall<IssuedToken>(server.baseUrl, session, 'POST', '/v1/tokens', {
        name: `batch-${index}`,
        scopes: ['projects:read'],
        expires_in_days: 1,
      });
      expect(created.status).toBe(201);
    }
    const last = await apiCall<{ data: IssuedToken[] }>(server.baseUrl, session, 'GET', '/v1/tokens?limit=1');
    await apiCall(server.baseUrl, session, 'DELETE', `/v1/tokens/${last.body.data[0]?.id ?? ''}`);

    const context = await signedInContext(browser, server.baseUrl, session);
    const page = await context.newPage();
    await page.goto('/settings/tokens');
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Audit log' }).click();
    const actions = page.locator('td[data-label="Action"]');
    await actions.first().waitFor();
    expect(await actions.first().textContent()).toBe('token.revoked');
    expect(await actions.count()).toBe(25);
    await screenshot(page, 'audit-log');
    await expectAccessible(page, 'the audit log');

    await page.getByRole('button', { name: 'Older' }).click();
    await page.waitForURL(/cursor=/);
    await page.getByRole('table').getByText('account.created').waitFor();
    expect(await actions.count()).toBe(4);
    await page.getByRole('button', { name: 'Newer' }).click();
    await actions.nth(24).waitFor();

    await page.getByLabel('Action', { exact: true }).selectOption('token.revoked');
    await page.waitForURL(/action=token\.revoked/);
    await actions.nth(1).waitFor({ state: 'detached' });
    await actions.first().waitFor();
    expect(await actions.allTextContents()).toEqual(['token.revoked']);
    await expectAccessible(page, 'the audit log, filtered');
    await context.close();
  });
});

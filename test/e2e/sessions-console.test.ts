import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiCall,
  apiSignUp,
  buildConsole,
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  type ConsoleServer,
  expectAccessible,
  screenshot,
  signedInContext,
  startConsoleServer,
} from './console-support.js';

const hasChromium = existsSync(CHROMIUM_PATH);
const suite = hasChromium ? describe : describe.skip;
const suiteName = hasChromium
  ? 'the Security page in a real Chromium'
  : `the Security page in a real Chromium — SKIPPED: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;

suite(suiteName, () => {
  let server: ConsoleServer;
  let browser: Browser;

  beforeAll(async () => {
    await buildConsole();
    server = await startConsoleServer();
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('lists the sessions, signs out the others, and changes the password by keyboard', async () => {
    const session = await apiSignUp(server.baseUrl, 'security');
    // A second sign-in of the same account, elsewhere.
    const response = await fetch(`${server.baseUrl}/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'curl/8.5.0' },
      body: JSON.stringify({ email: session.email, password: session.password }),
    });
    const elsewhere = {
      ...session,
      cookie: (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '',
      csrf: ((await response.json()) as { csrf_token: string }).csrf_token,
    };

    const context = await signedInContext(browser, server.baseUrl, session);
    const page = await context.newPage();
    await page.goto('/settings/tokens');
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Security' }).click();
    await page.getByRole('heading', { level: 1, name: 'Security' }).waitFor();
    const sessions = page.getByRole('table', { name: 'Your active sessions' });
    await sessions.getByText('This session').waitFor();
    expect(await sessions.locator('tbody tr').count()).toBe(2);
    // The other session, named by its user agent, with its own Sign out.
    await sessions.getByRole('rowheader', { name: 'curl/8.5.0' }).waitFor();
    await sessions.getByRole('button', { name: /^Sign out curl\/8\.5\.0/ }).waitFor();
    await expectAccessible(page, 'the Security page');
    await screenshot(page, 'security');

    await page.getByRole('button', { name: 'Sign out other sessions' }).click();
    const dialog = page.getByRole('dialog', { name: 'Sign out other sessions?' });
    await dialog.getByRole('button', { name: 'Sign out other sessions' }).click();
    await page.getByRole('status').getByText('Signed out 1 other session.').waitFor();
    expect(await sessions.locator('tbody tr').count()).toBe(1);
    expect((await apiCall(server.baseUrl, elsewhere, 'GET', '/v1/sessions/current')).status).toBe(401);

    // The password form, by keyboard alone.
    await page.getByLabel('Current password').focus();
    await page.keyboard.type('not my password');
    await page.keyboard.press('Tab');
    await page.keyboard.type('a brand new passphrase');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').getByText('The current password is wrong.').waitFor();
    await page.getByLabel('Current password').fill(session.password);
    await page.getByLabel('Current password').press('Enter');
    await page.getByRole('status').getByText('Password changed.', { exact: false }).waitFor();
    await expectAccessible(page, 'the Security page after a password change');

    expect((await apiCall(server.baseUrl, session, 'GET', '/v1/sessions/current')).status).toBe(200);
    const signIn = await fetch(`${server.baseUrl}/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: session.email, password: 'a brand new passphrase' }),
    });
    expect(signIn.status).toBe(201);
    await context.close();
  });
});

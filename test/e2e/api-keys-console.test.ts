import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiCall,
  type ApiSession,
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
import { focusedElement, moveFocusTo } from './keyboard-support.js';

const hasChromium = existsSync(CHROMIUM_PATH);
const suite = hasChromium ? describe : describe.skip;
const suiteName = hasChromium
  ? 'Settings → API Keys in a real Chromium'
  : `Settings → API Keys in a real Chromium — SKIPPED: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;

if (!hasChromium) console.warn(`console browser tests skipped: ${suiteName}`);

const API_KEY_PATTERN = /^sk_live_[0-9A-Za-z]+$/;

interface ListedKey {
  id: string;
  name: string;
  masked: string;
  status: string;
  expires_at: string | null;
}

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

  const openPage = async (
    label: string,
  ): Promise<{ session: ApiSession; context: BrowserContext; page: Page }> => {
    const session = await apiSignUp(server.baseUrl, label);
    const context = await signedInContext(browser, server.baseUrl, session);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.baseUrl });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto('/settings/api-keys');
    await page.getByRole('heading', { level: 1, name: 'API Keys' }).waitFor();
    return { session, context, page };
  };

  /** The one-time value on show in the "Key value" field. */
  const shownValue = async (page: Page) => page.getByLabel('Key value', { exact: true }).inputValue();

  /** The table row showing the masked key `masked`. */
  const row = (page: Page, masked: string) => page.locator('tbody tr', { hasText: masked });

  it('creates an API key shown once with Copy, lists it masked, rolls it with a grace period and revokes the new one', async () => {
    const { session, context, page } = await openPage('api-keys');
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
    await page.getByRole('region', { name: 'No active API keys' }).waitFor();
    expect(await page.locator('.page-lead').textContent()).toContain('POST /v1/chat/completions');
    await expectAccessible(page, 'API Keys, empty');

    // An empty name says what to do; then the key is created and its value shown once.
    await page.getByRole('button', { name: 'Create API key' }).click();
    await page.getByRole('button', { name: 'Create API key', exact: true }).click();
    await page.getByRole('alert').getByText('Give the key a name').waitFor();
    await expectAccessible(page, 'the create form with its error');
    await page.getByLabel('Name', { exact: true }).fill('support-chatbot');
    await page.getByRole('button', { name: 'Create API key', exact: true }).click();
    await page.getByRole('heading', { name: 'Copy your new API key' }).waitFor();
    const value = await shownValue(page);
    expect(value).toMatch(API_KEY_PATTERN);
    await page.getByText("You won't see this key again.").waitFor();
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /Copied|selected/ })
      .waitFor();
    await expectAccessible(page, 'the one-time API key value');
    await screenshot(page, 'api-key-created');

    const listed = await apiCall<{ data: ListedKey[] }>(server.baseUrl, session, 'GET', '/v1/api-keys');
    const created = listed.body.data[0];
    expect(created).toMatchObject({ name: 'support-chatbot', status: 'active' });
    const first = row(page, created?.masked ?? '?');
    await first.waitFor();
    expect(await first.locator('td[data-label="Status"]').textContent()).toBe('Active');
    expect(await first.locator('td[data-label="Last used"]').textContent()).toBe('Never used');
    expect(await first.locator('td[data-label="Usage"]').textContent()).toBe('No requests yet');

    await page.getByRole('button', { name: 'Done', exact: true }).click();
    await page.getByRole('heading', { name: 'Copy your new API key' }).waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(value);
    expect(await page.content()).toContain(created?.masked);

    // Roll with one day of grace: a new value once; the old key is marked rolled and expires.
    await first.getByRole('button', { name: 'Roll', exact: true }).click();
    const roll = page.getByRole('dialog', { name: 'Roll support-chatbot?' });
    await roll.waitFor();
    expect(await focusedElement(page)).toBe('button Cancel');
    for (const choice of ['Stop the old key now', 'After 1 hour', 'After 1 day', 'After 7 days']) {
      await roll.getByRole('radio', { name: choice, exact: true }).waitFor();
    }
    expect(await roll.getByRole('radio', { name: 'Stop the old key now' }).isChecked()).toBe(true);
    await roll.getByRole('radio', { name: 'After 1 day', exact: true }).check();
    await expectAccessible(page, 'the roll dialog');
    await roll.getByRole('button', { name: 'Roll key', exact: true }).click();
    await page.getByRole('heading', { name: 'Copy the new key for support-chatbot' }).waitFor();
    const rolledValue = await shownValue(page);
    expect(rolledValue).toMatch(API_KEY_PATTERN);
    expect(rolledValue).not.toBe(value);
    await expect.poll(() => page.locator('tbody tr').count()).toBe(2);
    expect(await first.locator('td[data-label="Status"]').textContent()).toBe('ActiveRolled');
    expect(await first.locator('td[data-label="Expires"]').textContent()).toMatch(/^in (1 day|2\d hours)$/);
    expect(await first.getByRole('button', { name: 'Roll', exact: true }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Done', exact: true }).click();
    expect(await page.content()).not.toContain(rolledValue);

    // Revoke the new key: at once, after a confirmation.
    const after = await apiCall<{ data: ListedKey[] }>(server.baseUrl, session, 'GET', '/v1/api-keys');
    const replacement = after.body.data.find((key) => key.id !== created?.id);
    const second = row(page, replacement?.masked ?? '?');
    await second.getByRole('button', { name: 'Revoke', exact: true }).click();
    const revoke = page.getByRole('dialog', { name: 'Revoke support-chatbot?' });
    await expectAccessible(page, 'the revoke dialog');
    await revoke.getByRole('button', { name: 'Revoke key', exact: true }).click();
    await revoke.waitFor({ state: 'detached' });
    expect(await second.locator('td[data-label="Status"]').textContent()).toBe('Revoked');
    await page.getByRole('status').getByText('support-chatbot is revoked.').waitFor();
    const revoked = await apiCall<{ data: ListedKey[] }>(
      server.baseUrl,
      session,
      'GET',
      '/v1/api-keys?status=revoked',
    );
    expect(revoked.body.data.map((key) => key.id)).toEqual([replacement?.id]);
    await expectAccessible(page, 'API Keys, with a rolled and a revoked key');
    await screenshot(page, 'api-keys');

    // Phone width: no sideways scrolling, rows become cards.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(
      await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'),
    ).toBeLessThanOrEqual(0);
    await expectAccessible(page, 'API Keys at phone width');
    await screenshot(page, 'api-keys-phone');
    await context.close();
  }, 60_000);

  it('creates an API key and copies its value with the keyboard alone', async () => {
    const { context, page } = await openPage('api-keys-keyboard');
    await moveFocusTo(page, page.getByRole('button', { name: 'Create API key' }));
    await page.keyboard.press('Enter');
    // The name field has the focus as the form opens.
    await expect.poll(() => focusedElement(page)).toBe('text Name');
    await page.keyboard.type('batch-summaries');
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedElement(page)).toBe('h2 Copy your new API key');
    await moveFocusTo(page, page.getByRole('button', { name: 'Copy', exact: true }), { limit: 3 });
    await page.keyboard.press('Enter');
    await page
      .getByRole('status')
      .filter({ hasText: /Copied|selected/ })
      .waitFor();
    await moveFocusTo(page, page.getByRole('button', { name: 'Done', exact: true }));
    await page.keyboard.press('Enter');
    await page
      .getByRole('cell', { name: /Active/ })
      .first()
      .waitFor();
    expect(await page.locator('tbody th').first().textContent()).toContain('batch-summaries');
    await context.close();
  });
});

/**
 * Settings → Webhooks in a real Chromium against a listening server whose delivery loop runs: add a
 * webhook pointing at a real receiver, see its secret once, send a test event and see it delivered.
 */
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
  ? 'Settings → Webhooks in a real Chromium'
  : `Settings → Webhooks in a real Chromium — SKIPPED: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;

if (!hasChromium) console.warn(`console browser tests skipped: ${suiteName}`);

suite(suiteName, () => {
  let server: ConsoleServer;
  let browser: Browser;
  let receiver: Server;
  let receiverUrl: string;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    await buildConsole();
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(204).end();
      });
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/skytells`;
    server = await startConsoleServer({ SKYTELLS_WEBHOOK_ALLOW_PRIVATE: 'true' });
    server.platform.webhooks.start(500);
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.platform.webhooks.stop();
    await server?.close();
    receiver?.closeAllConnections();
    receiver?.close();
  });

  it('adds a webhook, shows its secret once, sends a test event and shows it delivered in the log', async () => {
    const session = await apiSignUp(server.baseUrl, 'webhooks');
    const context = await signedInContext(browser, server.baseUrl, session);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.baseUrl });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto('/settings/security');
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
    await rail.getByRole('link', { name: 'Webhooks', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
    await page.getByText('No webhooks yet.').waitFor();
    await expectAccessible(page, 'Webhooks, empty');

    // The form says what is missing, then adds the webhook.
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await page.getByLabel('URL', { exact: true }).fill(receiverUrl);
    await page.getByRole('button', { name: 'Add webhook', exact: true }).click();
    await page.getByRole('alert').getByText('Choose at least one event.').waitFor();
    await page.getByRole('checkbox', { name: 'token.created', exact: true }).check();
    // From the keyboard: Space ticks the focused event, Enter in the URL field submits.
    const revokedBox = page.getByRole('checkbox', { name: 'token.revoked', exact: true });
    await revokedBox.focus();
    await page.keyboard.press('Space');
    expect(await revokedBox.isChecked()).toBe(true);
    await expectAccessible(page, 'the add-webhook form');
    await page.getByLabel('URL', { exact: true }).focus();
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { name: 'Copy the signing secret' }).waitFor();
    const secret = await page.getByLabel('Signing secret', { exact: true }).inputValue();
    expect(secret).toMatch(/^whsec_[0-9A-Za-z]{32,}$/);
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /Copied|selected/ })
      .waitFor();
    await expectAccessible(page, 'the one-time signing secret');
    await page.getByRole('button', { name: 'Done', exact: true }).click();
    await page.getByRole('heading', { name: 'Copy the signing secret' }).waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(secret);
    const listed = await apiCall<{ data: { id: string }[] }>(server.baseUrl, session, 'GET', '/v1/webhooks');
    expect(JSON.stringify(listed.body)).not.toContain(secret);

    // A test event: queued, announced, delivered to the receiver, and shown delivered in the log.
    const card = page.getByRole('region', { name: receiverUrl });
    await card.getByText('No deliveries yet.').waitFor();
    await card.getByRole('button', { name: 'Send test event' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'queued' }).waitFor();
    const row = card.locator('tbody tr', { hasText: 'webhook.test' });
    await row.getByText('Delivered').waitFor();
    await row.getByText('204').waitFor();
    expect(received).toHaveLength(1);
    const [delivery] = received;
    const body = JSON.parse(delivery!.body) as { id: string; type: string };
    expect(body.type).toBe('webhook.test');
    expect(await row.textContent()).toContain(body.id);
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]+)$/.exec(String(delivery!.headers['skytells-signature'])) ?? [];
    expect(v1).toBe(createHmac('sha256', secret).update(`${t}.${delivery!.body}`).digest('hex'));
    await expectAccessible(page, 'Webhooks, with a delivered test event');
    await screenshot(page, 'webhooks');

    // Delete asks first, then the webhook is gone.
    await card.getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this webhook?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Delete webhook' }).click();
    await page.getByRole('status').filter({ hasText: 'is deleted' }).waitFor();
    await page.getByText('No webhooks yet.').waitFor();
    await context.close();
  });
});

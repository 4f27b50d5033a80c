import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAiCompletion } from '../support/provider-stand-ins.js';
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
import { focusedElement, moveFocusTo } from './keyboard-support.js';

const hasChromium = existsSync(CHROMIUM_PATH);
const suite = hasChromium ? describe : describe.skip;
const suiteName = hasChromium
  ? 'Settings → Providers in a real Chromium'
  : `Settings → Providers in a real Chromium — SKIPPED: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;

if (!hasChromium) console.warn(`console browser tests skipped: ${suiteName}`);

/** The key the stand-in OpenAI accepts. */
const GOOD_KEY = 'sk-proj-standin0123456789abcdefGHIJ';

/**
 * A stand-in for OpenAI's API: `GET …/models` answers the model list for {@link GOOD_KEY} and
 * OpenAI's 401 error for any other key; `POST …/chat/completions` a canned completion. It records
 * the keys it was shown.
 */
function startOpenAiStandIn(): Promise<{ server: Server; url: string; keysSeen: string[] }> {
  const keysSeen: string[] = [];
  const server = createServer((request, response) => {
    const key = (request.headers.authorization ?? '').replace(/^Bearer /, '');
    keysSeen.push(key);
    response.setHeader('content-type', 'application/json');
    const path = request.url ?? '';
    if (request.method === 'POST' && path.endsWith('/chat/completions') && key === GOOD_KEY) {
      request.resume();
      response.writeHead(200).end(JSON.stringify(openAiCompletion('gpt-4o-mini')));
    } else if (request.method !== 'GET' || !path.endsWith('/models')) {
      response.writeHead(404).end(JSON.stringify({ error: { message: 'Not found' } }));
    } else if (key !== GOOD_KEY) {
      response.writeHead(401).end(
        JSON.stringify({
          error: {
            message: 'Incorrect API key provided.',
            type: 'invalid_request_error',
            code: 'invalid_api_key',
          },
        }),
      );
    } else {
      response.writeHead(200).end(
        JSON.stringify({
          object: 'list',
          data: [{ id: 'gpt-4o-mini', object: 'model', owned_by: 'openai' }],
        }),
      );
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}/v1`, keysSeen });
    });
  });
}

suite(suiteName, () => {
  let server: ConsoleServer;
  let browser: Browser;
  let openAi: Awaited<ReturnType<typeof startOpenAiStandIn>>;

  beforeAll(async () => {
    await buildConsole();
    openAi = await startOpenAiStandIn();
    server = await startConsoleServer({ SKYTELLS_OPENAI_BASE_URL: openAi.url });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await new Promise((resolve) => openAi?.server.close(resolve));
  });

  it('adds an OpenAI key by keyboard, tests it with the provider, shows it masked and never again with its usage, and removes it', async () => {
    const session = await apiSignUp(server.baseUrl, 'providers');
    const context = await signedInContext(browser, server.baseUrl, session);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto('/settings/providers');
    await page.getByRole('heading', { level: 1, name: 'Providers' }).waitFor();
    const openai = page.getByRole('article', { name: 'OpenAI', exact: true });
    for (const name of ['OpenAI', 'Anthropic', 'OpenAI-compatible']) {
      await page
        .getByRole('article', { name, exact: true })
        .getByRole('button', { name: 'Add key', exact: true })
        .waitFor();
    }
    await expectAccessible(page, 'Providers, none saved');

    // The OpenAI-compatible form asks for the base URL too.
    const compatible = page.getByRole('article', { name: 'OpenAI-compatible', exact: true });
    await compatible.getByRole('button', { name: 'Add key', exact: true }).click();
    await compatible.getByLabel('Base URL', { exact: true }).waitFor();
    await compatible.getByRole('button', { name: 'Cancel', exact: true }).click();

    // Add the OpenAI key with the keyboard alone.
    await moveFocusTo(page, openai.getByRole('button', { name: 'Add key', exact: true }));
    await page.keyboard.press('Enter');
    const keyField = openai.getByLabel('API key', { exact: true });
    await keyField.waitFor();
    expect(await keyField.getAttribute('type')).toBe('password');
    expect(await keyField.getAttribute('autocomplete')).toBe('off');
    expect(await openai.getByRole('checkbox', { name: 'Test the key with the provider' }).isChecked()).toBe(
      true,
    );
    expect(await focusedElement(page)).toBe('password API key');
    await expectAccessible(page, 'the add key form');
    await screenshot(page, 'provider-add-form');
    await page.keyboard.type(GOOD_KEY);
    await moveFocusTo(page, openai.getByRole('button', { name: 'Save key', exact: true }), { limit: 3 });
    await page.keyboard.press('Enter');

    const status = openai.getByRole('status');
    await status.getByText('OpenAI key saved. Test passed', { exact: false }).waitFor();
    expect(openAi.keysSeen).toContain(GOOD_KEY);
    await openai.getByText(`…${GOOD_KEY.slice(-4)}`).waitFor();
    await openai.getByRole('button', { name: 'Replace key', exact: true }).waitFor();
    await openai.getByRole('button', { name: 'Remove key', exact: true }).waitFor();
    expect(await page.content()).not.toContain(GOOD_KEY);
    const fieldValues = await page.evaluate<string[]>(
      "[...document.querySelectorAll('input')].map((input) => input.value)",
    );
    expect(fieldValues).not.toContain(GOOD_KEY);
    await expectAccessible(page, 'Providers, OpenAI saved');
    await screenshot(page, 'providers');

    // A completion through the gateway with an API key shows as usage on the card (and, below, on the key).
    const apiKey = await apiCall<{ key: string }>(server.baseUrl, session, 'POST', '/v1/api-keys', {
      name: 'support-chatbot',
    });
    const completion = await fetch(`${server.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey.body.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] }),
    });
    expect(completion.status).toBe(200);
    await page.reload();
    await openai.getByText('1 request · 18 tokens').waitFor();

    // A key the provider refuses is reported as such, with what to do.
    await openai.getByRole('button', { name: 'Replace key', exact: true }).click();
    await openai.getByLabel('API key', { exact: true }).fill('sk-not-a-real-key-0000');
    await openai.getByRole('button', { name: 'Save key', exact: true }).click();
    await status.getByText('the test failed', { exact: false }).waitFor();
    expect(await status.textContent()).toContain('replace it');
    await expectAccessible(page, 'Providers, a refused key');

    // Remove it after a confirmation.
    await openai.getByRole('button', { name: 'Remove key', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove the OpenAI key?' });
    await dialog.waitFor();
    await expectAccessible(page, 'the remove key dialog');
    await dialog.getByRole('button', { name: 'Remove key', exact: true }).click();
    await status.getByText('OpenAI key removed.').waitFor();
    await openai.getByRole('button', { name: 'Add key', exact: true }).waitFor();
    const listed = await apiCall<{ data: unknown[] }>(server.baseUrl, session, 'GET', '/v1/providers');
    expect(listed.body.data).toEqual([]);

    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'API Keys' }).click();
    const keyRow = page.locator('tbody tr', { hasText: 'support-chatbot' });
    expect(await keyRow.locator('td[data-label="Usage"]').textContent()).toBe('1 request · 18 tokens');
    await context.close();
  }, 60_000);
});

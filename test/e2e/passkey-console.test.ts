import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { createTestPlatform, type TestPlatform } from '../support/harness.js';
import {
  apiSignUp,
  buildConsole,
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  expectAccessible,
  screenshot,
  signedInContext,
} from './console-support.js';

const hasChromium = existsSync(CHROMIUM_PATH);
const suite = hasChromium ? describe : describe.skip;
const suiteName = hasChromium
  ? 'passkeys on the Security page and at sign-in, in a real Chromium with a virtual authenticator'
  : `passkeys in a real Chromium — SKIPPED: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;

if (!hasChromium) console.warn(`console browser tests skipped: ${suiteName}`);

const MINUTE = 60_000;

/** A free TCP port on loopback: the public URL must name it before the server starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

suite(suiteName, () => {
  let platform: TestPlatform;
  let baseUrl: string;
  let browser: Browser;
  // The server's clock: it moves past the re-authentication window.
  const clock = new ManualClock(new Date());

  beforeAll(async () => {
    await buildConsole();
    const port = await freePort();
    // Browsers make passkeys for a host name, not an address: the console is reached at localhost.
    baseUrl = `http://localhost:${port}`;
    platform = await createTestPlatform({ clock, env: { SKYTELLS_PUBLIC_URL: baseUrl } });
    await platform.app.listen({ host: 'localhost', port });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  const signIn = async (page: Page, email: string, password: string) => {
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  };

  const signOut = async (page: Page) => {
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  };

  it('adds a passkey from the Security page, signs in with it, and removes it after confirming with the passkey', async () => {
    const session = await apiSignUp(baseUrl, 'passkey');
    const context = await signedInContext(browser, baseUrl, session);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    // A platform authenticator with user verification, as a laptop's fingerprint reader (CDP WebAuthn domain).
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });

    await page.goto('/settings/security');
    await page.getByRole('heading', { level: 2, name: 'Passkeys' }).waitFor();
    await page.getByText('No passkeys yet.').waitFor();
    await expectAccessible(page, 'the Security page with passkeys');

    await page.getByRole('button', { name: 'Add passkey' }).click();
    const nameField = page.getByLabel('Passkey name');
    await page.getByRole('button', { name: 'Create passkey' }).click();
    await page.getByRole('alert').getByText('Name the passkey', { exact: false }).waitFor();
    await expectAccessible(page, 'the passkey name form');
    await nameField.fill('This laptop');
    await page.getByRole('button', { name: 'Create passkey' }).click();

    // The first second factor: recovery codes, once.
    await page.getByRole('heading', { name: 'Recovery codes' }).waitFor();
    expect(await page.locator('.recovery-codes li').allTextContents()).toHaveLength(10);
    await page.getByRole('button', { name: 'Done', exact: true }).click();
    const row = page.getByRole('row', { name: /This laptop/ });
    await row.waitFor();
    await page.getByText('10 of 10 left').waitFor();
    await expectAccessible(page, 'the passkey list');
    await screenshot(page, 'security-passkeys');
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]?.rpId).toBe('localhost');

    // Sign out, and back in: the password, then the passkey.
    await signOut(page);
    await signIn(page, session.email, session.password);
    const usePasskey = page.getByRole('button', { name: 'Use a passkey' });
    await usePasskey.waitFor();
    await expectAccessible(page, 'the passkey sign-in step');
    await usePasskey.click();
    await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
    const after = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(after.credentials[0]?.signCount).toBeGreaterThan(0);

    // Eleven minutes later, removing it asks for the password inline and then goes ahead.
    clock.advance(11 * MINUTE);
    await page.goto('/settings/security');
    await page.getByRole('button', { name: 'Remove passkey This laptop' }).click();
    await page
      .getByRole('dialog', { name: 'Remove passkey “This laptop”?' })
      .getByRole('button', { name: 'Remove', exact: true })
      .click();
    // The dialog offers the passkey in place of the password.
    const reauth = page.getByRole('dialog', { name: 'Confirm your password' });
    await reauth.getByRole('button', { name: 'Use a passkey' }).click();
    await page.getByText('No passkeys yet.').waitFor();
    await page.getByText('Two-factor authentication is off.').waitFor();

    await signOut(page);
    await signIn(page, session.email, session.password);
    await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
    await context.close();
  }, 120_000);
});

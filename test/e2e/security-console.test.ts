import { existsSync } from 'node:fs';
import { Secret, TOTP } from 'otpauth';
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
  ? 'Settings → Security in a real Chromium'
  : `Settings → Security in a real Chromium — SKIPPED: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;

if (!hasChromium) console.warn(`console browser tests skipped: ${suiteName}`);

const MINUTE = 60_000;

suite(suiteName, () => {
  let platform: TestPlatform;
  let baseUrl: string;
  let browser: Browser;
  // The server's clock: codes are computed on it, and it moves past the re-authentication window.
  const clock = new ManualClock(new Date());

  beforeAll(async () => {
    await buildConsole();
    platform = await createTestPlatform({ clock });
    baseUrl = (await platform.app.listen({ host: '127.0.0.1', port: 0 })).replace('localhost', '127.0.0.1');
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  /** The code an authenticator app holding `secret` shows on the server's clock, `steps` steps ahead. */
  const codeOf = (secret: string, steps = 0) =>
    TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: clock.now().getTime() + steps * 30_000 });

  const signIn = async (page: Page, email: string, password: string) => {
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  };

  const signOut = async (page: Page) => {
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  };

  it('enrols an authenticator app from the page, signs in with a code and with a recovery code, confirms with a code for new recovery codes and with the password to turn 2FA off', async () => {
    const session = await apiSignUp(baseUrl, 'security');
    const context = await signedInContext(browser, baseUrl, session);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto('/settings/security');
    await page.getByRole('heading', { level: 1, name: 'Security' }).waitFor();
    await page.getByText('Two-factor authentication is off.').waitFor();
    await expectAccessible(page, 'the Security page');

    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    await page.getByRole('img', { name: 'QR code to add Skytells to your authenticator app' }).waitFor();
    const secret = ((await page.locator('.setup-key').textContent()) ?? '').replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await expectAccessible(page, 'the authenticator enrolment');
    await screenshot(page, 'security-enrolment');

    await page.getByLabel('Code from the app').fill('000000' === codeOf(secret) ? '111111' : '000000');
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.getByRole('alert').getByText('That code is not right', { exact: false }).waitFor();
    await page.getByLabel('Code from the app').fill(codeOf(secret));
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();

    await page.getByRole('heading', { name: 'Recovery codes' }).waitFor();
    const codes = await page.locator('.recovery-codes li').allTextContents();
    expect(codes).toHaveLength(10);
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /Copied|selected/ })
      .waitFor();
    await expectAccessible(page, 'the recovery codes');
    await screenshot(page, 'security-recovery-codes');
    await page.getByRole('button', { name: 'Done', exact: true }).click();
    await page.getByText('10 of 10 left').waitFor();
    expect(await page.content()).not.toContain(codes[0]);

    // Sign in again: the password, then the authenticator code.
    await signOut(page);
    await signIn(page, session.email, session.password);
    const codeField = page.getByLabel('Authentication code');
    await codeField.waitFor();
    await expectAccessible(page, 'the second sign-in step');
    // The focus is in the code field, which offers the browser's one-time-code autofill.
    expect(await page.evaluate('document.activeElement?.getAttribute("autocomplete")')).toBe('one-time-code');
    await codeField.fill(codeOf(secret, -5));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').getByText('That code is not right', { exact: false }).waitFor();
    await codeField.fill(codeOf(secret, 1));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();

    // And with a recovery code, by keyboard.
    await signOut(page);
    await signIn(page, session.email, session.password);
    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await page.getByLabel('Recovery code').waitFor();
    await page.keyboard.type(codes[0] ?? '');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();

    // Eleven minutes later, new recovery codes ask for a confirmation inline: here an authenticator code.
    clock.advance(11 * MINUTE);
    await page.goto('/settings/security');
    await page.getByText('9 of 10 left').waitFor();
    await page.getByRole('button', { name: 'Generate new recovery codes' }).click();
    const confirmCode = page.getByRole('dialog', { name: 'Confirm your password' });
    await confirmCode.getByRole('button', { name: 'Use an authenticator code instead' }).click();
    await confirmCode.getByLabel('Authentication code').fill(codeOf(secret));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Recovery codes' }).waitFor();
    const renewed = await page.locator('.recovery-codes li').allTextContents();
    expect(renewed).toHaveLength(10);
    expect(renewed).not.toContain(codes[1]);
    await page.getByRole('button', { name: 'Done', exact: true }).click();
    await page.getByText('10 of 10 left').waitFor();

    // Eleven minutes later again, turning 2FA off asks for the password inline and then goes ahead.
    clock.advance(11 * MINUTE);
    await page.goto('/settings/security');
    await page.getByText('10 of 10 left').waitFor();
    await page.getByRole('button', { name: 'Turn off two-factor authentication' }).click();
    await page
      .getByRole('dialog', { name: 'Turn off two-factor authentication?' })
      .getByRole('button', { name: 'Turn off' })
      .click();
    const reauth = page.getByRole('dialog', { name: 'Confirm your password' });
    await reauth.waitFor();
    await expectAccessible(page, 'the password confirmation');
    await page.keyboard.type('not my password');
    await page.keyboard.press('Enter');
    await reauth.getByRole('alert').getByText('Wrong password.').waitFor();
    await reauth.getByLabel('Password').fill(session.password);
    await page.keyboard.press('Enter');
    await page.getByText('Two-factor authentication is off.').waitFor();

    await signOut(page);
    await signIn(page, session.email, session.password);
    await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
    await context.close();
  }, 120_000);

  it('asks for the password inline before creating a token that never expires in a session older than ten minutes', async () => {
    const session = await apiSignUp(baseUrl, 'never');
    clock.advance(11 * MINUTE);
    const context = await signedInContext(browser, baseUrl, session);
    const page = await context.newPage();
    await page.goto('/settings/tokens/new');
    await page.getByLabel('Name', { exact: true }).fill('forever');
    await page.getByRole('checkbox', { name: 'tokens:read', exact: true }).check();
    await page.getByLabel('Expiration').selectOption({ label: 'No expiration' });
    await page.getByRole('button', { name: 'Create token', exact: true }).click();
    const reauth = page.getByRole('dialog', { name: 'Confirm your password' });
    await reauth.getByLabel('Password').fill(session.password);
    await reauth.getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.getByRole('heading', { name: 'Token created' }).waitFor();
    await context.close();
  });

  it('asks for the password inline before changing the password in a session older than ten minutes', async () => {
    const session = await apiSignUp(baseUrl, 'stale-password');
    clock.advance(11 * MINUTE);
    const context = await signedInContext(browser, baseUrl, session);
    const page = await context.newPage();
    await page.goto('/settings/security');
    const newPassword = 'a brand new passphrase 42';
    await page.getByLabel('Current password', { exact: true }).fill(session.password);
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByRole('button', { name: 'Change password', exact: true }).click();
    const reauth = page.getByRole('dialog', { name: 'Confirm your password' });
    await reauth.getByLabel('Password').fill(session.password);
    await reauth.getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.getByRole('status').getByText('Password changed.').waitFor();

    await signOut(page);
    await signIn(page, session.email, newPassword);
    await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
    await context.close();
  });
});

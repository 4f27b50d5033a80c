/**
 * Settings → Workloads in a real Chromium against a listening server: trust a GitHub Actions workload
 * (the subject pattern checked and explained as it is typed, the password asked for), see it listed,
 * delete it; and follow a token a workload's job got from the Tokens page to its workload.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Token, Workload } from '@skytells/contract';
import { ID_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT, WORKLOAD_ISSUER_PRESETS } from '@skytells/contract';
import { ManualClock } from '../../src/core/clock.js';
import { createTestPlatform, type TestPlatform } from '../support/harness.js';
import { type OidcIssuer, startOidcIssuer } from '../support/oidc-issuer.js';
import {
  apiCall,
  apiSignUp,
  buildConsole,
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  expectAccessible,
  screenshot,
  signedInContext,
} from './console-support.js';
import { moveFocusTo } from './keyboard-support.js';

const hasChromium = existsSync(CHROMIUM_PATH);
const suite = hasChromium ? describe : describe.skip;
const suiteName = hasChromium
  ? 'Settings → Workloads in a real Chromium'
  : `Settings → Workloads in a real Chromium — SKIPPED: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;

if (!hasChromium) console.warn(`console browser tests skipped: ${suiteName}`);

const MINUTE = 60_000;

/** The label of the focused field, or the text of the focused button. */
function focusedLabel(page: Page): Promise<string | null> {
  return page.evaluate<string | null>(`(() => {
    const active = document.activeElement;
    const label = active?.labels?.[0] ?? null;
    return (label ?? active)?.textContent?.trim() ?? null;
  })()`);
}

suite(suiteName, () => {
  let platform: TestPlatform;
  let baseUrl: string;
  let browser: Browser;
  let issuer: OidcIssuer;
  // The server's clock: it moves past the re-authentication window.
  const clock = new ManualClock(new Date());

  beforeAll(async () => {
    await buildConsole();
    issuer = await startOidcIssuer();
    platform = await createTestPlatform({ clock, env: { SKYTELLS_WORKLOAD_ALLOW_INSECURE_ISSUER: 'true' } });
    baseUrl = (await platform.app.listen({ host: '127.0.0.1', port: 0 })).replace('localhost', '127.0.0.1');
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.close();
    await issuer?.close();
  });

  it('trusts a GitHub Actions workload after the password, explains its subject pattern, lists it and deletes it', async () => {
    const session = await apiSignUp(baseUrl, 'workloads');
    clock.advance(11 * MINUTE);
    const context = await signedInContext(browser, baseUrl, session);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
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
    await rail.getByRole('link', { name: 'Workloads', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Workloads' }).waitFor();
    await page.getByText('No workloads yet.').waitFor();
    await expectAccessible(page, 'Workloads, empty');

    await page.getByRole('button', { name: 'Add workload' }).click();
    const form = page.locator('form');
    await form.getByLabel('Name', { exact: true }).waitFor();
    expect(await focusedLabel(page)).toBe('Name');
    // A preset fills the issuer; the audience starts as this server's URL.
    const issuerField = form.getByLabel('Issuer', { exact: true });
    const github = form.getByRole('radio', { name: 'GitHub Actions' });
    expect(await github.isChecked()).toBe(true);
    expect(await issuerField.inputValue()).toBe(WORKLOAD_ISSUER_PRESETS.github.issuer);
    // From the keyboard: Tab reaches the chosen CI, the arrow keys choose another.
    await moveFocusTo(page, github);
    await page.keyboard.press('ArrowRight');
    expect(await form.getByRole('radio', { name: 'GitLab CI' }).isChecked()).toBe(true);
    expect(await issuerField.inputValue()).toBe(WORKLOAD_ISSUER_PRESETS.gitlab.issuer);
    await page.keyboard.press('ArrowRight');
    expect(await issuerField.inputValue()).toBe('');
    await github.check();
    expect(await issuerField.inputValue()).toBe(WORKLOAD_ISSUER_PRESETS.github.issuer);
    expect(await form.getByLabel('Audience', { exact: true }).inputValue()).toBe(baseUrl);
    const subject = form.getByLabel('Subject', { exact: true });
    expect(await subject.getAttribute('placeholder')).toBe(WORKLOAD_ISSUER_PRESETS.github.subjectExample);

    // Submitting empty names what is missing and puts the focus on the first field to fix.
    await form.getByRole('button', { name: 'Add workload', exact: true }).click();
    await form.getByText('Give the workload a name').waitFor();
    await expect.poll(() => focusedLabel(page)).toBe('Name');
    await form.getByLabel('Name', { exact: true }).fill('deploy-api');

    // The subject is checked as it is typed, with the server's rule, and explained in words.
    const preview = form.getByRole('region', { name: 'What this will accept' });
    await subject.pressSequentially('repo:acme/api:ref:refs/heads/feature-*');
    await form.getByText('“feature-*”: * must be a whole segment').waitFor();
    expect(await subject.getAttribute('aria-invalid')).toBe('true');
    await preview.getByText('Nothing yet: fix the subject above.').waitFor();
    await subject.fill('repo:acme/api:ref:refs/heads/*');
    await preview.getByText('Jobs running for any branch of acme/api').waitFor();
    expect(await preview.textContent()).toContain('repo:acme/api:ref:refs/heads/any one segment');
    expect(await subject.getAttribute('aria-invalid')).toBeNull();

    // A suggested claim adds its row and puts the focus in its value.
    await form.getByRole('button', { name: 'Add claim environment' }).click();
    expect(await focusedLabel(page)).toBe('Claim 1 value');
    await page.keyboard.type('production');
    expect(await form.getByLabel('Claim 1 name').inputValue()).toBe('environment');

    // From the keyboard: Space checks the focused scope.
    const scope = form.getByRole('checkbox', { name: 'deployments:write', exact: true });
    await scope.focus();
    await page.keyboard.press('Space');
    expect(await scope.isChecked()).toBe(true);

    const addresses = form.getByLabel('Only from these addresses');
    await addresses.fill('10.0.0.0/33');
    await form.getByText('“10.0.0.0/33”: the prefix after “/” must be a number from 0 to 32.').waitFor();
    await addresses.fill('203.0.113.0/24');
    await form.getByLabel('Token lifetime').selectOption({ label: '30 minutes' });
    await expectAccessible(page, 'the add-workload form');
    await screenshot(page, 'workloads-form');

    // The session is over ten minutes old: the password is asked for, then the workload is added.
    await form.getByLabel('Name', { exact: true }).focus();
    await page.keyboard.press('Enter');
    const reauth = page.getByRole('dialog', { name: 'Confirm your password' });
    await reauth.getByLabel('Password').fill(session.password);
    await reauth.getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'deploy-api is trusted' }).waitFor();
    const row = page.getByRole('row', { name: /deploy-api/ });
    await row.waitFor();
    const text = await row.textContent();
    for (const shown of ['GitHub Actions', 'repo:acme/api:ref:refs/heads/*', 'environment=production']) {
      expect(text).toContain(shown);
    }
    for (const shown of ['deployments:write', '30 minutes', 'Never']) expect(text).toContain(shown);
    const listed = await apiCall<{ data: Workload[] }>(baseUrl, session, 'GET', '/v1/workloads');
    expect(listed.body.data).toEqual([
      expect.objectContaining({
        name: 'deploy-api',
        issuer: WORKLOAD_ISSUER_PRESETS.github.issuer,
        audience: baseUrl,
        subject: 'repo:acme/api:ref:refs/heads/*',
        claims: { environment: 'production' },
        scopes: ['deployments:write'],
        allowed_ips: ['203.0.113.0/24'],
        ttl_seconds: 1800,
        last_exchanged_at: null,
      }),
    ]);
    await expectAccessible(page, 'Workloads, with one');

    // The server's refusal is shown next to its field.
    await page.getByRole('button', { name: 'Add workload' }).click();
    await form.getByLabel('Name', { exact: true }).fill('deploy-api');
    await form.getByLabel('Subject', { exact: true }).fill('repo:acme/api:ref:refs/heads/main');
    await form.getByRole('checkbox', { name: 'deployments:read', exact: true }).check();
    await form.getByRole('button', { name: 'Add workload', exact: true }).click();
    await form.getByText('A workload is already named “deploy-api”').waitFor();
    expect(await form.getByLabel('Name', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await form.getByRole('button', { name: 'Cancel', exact: true }).click();

    // Delete asks first, then the workload is gone and the focus is back on Add workload.
    await row.getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this workload?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Delete workload' }).click();
    await page.getByRole('status').filter({ hasText: 'deploy-api is deleted' }).waitFor();
    await page.getByText('No workloads yet.').waitFor();
    await expect.poll(() => focusedLabel(page)).toBe('Add workload');
    const after = await apiCall<{ data: Workload[] }>(baseUrl, session, 'GET', '/v1/workloads');
    expect(after.body.data).toEqual([]);
    await context.close();
  }, 120_000);

  it('shows a token a job got by exchange as made by a workload, linked to the workload', async () => {
    const session = await apiSignUp(baseUrl, 'workload-token');
    const created = await apiCall<Workload>(baseUrl, session, 'POST', '/v1/workloads', {
      name: 'ci-deploy',
      issuer: issuer.url,
      audience: baseUrl,
      subject: 'repo:acme/api:ref:refs/heads/main',
      scopes: ['projects:read'],
      ttl_seconds: 300,
    });
    expect(created.status).toBe(201);
    const now = Math.floor(clock.now().getTime() / 1000);
    const idToken = await issuer.sign({
      sub: 'repo:acme/api:ref:refs/heads/main',
      aud: baseUrl,
      iat: now,
      exp: now + 300,
    });
    const exchanged = await fetch(`${baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: TOKEN_EXCHANGE_GRANT,
        subject_token: idToken,
        subject_token_type: ID_TOKEN_TYPE,
        audience: 'ci-deploy',
      }),
    });
    expect(exchanged.status).toBe(200);
    const tokens = await apiCall<{ data: Token[] }>(baseUrl, session, 'GET', '/v1/tokens');
    const token = tokens.body.data.find((candidate) => candidate.workload_id === created.body.id);
    expect(token?.created_via).toBe('workload');

    const context = await signedInContext(browser, baseUrl, session);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto('/settings/tokens');
    const row = page.locator(`tr[data-token-id="${token?.id ?? ''}"]`);
    await row.getByText('Origin: Workload').waitFor();
    await row.getByRole('link', { name: token?.name ?? '' }).click();
    await page.getByRole('heading', { level: 1, name: token?.name ?? '' }).waitFor();
    const details = page.getByRole('region', { name: 'Details' });
    expect(await details.textContent()).toContain('Created viaWorkload');
    await expectAccessible(page, 'the details of a token a workload issued');
    await details.getByRole('link', { name: 'ci-deploy' }).click();
    await page.getByRole('heading', { level: 1, name: 'Workloads' }).waitFor();
    const marked = page.locator('tr[aria-current="true"]');
    await marked.waitFor();
    expect(await marked.getAttribute('data-workload-id')).toBe(created.body.id);
    expect(await marked.textContent()).toContain('ci-deploy');
    await context.close();
  }, 60_000);
});

import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiCall,
  type ApiSession,
  apiSignUp,
  buildConsole,
  callWithToken,
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  type ConsoleServer,
  expectAccessible,
  screenshot,
  signedInContext,
  startConsoleServer,
} from './console-support.js';
import { moveFocusTo } from './keyboard-support.js';

const hasChromium = existsSync(CHROMIUM_PATH);
const suite = hasChromium ? describe : describe.skip;
const suiteName = hasChromium
  ? 'Token restrictions, self-finishing rotation, usage and expiry notices in a real Chromium'
  : `Token restrictions in a real Chromium — SKIPPED: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;

if (!hasChromium) console.warn(`console browser tests skipped: ${suiteName}`);

const WAIT = { timeout: 20_000 };

interface ListedToken {
  id: string;
  name: string;
  status: string;
  scopes: string[];
  revoked_at: string | null;
  replaced_by: string | null;
  revoke_on_first_use_of: string | null;
  allowed_ips: string[] | null;
  rate_limit: { requests: number; per_seconds: number } | null;
  projects: string[] | null;
}

interface IssuedToken extends ListedToken {
  token: string;
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
    path: string,
  ): Promise<{ session: ApiSession; context: BrowserContext; page: Page }> => {
    const session = await apiSignUp(server.baseUrl, label);
    const context = await signedInContext(browser, server.baseUrl, session);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(path);
    return { session, context, page };
  };

  const createToken = async (session: ApiSession, body: Record<string, unknown>) => {
    const created = await apiCall<IssuedToken>(server.baseUrl, session, 'POST', '/v1/tokens', body);
    expect(created.status).toBe(201);
    return created.body;
  };

  const getToken = async (session: ApiSession, id: string) =>
    (await apiCall<ListedToken>(server.baseUrl, session, 'GET', `/v1/tokens/${id}`)).body;

  /** Takes the one-time value off the reveal panel and leaves it with `button`, answering Leave. */
  const takeValue = async (page: Page, button: string) => {
    const field = page.getByLabel('Token value');
    await field.waitFor();
    const value = await field.inputValue();
    await page.getByRole('button', { name: button, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Leave without the token value?' });
    await dialog.getByRole('button', { name: 'Leave', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    return value;
  };

  it('creates a token restricted to addresses, a rate limit and projects, checking each address as it is typed, and shows the restrictions in the list, the details and the API', async () => {
    const session = await apiSignUp(server.baseUrl, 'restricted');
    const web = await apiCall<{ id: string }>(server.baseUrl, session, 'POST', '/v1/projects', {
      name: 'web',
    });
    await apiCall(server.baseUrl, session, 'POST', '/v1/projects', { name: 'billing-jobs' });
    const context = await signedInContext(browser, server.baseUrl, session);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto('/settings/tokens/new');

    await page.getByLabel('Name', { exact: true }).fill('deploy-from-office');
    await page.getByRole('checkbox', { name: 'projects:read', exact: true }).check();
    const restrictions = page.getByRole('region', { name: /^Restrictions/ });
    const addresses = restrictions.getByLabel('Only from these addresses');
    // Each bad entry is named as it is typed, and the field is marked invalid.
    await addresses.fill('10.0.0.0/8\n300.1.2.3\n2001:db8::/33\n192.168.0.0/40');
    await restrictions.getByText('“300.1.2.3” is not an IPv4 or IPv6 address.', { exact: false }).waitFor();
    await restrictions
      .getByText('“192.168.0.0/40”: the prefix after “/” must be a number from 0 to 32.')
      .waitFor();
    expect(await restrictions.locator('.error-list li').count()).toBe(2);
    expect(await addresses.getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, 'the create form with bad addresses');
    // Submitting anyway keeps the form and says what to do.
    await page.getByRole('button', { name: 'Create token', exact: true }).click();
    await restrictions.getByText('“300.1.2.3” is not an IPv4').waitFor();
    expect(await page.getByLabel('Token value').count()).toBe(0);

    await addresses.fill('10.0.0.0/8\n2001:db8::/32\n203.0.113.7');
    await restrictions.locator('.error-list').waitFor({ state: 'detached' });
    expect(await addresses.getAttribute('aria-invalid')).toBeNull();
    const requests = restrictions.getByLabel('Requests', { exact: true });
    await requests.fill('0');
    await restrictions.getByText('Requests must be a whole number from 1 to 100,000').waitFor();
    // The rest by keyboard, the focus visible on every control on the way.
    await requests.fill('');
    await addresses.focus();
    await moveFocusTo(page, requests);
    await page.keyboard.type('100');
    const per = restrictions.getByLabel('per', { exact: true });
    await moveFocusTo(page, per);
    await per.selectOption('minute');
    const webProject = restrictions.getByRole('checkbox', { name: /^web / });
    await moveFocusTo(page, webProject);
    await page.keyboard.press('Space');
    expect(await webProject.isChecked()).toBe(true);
    // The summary says it in words before anything is sent.
    const summary = page.getByRole('region', { name: 'Summary' }).getByRole('list', { name: 'Restrictions' });
    expect(await summary.getByRole('listitem').allTextContents()).toEqual([
      'Only from 3 addresses or ranges',
      'At most 100 per minute',
      'Only 1 project',
    ]);
    await screenshot(page, 'create-token-restricted');
    await expectAccessible(page, 'the create form with restrictions');
    await page.getByRole('button', { name: 'Create token', exact: true }).click();
    await takeValue(page, 'Done');

    // The list shows compact badges.
    const row = page.locator('tbody tr', { has: page.getByRole('link', { name: 'deploy-from-office' }) });
    const badges = row.getByRole('list', { name: 'Restrictions' });
    await badges.waitFor();
    expect(await badges.getByRole('listitem').allTextContents()).toEqual([
      '3 IP ranges',
      '100 per minute',
      '1 project',
    ]);
    await expectAccessible(page, 'Tokens, with a restricted token');

    // The details page spells them out.
    await page.getByRole('link', { name: 'deploy-from-office', exact: true }).click();
    const fact = (term: string) =>
      page.locator('.fact', { has: page.getByRole('term').filter({ hasText: new RegExp(`^${term}$`) }) });
    await fact('Only from').getByText('2001:db8::/32').waitFor();
    expect(await fact('Only from').getByRole('listitem').allTextContents()).toEqual([
      '10.0.0.0/8',
      '2001:db8::/32',
      '203.0.113.7',
    ]);
    expect(await fact('Rate limit').getByRole('definition').textContent()).toBe('At most 100 per minute');
    expect(await fact('Projects').getByRole('definition').textContent()).toBe(web.body.id);
    await expectAccessible(page, 'token details with restrictions');

    // And the API holds exactly what the form said.
    const listed = await apiCall<{ data: ListedToken[] }>(server.baseUrl, session, 'GET', '/v1/tokens');
    expect(listed.body.data[0]).toMatchObject({
      name: 'deploy-from-office',
      allowed_ips: ['10.0.0.0/8', '2001:db8::/32', '203.0.113.7'],
      rate_limit: { requests: 100, per_seconds: 60 },
      projects: [web.body.id],
    });
    await context.close();
  }, 90_000);

  it('rotates with "revoke on first use" by default: using the new token once revokes the old one, and its details say when', async () => {
    const { session, context, page } = await openPage('first-use', '/settings/tokens');
    const old = await createToken(session, {
      name: 'ci-runner',
      scopes: ['projects:read'],
      expires_in_days: 30,
    });
    await page.goto(`/settings/tokens/${old.id}/rotate`);
    const firstUse = page.getByRole('radio', {
      name: 'Revoke the old token as soon as the new one is used (recommended)',
    });
    await firstUse.waitFor();
    expect(await firstUse.isChecked()).toBe(true);
    await page.getByRole('radio', { name: /^Keep the old token until I revoke it/ }).waitFor();
    await page.getByRole('radio', { name: 'Automatically in 1 hour' }).waitFor();
    await expectAccessible(page, 'the rotation form with revoke on first use');
    await page.getByRole('button', { name: 'Create replacement' }).click();
    const newValue = await takeValue(page, 'Continue to verification');
    await page.getByText('It will be revoked automatically as soon as ci-runner-2 is first used.').waitFor();
    await expectAccessible(page, 'the rotation view, waiting for the first use');

    // The old token's details say what will happen.
    await page.getByRole('link', { name: 'Tokens', exact: true }).first().click();
    const oldRow = page.locator('tbody tr', {
      has: page.getByRole('link', { name: 'ci-runner', exact: true }),
    });
    await oldRow.getByText('Revokes at first use').waitFor();
    await oldRow.getByRole('link', { name: 'ci-runner', exact: true }).click();
    await page.getByText('Will be revoked when its replacement is first used.').waitFor();
    expect((await getToken(session, old.id)).status).toBe('active');
    await expectAccessible(page, 'details of a token revoked at its replacement’s first use');

    // One use of the new token, from the test as a CI job would.
    expect((await callWithToken(server.baseUrl, newValue, '/v1/projects', 'ci-runner/1.0')).status).toBe(200);
    const done = page.getByText('Revoked when its replacement was first used,');
    await done.waitFor(WAIT);
    const revoked = await getToken(session, old.id);
    expect(revoked.status).toBe('revoked');
    expect(revoked.revoked_at).not.toBeNull();
    expect(await done.textContent()).toMatch(/\d{4}/);
    expect(await callWithToken(server.baseUrl, old.token, '/v1/projects', 'ci-runner/0.9')).toMatchObject({
      status: 401,
      body: { code: 'token_revoked' },
    });
    await screenshot(page, 'token-revoked-at-first-use');
    await expectAccessible(page, 'details of a token revoked at its replacement’s first use, done');
    await context.close();
  }, 90_000);

  it('removes an address restriction on rotation: clearing Only from these addresses says so before submitting, and the replacement works from anywhere', async () => {
    const { session, context, page } = await openPage('unrestrict', '/settings/tokens');
    // Not the test's own address, so the old token is refused where the replacement will work.
    const old = await createToken(session, {
      name: 'office-only',
      scopes: ['projects:read'],
      expires_in_days: 30,
      allowed_ips: ['10.0.0.0/8'],
      rate_limit: { requests: 100, per_seconds: 60 },
    });
    expect(await callWithToken(server.baseUrl, old.token, '/v1/projects', 'office/1.0')).toMatchObject({
      status: 403,
      body: { code: 'ip_not_allowed' },
    });

    await page.goto(`/settings/tokens/${old.id}/rotate`);
    const restrictions = page.getByRole('region', { name: /^Restrictions/ });
    const addresses = restrictions.getByLabel('Only from these addresses');
    await addresses.waitFor();
    expect(await addresses.inputValue()).toBe('10.0.0.0/8');
    await restrictions.getByText('clear it to remove it from the replacement', { exact: false }).waitFor();
    const removedAddresses = 'The replacement will not be limited to addresses: it will work from anywhere.';
    const notice = restrictions.getByText(removedAddresses);
    expect(await notice.count()).toBe(0);

    // Cleared from the keyboard; the notice appears under the field and in the summary.
    await moveFocusTo(page, addresses, { limit: 60 });
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    expect(await addresses.inputValue()).toBe('');
    await notice.waitFor();
    const describedBy = (await addresses.getAttribute('aria-describedby')) ?? '';
    // The field names the notice's live region among its descriptions.
    const noticeRegion = restrictions.locator('[aria-live="polite"]', { hasText: removedAddresses });
    expect(describedBy.split(' ')).toContain(await noticeRegion.getAttribute('id'));
    const summary = page.getByRole('region', { name: 'Summary' }).getByRole('list', { name: 'Restrictions' });
    expect(await summary.getByRole('listitem').allTextContents()).toEqual([
      'Not limited to addresses any more',
      'At most 100 per minute',
    ]);
    await screenshot(page, 'rotate-token-remove-addresses');
    await expectAccessible(page, 'the rotation form removing the address restriction');

    // An address typed back keeps a restriction, so the notice goes; cleared again, it returns.
    await addresses.fill('10.1.0.0/16');
    await notice.waitFor({ state: 'detached' });
    await addresses.fill('');
    await notice.waitFor();

    const create = page.getByRole('button', { name: 'Create replacement' });
    await moveFocusTo(page, create, { limit: 60 });
    await page.keyboard.press('Enter');
    const newValue = await takeValue(page, 'Continue to verification');

    const replacementId = (await getToken(session, old.id)).replaced_by ?? '';
    expect(await getToken(session, replacementId)).toMatchObject({
      allowed_ips: null,
      rate_limit: { requests: 100, per_seconds: 60 },
      projects: null,
    });
    await page.goto(`/settings/tokens/${replacementId}`);
    const fact = (term: string) =>
      page.locator('.fact', { has: page.getByRole('term').filter({ hasText: new RegExp(`^${term}$`) }) });
    await fact('Only from').getByText('Any address').waitFor();
    expect(await fact('Rate limit').getByRole('definition').textContent()).toBe('At most 100 per minute');
    await expectAccessible(page, 'details of a replacement without an address restriction');

    // From the address the old token was refused from, the replacement works.
    expect((await callWithToken(server.baseUrl, newValue, '/v1/projects', 'office/2.0')).status).toBe(200);
    await context.close();
  }, 90_000);

  it('narrows a token to the scopes it used: the details page shows its usage and Narrow to these scopes opens the rotation with only those checked', async () => {
    const { session, context, page } = await openPage('narrow', '/settings/tokens');
    const wide = await createToken(session, {
      name: 'dashboard-reader',
      scopes: ['projects:write', 'tokens:read', 'deployments:read'],
      expires_in_days: 30,
    });
    for (let call = 0; call < 3; call += 1) {
      expect((await callWithToken(server.baseUrl, wide.token, '/v1/projects', 'dashboard/3.1')).status).toBe(
        200,
      );
    }
    // Use is recorded in batches; wait until the usage report has it.
    await expect
      .poll(
        async () =>
          (await apiCall<{ requests: number }>(server.baseUrl, session, 'GET', `/v1/tokens/${wide.id}/usage`))
            .body.requests,
        { timeout: 20_000, interval: 250 },
      )
      .toBeGreaterThanOrEqual(3);

    await page.goto(`/settings/tokens/${wide.id}`);
    const usage = page.getByRole('region', { name: 'Usage' });
    await usage.getByText('Used only projects:read in the last 30 days.').waitFor(WAIT);
    expect(await usage.getByRole('list', { name: 'Unused scopes' }).textContent()).toContain('tokens:read');
    await usage.getByText('127.0.0.1').waitFor();
    await screenshot(page, 'token-usage');
    await expectAccessible(page, 'token details with usage');

    // From the keyboard.
    const narrow = usage.getByRole('button', { name: 'Narrow to these scopes' });
    await moveFocusTo(page, narrow, { limit: 60 });
    await page.keyboard.press('Enter');
    const read = page.getByRole('checkbox', { name: 'projects:read', exact: true });
    await read.waitFor();
    expect(await read.isChecked()).toBe(true);
    expect(await read.isDisabled()).toBe(false);
    for (const other of ['projects:write', 'tokens:read', 'deployments:read']) {
      expect(await page.getByRole('checkbox', { name: other, exact: true }).isChecked()).toBe(false);
    }
    await page.getByText('Only the scopes dashboard-reader used in the last 30 days are checked.').waitFor();
    await expectAccessible(page, 'the rotation form narrowed to the used scopes');
    await page.getByRole('button', { name: 'Create replacement' }).click();
    await takeValue(page, 'Continue to verification');
    const old = await getToken(session, wide.id);
    expect(old.replaced_by).not.toBeNull();
    expect((await getToken(session, old.replaced_by ?? '')).scopes).toEqual(['projects:read']);
    await context.close();
  }, 90_000);

  it('lists tokens that expire within 7 days in an Expiring soon notice with a Rotate action', async () => {
    const { session, context, page } = await openPage('expiring', '/settings/tokens');
    const soon = await createToken(session, {
      name: 'nightly-backup',
      scopes: ['projects:read'],
      expires_in_days: 3,
    });
    await createToken(session, { name: 'long-lived', scopes: ['projects:read'], expires_in_days: 30 });
    await page.reload();
    const notice = page.getByRole('region', { name: 'Expiring soon' });
    await notice.waitFor();
    expect(await notice.getByRole('listitem').count()).toBe(1);
    expect(await notice.textContent()).toContain('nightly-backup expires in 3 days');
    expect(await notice.textContent()).not.toContain('long-lived');
    await screenshot(page, 'tokens-expiring-soon', false);
    await expectAccessible(page, 'Tokens, with the Expiring soon notice');
    await notice.getByRole('link', { name: 'Rotate nightly-backup' }).click();
    await page.getByRole('heading', { level: 1, name: 'Rotate nightly-backup' }).waitFor();
    expect(page.url()).toContain(`/settings/tokens/${soon.id}/rotate`);
    await context.close();
  }, 60_000);
});

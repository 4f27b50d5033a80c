import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import {
  type Browser,
  codeFlowToken,
  formFields,
  INSECURE,
  type OAuthServer,
  signedInBrowser,
  startOAuthServer,
} from './oauth-support.js';

const cli: oauth.Client = { client_id: 'skytells-cli' };
const DAY_MS = 86_400_000;

describe('OAuth grants under SKYTELLS_TOKEN_MAX_LIFETIME_DAYS=30', () => {
  let server: OAuthServer;
  let browser: Browser;
  const clock = new ManualClock(new Date());
  beforeAll(async () => {
    server = await startOAuthServer({
      clock,
      env: { SKYTELLS_TOKEN_MAX_LIFETIME_DAYS: '30', SKYTELLS_TOKEN_REQUIRE_EXPIRATION: 'true' },
    });
    browser = await signedInBrowser(server);
  });
  afterAll(async () => server.close());

  /** The `expires_at` the API reports for `accessToken`. */
  async function expiryOf(accessToken: string): Promise<string | null> {
    const self = await fetch(`${server.url}/v1/tokens/self`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    return ((await self.json()) as { expires_at: string | null }).expires_at;
  }

  it('an authorization-code grant issues a token cut to 30 days, and says so in expires_in', async () => {
    const result = await codeFlowToken(server, browser);

    expect(result.expires_in).toBe(30 * 86_400);
    expect(await expiryOf(result.access_token)).toBe(
      new Date(clock.now().getTime() + 30 * DAY_MS).toISOString(),
    );
  });

  it('a device grant issues a token cut to 30 days', async () => {
    const device = await oauth.processDeviceAuthorizationResponse(
      server.as,
      cli,
      await oauth.deviceAuthorizationRequest(
        server.as,
        cli,
        oauth.None(),
        { scope: 'tokens:read' },
        INSECURE,
      ),
    );
    const entry = formFields(await (await browser.fetch('/device')).text());
    entry.set('user_code', device.user_code);
    const approval = await browser.fetch('/device', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: entry.toString(),
    });
    const answer = formFields(await approval.text());
    answer.set('decision', 'approve');
    const done = await browser.fetch('/device', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: answer.toString(),
    });
    expect(done.status).toBe(200);

    clock.advance(5_000);
    const result = await oauth.processDeviceCodeResponse(
      server.as,
      cli,
      await oauth.deviceCodeGrantRequest(server.as, cli, oauth.None(), device.device_code, INSECURE),
    );
    expect(await expiryOf(result.access_token)).toBe(
      new Date(clock.now().getTime() + 30 * DAY_MS).toISOString(),
    );
  });
});

import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorizationRequest,
  type Browser,
  consent,
  INSECURE,
  type OAuthServer,
  signedInBrowser,
  startOAuthServer,
} from './oauth-support.js';

const cli: oauth.Client = { client_id: 'skytells-cli' };

/** Completes the code exchange with oauth4webapi from a successful consent redirect. */
async function exchange(
  server: OAuthServer,
  location: string,
  request: { state: string; verifier: string; redirectUri: string },
) {
  const params = oauth.validateAuthResponse(server.as, cli, new URL(location), request.state);
  const response = await oauth.authorizationCodeGrantRequest(
    server.as,
    cli,
    oauth.None(),
    params,
    request.redirectUri,
    request.verifier,
    INSECURE,
  );
  return oauth.processAuthorizationCodeResponse(server.as, cli, response);
}

/** The raw token-endpoint answer for a code, bypassing the client library's own checks. */
async function redeemRaw(server: OAuthServer, fields: Record<string, string>) {
  const response = await fetch(server.as.token_endpoint!, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: 'skytells-cli',
      ...fields,
    }).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('OAuth authorization code grant with PKCE (RFC 6749 §4.1, RFC 7636)', () => {
  let server: OAuthServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startOAuthServer();
    browser = await signedInBrowser(server);
  });
  afterAll(async () => server.close());

  it('publishes RFC 8414 metadata that an independent client accepts and that matches the server', async () => {
    expect(server.as.issuer).toBe(server.url);
    expect(server.as.code_challenge_methods_supported).toEqual(['S256']);
    expect(server.as.grant_types_supported).toEqual([
      'authorization_code',
      'urn:ietf:params:oauth:grant-type:device_code',
      'urn:ietf:params:oauth:grant-type:token-exchange',
    ]);
    expect(server.as.response_types_supported).toEqual(['code']);
    // RFC 8414 §2: client authentication methods only; "bearer" is not one.
    expect(server.as.token_endpoint_auth_methods_supported).toEqual([
      'none',
      'client_secret_basic',
      'client_secret_post',
    ]);
    expect(server.as.introspection_endpoint_auth_methods_supported).toEqual([
      'client_secret_basic',
      'client_secret_post',
    ]);
    expect(server.as.revocation_endpoint_auth_methods_supported).toEqual([
      'none',
      'client_secret_basic',
      'client_secret_post',
    ]);
    for (const endpoint of [
      'token_endpoint',
      'device_authorization_endpoint',
      'revocation_endpoint',
      'introspection_endpoint',
    ] as const) {
      const response = await fetch(server.as[endpoint]!, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: '',
      });
      expect(response.status, endpoint).not.toBe(404);
    }
    const authorize = await fetch(server.as.authorization_endpoint!, { redirect: 'manual' });
    expect(authorize.status).toBe(400);
  });

  it('issues an ordinary access token to the CLI through consent, usable on the API and listed with its client', async () => {
    const request = await authorizationRequest(server, { extra: { device_name: 'laptop' } });
    const approved = await consent(browser, request.url);
    expect(approved.status).toBe(302);
    const result = await exchange(server, approved.headers.get('location')!, request);
    expect(result.token_type).toBe('bearer');
    expect(result.access_token).toMatch(/^skt_[0-9A-Za-z]{38}$/);
    expect(result.expires_in).toBe(90 * 86_400);

    const self = await fetch(`${server.url}/v1/tokens/self`, {
      headers: { authorization: `Bearer ${result.access_token}` },
    });
    expect(self.status).toBe(200);
    const token = (await self.json()) as Record<string, unknown>;
    expect(token).toMatchObject({
      created_via: 'oauth',
      client_id: 'skytells-cli',
      name: 'Skytells CLI on laptop',
      scopes: ['tokens:read', 'projects:read'],
    });

    const list = await browser.fetch('/v1/tokens');
    const listed = ((await list.json()) as { data: { id: string; client_id: string | null }[] }).data;
    expect(listed.find((t) => t.id === token['id'])?.client_id).toBe('skytells-cli');
  });

  it('passes state through and names the issuer on the redirect (RFC 9207)', async () => {
    const request = await authorizationRequest(server);
    const approved = await consent(browser, request.url);
    const location = new URL(approved.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(request.redirectUri);
    expect(location.searchParams.get('state')).toBe(request.state);
    expect(location.searchParams.get('iss')).toBe(server.url);
  });

  it('lets the user narrow the scopes at consent; the token holds only those', async () => {
    const request = await authorizationRequest(server, { scope: 'tokens:read projects:read billing:read' });
    const approved = await consent(browser, request.url, { grant: ['projects:read'] });
    const result = await exchange(server, approved.headers.get('location')!, request);
    expect(result.scope).toBe('projects:read');
    const denied = await fetch(`${server.url}/v1/tokens`, {
      headers: { authorization: `Bearer ${result.access_token}` },
    });
    expect(denied.status).toBe(403);
  });

  it('refuses a scope escalation at consent and issues no code', async () => {
    const request = await authorizationRequest(server, { scope: 'projects:read' });
    const response = await consent(browser, request.url, { grant: ['projects:read', 'tokens:write'] });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it('refuses a reused code and revokes the token the first redemption issued', async () => {
    const request = await authorizationRequest(server);
    const approved = await consent(browser, request.url);
    const code = new URL(approved.headers.get('location')!).searchParams.get('code')!;
    const fields = { code, redirect_uri: request.redirectUri, code_verifier: request.verifier };
    const first = await redeemRaw(server, fields);
    expect(first.status).toBe(200);
    const second = await redeemRaw(server, fields);
    expect(second).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const use = await fetch(`${server.url}/v1/tokens/self`, {
      headers: { authorization: `Bearer ${String(first.body['access_token'])}` },
    });
    expect(use.status).toBe(401);
    expect(((await use.json()) as { code: string }).code).toBe('token_revoked');
  });

  it('refuses a wrong code verifier', async () => {
    const request = await authorizationRequest(server);
    const approved = await consent(browser, request.url);
    const code = new URL(approved.headers.get('location')!).searchParams.get('code')!;
    const result = await redeemRaw(server, {
      code,
      redirect_uri: request.redirectUri,
      code_verifier: oauth.generateRandomCodeVerifier(),
    });
    expect(result).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('refuses a redemption with another redirect URI than the request', async () => {
    const request = await authorizationRequest(server);
    const approved = await consent(browser, request.url);
    const code = new URL(approved.headers.get('location')!).searchParams.get('code')!;
    const result = await redeemRaw(server, {
      code,
      redirect_uri: 'http://127.0.0.1:1/callback',
      code_verifier: request.verifier,
    });
    expect(result).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('requires PKCE from a public client, reporting it on the redirect', async () => {
    const request = await authorizationRequest(server);
    request.url.searchParams.delete('code_challenge');
    request.url.searchParams.delete('code_challenge_method');
    const response = await browser.fetch(request.url.toString());
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('state')).toBe(request.state);
  });

  it('refuses the plain PKCE method (RFC 9700 §2.1.1)', async () => {
    const request = await authorizationRequest(server);
    request.url.searchParams.set('code_challenge', request.verifier);
    request.url.searchParams.set('code_challenge_method', 'plain');
    const response = await browser.fetch(request.url.toString());
    expect(new URL(response.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
  });

  it('shows an error page and never redirects for an unregistered redirect URI', async () => {
    const request = await authorizationRequest(server, { redirectUri: 'https://evil.example.com/callback' });
    const response = await browser.fetch(request.url.toString());
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('redirect_uri');
  });

  it('keeps the loopback path fixed: another path on 127.0.0.1 is refused without a redirect', async () => {
    const request = await authorizationRequest(server, { redirectUri: 'http://127.0.0.1:43117/elsewhere' });
    const response = await browser.fetch(request.url.toString());
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it('refuses a loopback redirect that spells 127.0.0.1 or ::1 another way, without a redirect (RFC 8252 §8.3)', async () => {
    for (const redirectUri of [
      'http://127.1:1234/callback',
      'http://0x7f000001:1234/callback',
      'http://2130706433:1234/callback',
      'http://[0:0:0:0:0:0:0:1]:1234/callback',
    ]) {
      const request = await authorizationRequest(server, { redirectUri });
      const response = await browser.fetch(request.url.toString());
      expect(response.status, redirectUri).toBe(400);
      expect(response.headers.get('location'), redirectUri).toBeNull();
    }
  });

  it('shows an error page and never redirects for an unknown client', async () => {
    const request = await authorizationRequest(server, { clientId: 'app_doesnotexist' });
    const response = await browser.fetch(request.url.toString());
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it('redirects with access_denied when the user cancels', async () => {
    const request = await authorizationRequest(server);
    const response = await consent(browser, request.url, { decision: 'deny' });
    const location = new URL(response.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('code')).toBeNull();
    expect(location.searchParams.get('state')).toBe(request.state);
  });

  it('refuses an unknown scope on the redirect', async () => {
    const request = await authorizationRequest(server, { scope: 'tokens:read admin:everything' });
    const response = await browser.fetch(request.url.toString());
    expect(new URL(response.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
  });

  it('sends a visitor without a session to sign in first, then back to the request', async () => {
    const request = await authorizationRequest(server);
    const response = await fetch(request.url, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!, server.url);
    expect(location.pathname).toBe('/signin');
    expect(location.searchParams.get('next')).toBe(request.url.pathname + request.url.search);
  });

  it('names the client and every scope on a consent page that cannot be framed', async () => {
    const request = await authorizationRequest(server, { scope: 'tokens:read deployments:write' });
    const page = await browser.fetch(request.url.toString());
    const html = await page.text();
    expect(html).toContain('Skytells CLI');
    expect(html).toContain('tokens:read');
    expect(html).toContain('deployments:write');
    expect(html).toMatch(/<button[^>]*>Authorize<\/button>/);
    expect(html).toMatch(/<button[^>]*>Cancel<\/button>/);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
  });

  it('lets the consent form reach the redirect under the page CSP: the origin for https and 127.0.0.1, the scheme for [::1] and private-use apps', async () => {
    const register = async (body: Record<string, unknown>) => {
      const response = await browser.fetch('/v1/apps', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': browser.csrf },
        body: JSON.stringify(body),
      });
      return ((await response.json()) as { client_id: string }).client_id;
    };
    const web = await register({ name: 'Web', redirect_uris: ['https://bot.example.com/callback'] });
    const mobile = await register({ name: 'Mobile', type: 'public', redirect_uris: ['com.example.app:/cb'] });
    const cases = [
      [web, 'https://bot.example.com/callback', "form-action 'self' https://bot.example.com;"],
      [mobile, 'com.example.app:/cb', "form-action 'self' com.example.app:;"],
      ['skytells-cli', 'http://127.0.0.1:43117/callback', "form-action 'self' http://127.0.0.1:43117;"],
      ['skytells-cli', 'http://[::1]:43117/callback', "form-action 'self' http:;"],
    ] as const;
    for (const [clientId, redirectUri, formAction] of cases) {
      const request = await authorizationRequest(server, { clientId, redirectUri });
      const page = await browser.fetch(request.url.toString());
      expect(page.status, redirectUri).toBe(200);
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp, redirectUri).toContain(formAction);
      expect(csp, redirectUri).not.toContain('null');
    }
  });

  it('refuses a consent submission without the session CSRF token', async () => {
    const request = await authorizationRequest(server);
    const body = new URLSearchParams([
      ...request.url.searchParams.entries(),
      ['decision', 'approve'],
      ['granted_scope', 'tokens:read'],
    ]);
    const response = await browser.fetch('/oauth/authorize', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('location')).toBeNull();
  });
});

import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorizationRequest,
  type Browser,
  codeFlowToken,
  consent,
  INSECURE,
  type OAuthServer,
  signedInBrowser,
  startOAuthServer,
} from './oauth-support.js';

const cli: oauth.Client = { client_id: 'skytells-cli' };

describe('tokens issued through OAuth: revocation, introspection, applications', () => {
  let server: OAuthServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startOAuthServer();
    browser = await signedInBrowser(server);
  });
  afterAll(async () => server.close());

  const json = (b: Browser) => ({ 'content-type': 'application/json', 'x-csrf-token': b.csrf });
  const use = (token: string) =>
    fetch(`${server.url}/v1/tokens/self`, { headers: { authorization: `Bearer ${token}` } });

  /** A CLI token for `who`, through the code flow. */
  async function cliToken(who: Browser, scope = 'tokens:read projects:read'): Promise<string> {
    return (await codeFlowToken(server, who, { scope })).access_token;
  }

  it('stops a token revoked through /oauth/revoke (RFC 7009), and answers 200 for unknown tokens', async () => {
    const token = await cliToken(browser);
    expect((await use(token)).status).toBe(200);
    const response = await oauth.revocationRequest(server.as, cli, oauth.None(), token, INSECURE);
    await oauth.processRevocationResponse(response);
    expect((await use(token)).status).toBe(401);
    const unknown = await oauth.revocationRequest(
      server.as,
      cli,
      oauth.None(),
      'skt_notarealtoken',
      INSECURE,
    );
    expect(unknown.status).toBe(200);
  });

  it('stops a token revoked under Settings → Tokens', async () => {
    const token = await cliToken(browser);
    const self = (await (await use(token)).json()) as { id: string };
    const revoked = await browser.fetch(`/v1/tokens/${self.id}`, {
      method: 'DELETE',
      headers: { 'x-csrf-token': browser.csrf },
    });
    expect(revoked.status).toBe(204);
    expect((await use(token)).status).toBe(401);
  });

  it('lists the CLI under authorized apps, and removing it revokes all its tokens', async () => {
    const person = await signedInBrowser(server);
    const first = await cliToken(person);
    const second = await cliToken(person);
    const apps = (await (await person.fetch('/v1/authorized-apps')).json()) as {
      data: { client_id: string; tokens: unknown[] }[];
    };
    expect(apps.data).toEqual([expect.objectContaining({ client_id: 'skytells-cli', official: true })]);
    expect(apps.data[0]!.tokens).toHaveLength(2);
    const removed = await person.fetch('/v1/authorized-apps/skytells-cli', {
      method: 'DELETE',
      headers: { 'x-csrf-token': person.csrf },
    });
    expect(removed.status).toBe(204);
    expect((await use(first)).status).toBe(401);
    expect((await use(second)).status).toBe(401);
  });

  it('introspects a token of the caller account for a bearer with tokens:read, and hides other accounts', async () => {
    const token = await cliToken(browser, 'tokens:read');
    const other = await cliToken(await signedInBrowser(server), 'projects:read');
    const introspect = async (value: string) =>
      fetch(server.as.introspection_endpoint!, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: value }).toString(),
      });
    const own = (await (await introspect(token)).json()) as Record<string, unknown>;
    expect(own).toMatchObject({
      active: true,
      scope: 'tokens:read',
      client_id: 'skytells-cli',
      token_type: 'Bearer',
    });
    expect(await (await introspect(other)).json()).toEqual({ active: false });
    const anonymous = await fetch(server.as.introspection_endpoint!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
    });
    expect(anonymous.status).toBe(401);
  });

  it('refuses an introspection without a token parameter with invalid_request (RFC 7662 §2.1)', async () => {
    const bearer = await cliToken(browser, 'tokens:read');
    const created = await browser.fetch('/v1/apps', {
      method: 'POST',
      headers: json(browser),
      body: JSON.stringify({ name: 'Introspector', redirect_uris: ['https://i.example.com/cb'] }),
    });
    const app = (await created.json()) as { client_id: string; client_secret: string };
    const basic = `Basic ${Buffer.from(`${app.client_id}:${app.client_secret}`).toString('base64')}`;
    for (const [label, authorization, body] of [
      ['bearer', `Bearer ${bearer}`, ''],
      ['client, no token', basic, ''],
      ['client, empty token', basic, 'token='],
    ] as const) {
      const response = await fetch(server.as.introspection_endpoint!, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      expect(response.status, label).toBe(400);
      expect(await response.json(), label).toEqual({
        error: 'invalid_request',
        error_description: 'The token parameter is missing.',
      });
    }
  });

  it('registers a confidential app whose secret is shown once, runs its code flow, and introspects its own tokens', async () => {
    const developer = await signedInBrowser(server);
    const created = await developer.fetch('/v1/apps', {
      method: 'POST',
      headers: json(developer),
      body: JSON.stringify({ name: 'Deploy Bot', redirect_uris: ['https://bot.example.com/callback'] }),
    });
    expect(created.status).toBe(201);
    const app = (await created.json()) as { client_id: string; client_secret: string };
    expect(app.client_secret).toMatch(/^skc_/);
    const shown = (await (await developer.fetch(`/v1/apps/${app.client_id}`)).json()) as Record<
      string,
      unknown
    >;
    expect(shown).not.toHaveProperty('client_secret');

    const client: oauth.Client = { client_id: app.client_id };
    const auth = oauth.ClientSecretBasic(app.client_secret);
    const user = await signedInBrowser(server);
    const request = await authorizationRequest(server, {
      clientId: app.client_id,
      redirectUri: 'https://bot.example.com/callback',
      scope: 'projects:read',
    });
    const page = await user.fetch(request.url.toString());
    expect(await page.text()).toContain('Third-party application');
    const approved = await consent(user, request.url);
    const params = oauth.validateAuthResponse(
      server.as,
      client,
      new URL(approved.headers.get('location')!),
      request.state,
    );
    const response = await oauth.authorizationCodeGrantRequest(
      server.as,
      client,
      auth,
      params,
      request.redirectUri,
      request.verifier,
      INSECURE,
    );
    const token = (await oauth.processAuthorizationCodeResponse(server.as, client, response)).access_token;

    const introspection = await oauth.introspectionRequest(server.as, client, auth, token, INSECURE);
    expect(await oauth.processIntrospectionResponse(server.as, client, introspection)).toMatchObject({
      active: true,
      client_id: app.client_id,
    });

    const wrongSecret = await oauth.introspectionRequest(
      server.as,
      client,
      oauth.ClientSecretBasic('skc_wrong'),
      token,
      INSECURE,
    );
    expect(wrongSecret.status).toBe(401);

    // Deleting the app revokes every token issued to it.
    const deleted = await developer.fetch(`/v1/apps/${app.client_id}`, {
      method: 'DELETE',
      headers: { 'x-csrf-token': developer.csrf },
    });
    expect(deleted.status).toBe(204);
    expect((await use(token)).status).toBe(401);
  });

  it('refuses to register a redirect URI that is plain http on a public host', async () => {
    const response = await browser.fetch('/v1/apps', {
      method: 'POST',
      headers: json(browser),
      body: JSON.stringify({ name: 'Bad', redirect_uris: ['http://bot.example.com/callback'] }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe('validation_failed');
  });

  it('refuses wildcard redirect URIs at registration and at edit, naming redirect_uris', async () => {
    const register = (uris: string[]) =>
      browser.fetch('/v1/apps', {
        method: 'POST',
        headers: json(browser),
        body: JSON.stringify({ name: 'Wildcard', redirect_uris: uris }),
      });
    for (const uri of ['https://*.example.com/cb', 'https://app.example.com/*', 'com.example.*:/cb']) {
      const refused = await register(['https://app.example.com/cb', uri]);
      expect(refused.status, uri).toBe(400);
      const problem = (await refused.json()) as { code: string; errors: { field: string }[] };
      expect(problem.code).toBe('validation_failed');
      expect(problem.errors.map((error) => error.field)).toEqual(['redirect_uris']);
    }

    const created = await register(['https://app.example.com/cb']);
    const app = (await created.json()) as { client_id: string };
    const edited = await browser.fetch(`/v1/apps/${app.client_id}`, {
      method: 'PATCH',
      headers: json(browser),
      body: JSON.stringify({ redirect_uris: ['https://*.example.com/cb'] }),
    });
    expect(edited.status).toBe(400);
    expect(((await edited.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe('redirect_uris');
    const kept = (await (await browser.fetch(`/v1/apps/${app.client_id}`)).json()) as {
      redirect_uris: string[];
    };
    expect(kept.redirect_uris).toEqual(['https://app.example.com/cb']);
  });

  it('registers a loopback redirect only when 127.0.0.1 or [::1] is written literally', async () => {
    for (const uri of ['http://127.1/cb', 'http://0x7f000001/cb']) {
      const response = await browser.fetch('/v1/apps', {
        method: 'POST',
        headers: json(browser),
        body: JSON.stringify({ name: 'Native', type: 'public', redirect_uris: [uri] }),
      });
      expect(response.status, uri).toBe(400);
    }
  });

  it('rotates a client secret: the old one stops authenticating at once', async () => {
    const created = await browser.fetch('/v1/apps', {
      method: 'POST',
      headers: json(browser),
      body: JSON.stringify({ name: 'Rotator', redirect_uris: ['https://r.example.com/cb'] }),
    });
    const app = (await created.json()) as { client_id: string; client_secret: string };
    const rotated = await browser.fetch(`/v1/apps/${app.client_id}/secret`, {
      method: 'POST',
      headers: { 'x-csrf-token': browser.csrf },
    });
    const { client_secret: fresh } = (await rotated.json()) as { client_secret: string };
    expect(fresh).not.toBe(app.client_secret);
    const client: oauth.Client = { client_id: app.client_id };
    const probe = async (secret: string) =>
      (
        await oauth.introspectionRequest(
          server.as,
          client,
          oauth.ClientSecretBasic(secret),
          'skt_x',
          INSECURE,
        )
      ).status;
    expect(await probe(app.client_secret)).toBe(401);
    expect(await probe(fresh)).toBe(200);
  });
});

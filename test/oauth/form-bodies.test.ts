/**
 * What the OAuth endpoints accept as a request body (RFC 6749 §3.2): form-encoded parameters only,
 * answered in the OAuth error format otherwise, and a 413 for a body over 64 KiB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OAuthServer, startOAuthServer } from './oauth-support.js';

const ENDPOINTS = ['/oauth/token', '/oauth/introspect', '/oauth/revoke', '/oauth/device_authorization'];

describe('OAuth endpoint request bodies (RFC 6749 §3.2)', () => {
  let server: OAuthServer;
  beforeAll(async () => {
    server = await startOAuthServer();
  });
  afterAll(async () => server.close());

  const post = (path: string, body: string, contentType?: string) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: contentType === undefined ? {} : { 'content-type': contentType },
      body,
    });

  async function expectOAuthError(response: Response, status: number, label: string) {
    expect(response.status, label).toBe(status);
    expect(response.headers.get('content-type'), label).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control'), label).toBe('no-store');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body, label).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
    expect(String(body['error_description']), label).not.toContain('must be JSON');
  }

  it('refuses a JSON body on every endpoint with an OAuth invalid_request, not a problem', async () => {
    for (const path of ENDPOINTS) {
      const response = await post(
        path,
        // Read as parameters, this body would succeed or fail otherwise on each endpoint.
        JSON.stringify({ grant_type: 'password', client_id: 'skytells-cli', token: 'skt_x' }),
        'application/json',
      );
      await expectOAuthError(response, 400, path);
    }
  });

  it('refuses plain text, multipart and untyped bodies with invalid_request', async () => {
    const multipart = new FormData();
    multipart.set('client_id', 'skytells-cli');
    for (const path of ENDPOINTS) {
      await expectOAuthError(await post(path, 'client_id=skytells-cli', 'text/plain'), 400, `${path} text`);
      await expectOAuthError(
        await fetch(`${server.url}${path}`, { method: 'POST', body: multipart }),
        400,
        `${path} multipart`,
      );
      const untyped = await fetch(`${server.url}${path}`, {
        method: 'POST',
        body: new Blob(['client_id=skytells-cli']),
      });
      await expectOAuthError(untyped, 400, `${path} untyped`);
    }
  });

  it('answers 413 in the OAuth format for a body over 64 KiB, form-encoded or not', async () => {
    const padding = 'x'.repeat(64 * 1024);
    for (const path of ENDPOINTS) {
      const form = `client_id=skytells-cli&padding=${padding}`;
      await expectOAuthError(await post(path, form, 'application/x-www-form-urlencoded'), 413, path);
      await expectOAuthError(
        await post(path, JSON.stringify({ padding }), 'application/json'),
        413,
        `${path} json`,
      );
    }
  });

  it('reads a form body of up to 64 KiB', async () => {
    const body = new URLSearchParams({
      client_id: 'skytells-cli',
      token: 'skt_notarealtoken',
      padding: 'x'.repeat(60 * 1024),
    });
    const response = await post('/oauth/revoke', body.toString(), 'application/x-www-form-urlencoded');
    // RFC 7009 §2.2: an unknown token is revoked successfully.
    expect(response.status).toBe(200);
  });
});

/**
 * A real listening server for OAuth tests, an independent certified client (oauth4webapi) pointed
 * at it, and a scripted browser (plain HTTP with the session cookie) for the user's part.
 */
import * as oauth from 'oauth4webapi';
import { freePort } from '../support/processes.js';
import { createTestPlatform, type TestPlatform } from '../support/harness.js';
import type { Clock } from '../../src/core/clock.js';

/** Options every oauth4webapi call needs here: the server is plain http on loopback. */
export const INSECURE = { [oauth.allowInsecureRequests]: true } as const;

/** The built-in public client of the CLI, as oauth4webapi knows it. */
export const CLI_CLIENT: oauth.Client = { client_id: 'skytells-cli' };

/** A listening server with its issuer URL and discovered metadata. */
export interface OAuthServer {
  platform: TestPlatform;
  url: string;
  as: oauth.AuthorizationServer;
  close(): Promise<void>;
}

/**
 * Starts the platform on a free loopback port with SKYTELLS_PUBLIC_URL set to it (and any other
 * `env`), and discovers it.
 */
export async function startOAuthServer(
  options: { clock?: Clock; env?: Record<string, string> } = {},
): Promise<OAuthServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const platform = await createTestPlatform({
    env: { ...options.env, SKYTELLS_PUBLIC_URL: url },
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  await platform.app.listen({ host: '127.0.0.1', port });
  const issuer = new URL(url);
  const as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...INSECURE }),
  );
  return { platform, url, as, close: () => platform.close() };
}

/** A person signed in to the console, seen as a browser: a cookie jar of one cookie. */
export interface Browser {
  email: string;
  cookie: string;
  csrf: string;
  /** Sends a request with the session cookie; never follows redirects. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

let counter = 0;

/** Signs up and signs in a fresh person through the API. */
export async function signedInBrowser(server: OAuthServer): Promise<Browser> {
  counter += 1;
  const email = `oauth${counter}-${Date.now()}@example.com`;
  const password = 'correct horse battery staple';
  const json = { 'content-type': 'application/json' };
  const created = await fetch(`${server.url}/v1/accounts`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ email, password }),
  });
  if (created.status !== 201) throw new Error(`sign-up failed: ${await created.text()}`);
  const session = await fetch(`${server.url}/v1/sessions`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ email, password }),
  });
  const setCookie = session.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0] ?? '';
  const { csrf_token: csrf } = (await session.json()) as { csrf_token: string };
  return {
    email,
    cookie,
    csrf,
    fetch: (path, init = {}) =>
      fetch(new URL(path, server.url), {
        ...init,
        redirect: 'manual',
        headers: { ...(init.headers as Record<string, string>), cookie },
      }),
  };
}

/** The value of every hidden input and the checked checkboxes of the first form in `html`. */
export function formFields(html: string): URLSearchParams {
  const fields = new URLSearchParams();
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
    fields.append(match[1]!, decodeEntities(match[2]!));
  }
  for (const match of html.matchAll(/<input type="checkbox" name="([^"]+)" value="([^"]*)" checked/g)) {
    fields.append(match[1]!, decodeEntities(match[2]!));
  }
  return fields;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** A native app's PKCE authorization request, as the CLI would make it. */
export interface PkceRequest {
  url: URL;
  state: string;
  verifier: string;
  redirectUri: string;
}

/** Builds an authorization request for `client_id` with PKCE S256. */
export async function authorizationRequest(
  server: OAuthServer,
  options: { clientId?: string; scope?: string; redirectUri?: string; extra?: Record<string, string> } = {},
): Promise<PkceRequest> {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const redirectUri = options.redirectUri ?? 'http://127.0.0.1:43117/callback';
  const url = new URL(server.as.authorization_endpoint!);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', options.clientId ?? 'skytells-cli');
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('scope', options.scope ?? 'tokens:read projects:read');
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  for (const [key, value] of Object.entries(options.extra ?? {})) url.searchParams.set(key, value);
  return { url, state, verifier, redirectUri };
}

/**
 * Plays the user's part: opens the authorization URL signed in, reads the consent page and submits
 * it with `decision` and (optionally) a narrower or tampered list of scopes.
 * @returns the response to the form submission (a redirect on success).
 */
export async function consent(
  browser: Browser,
  authorizeUrl: URL,
  options: { decision?: 'approve' | 'deny'; grant?: string[] } = {},
): Promise<Response> {
  const page = await browser.fetch(authorizeUrl.toString());
  if (page.status !== 200) throw new Error(`consent page answered ${page.status}: ${await page.text()}`);
  const fields = formFields(await page.text());
  if (options.grant !== undefined) {
    fields.delete('granted_scope');
    for (const scope of options.grant) fields.append('granted_scope', scope);
  }
  fields.set('decision', options.decision ?? 'approve');
  return browser.fetch('/oauth/authorize', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fields.toString(),
  });
}

/**
 * The whole authorization code flow of the CLI client for `browser`'s account: the request, consent,
 * the checked redirect and the code grant.
 * @returns the token endpoint's answer, as oauth4webapi processed it.
 */
export async function codeFlowToken(
  server: OAuthServer,
  browser: Browser,
  options: { scope?: string } = {},
): Promise<oauth.TokenEndpointResponse> {
  const request = await authorizationRequest(server, options);
  const approved = await consent(browser, request.url);
  if (approved.status !== 302) throw new Error(`consent answered ${approved.status}`);
  const params = oauth.validateAuthResponse(
    server.as,
    CLI_CLIENT,
    new URL(approved.headers.get('location')!),
    request.state,
  );
  const response = await oauth.authorizationCodeGrantRequest(
    server.as,
    CLI_CLIENT,
    oauth.None(),
    params,
    request.redirectUri,
    request.verifier,
    INSECURE,
  );
  return oauth.processAuthorizationCodeResponse(server.as, CLI_CLIENT, response);
}

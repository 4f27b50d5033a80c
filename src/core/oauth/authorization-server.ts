import type { AuditLog } from '../audit.js';
import type { Clock } from '../clock.js';
import { OAuthError } from '../errors.js';
import type { KeyedHasher } from '../keyed-hash.js';
import type { RequestContext } from '../model.js';
import type { UnitOfWork } from '../ports.js';
import { randomBase62, type Random } from '../random.js';
import { isScope, type Scope } from '../scopes.js';
import type { ClientCredentials, ClientRegistry } from './client-registry.js';
import type { ClientTokens } from './client-tokens.js';
import type { AuthorizationCode, OAuthClient } from './model.js';
import { isCodeChallenge, verifyCodeChallenge } from './pkce.js';
import { isRedirectUriAllowed } from './redirect-uri.js';

/** Authorization codes live this long (RFC 6749 §4.1.2 recommends at most ten minutes). */
export const CODE_LIFETIME_MS = 60_000;

/** Lifetime of access tokens issued through OAuth, unless the instance policy allows less. */
export const OAUTH_TOKEN_LIFETIME_DAYS = 90;

/** A validated authorization request (RFC 6749 §4.1.1), ready for the consent page. */
export interface AuthorizationRequest {
  client: OAuthClient;
  redirectUri: string;
  scopes: Scope[];
  state: string | null;
  codeChallenge: string | null;
  /** Non-standard `device_name`: names the issued token, e.g. the CLI's host name. */
  deviceName: string | null;
}

/**
 * An error found after the redirect URI was validated: reported to the client by redirecting
 * (RFC 6749 §4.1.2.1). Errors before that point are plain {@link OAuthError}s shown on a page.
 */
export class AuthorizationRedirectError extends Error {
  constructor(
    readonly error: OAuthError,
    readonly redirectTo: string,
  ) {
    super(error.description);
    this.name = 'AuthorizationRedirectError';
  }
}

/** The body of a successful token response (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

/** Dependencies of {@link AuthorizationServer}. */
export interface AuthorizationServerDeps {
  uow: UnitOfWork;
  hasher: KeyedHasher;
  clock: Clock;
  random: Random;
  audit: AuditLog;
  clientTokens: ClientTokens;
  clients: ClientRegistry;
  /** The issuer identifier (RFC 8414 §2), sent as `iss` on redirects (RFC 9207). */
  issuer: string;
}

/** Parses an OAuth `scope` parameter (RFC 6749 §3.3). @throws OAuthError `invalid_scope`. */
export function parseScopeParameter(value: string | undefined): Scope[] {
  const names = (value ?? '').split(' ').filter((name) => name !== '');
  if (names.length === 0) throw new OAuthError('invalid_scope', 'The scope parameter is required.');
  const unknown = names.find((name) => !isScope(name));
  if (unknown !== undefined)
    throw new OAuthError('invalid_scope', `Unknown scope "${unknown.slice(0, 50)}".`);
  return [...new Set(names)] as Scope[];
}

/** Builds `base` with `params` added to its query. */
export function withQuery(base: string, params: Record<string, string | null>): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(params)) if (value !== null) url.searchParams.set(key, value);
  return url.toString();
}

/** The authorization code grant (RFC 6749 §4.1) with PKCE (RFC 7636), and token issuance. */
export class AuthorizationServer {
  readonly #deps: AuthorizationServerDeps;

  constructor(deps: AuthorizationServerDeps) {
    this.#deps = deps;
  }

  /**
   * Validates an authorization request.
   * @throws OAuthError when the client or redirect URI is invalid: show it, never redirect to it.
   * @throws AuthorizationRedirectError for any later error: redirect the user agent there.
   */
  async validateAuthorizationRequest(
    params: Record<string, string | undefined>,
  ): Promise<AuthorizationRequest> {
    const clientId = params['client_id'];
    if (clientId === undefined || clientId === '')
      throw new OAuthError('invalid_request', 'The client_id parameter is missing.');
    const client = await this.#deps.clients.find(clientId);
    if (client === undefined) throw new OAuthError('invalid_client', 'This application is not registered.');
    const requested = params['redirect_uri'];
    // RFC 6749 §3.1.2.3: without a redirect_uri, only a client with exactly one fixed URI can be served.
    const redirectUri =
      requested ??
      (client.redirectUris.length === 1 && !client.isNative ? client.redirectUris[0] : undefined);
    if (redirectUri === undefined)
      throw new OAuthError('invalid_request', 'The redirect_uri parameter is missing.');
    if (!isRedirectUriAllowed(client, redirectUri)) {
      throw new OAuthError('invalid_request', 'The redirect_uri is not registered for this application.');
    }

    const state = params['state'] ?? null;
    const fail = (code: OAuthError['code'], description: string) =>
      new AuthorizationRedirectError(
        new OAuthError(code, description),
        withQuery(redirectUri, {
          error: code,
          error_description: description,
          state,
          iss: this.#deps.issuer,
        }),
      );
    if (params['response_type'] !== 'code')
      throw fail('unsupported_response_type', 'Only response_type=code is supported.');
    if (state !== null && state.length > 2048)
      throw fail('invalid_request', 'The state parameter is too long.');
    let scopes: Scope[];
    try {
      scopes = parseScopeParameter(params['scope']);
    } catch (error) {
      throw fail('invalid_scope', (error as OAuthError).description);
    }
    const challenge = params['code_challenge'];
    const method = params['code_challenge_method'];
    // RFC 9700 §2.1.1: S256 only; `plain` gives no protection against a leaked authorization request.
    if (method !== undefined && method !== 'S256')
      throw fail('invalid_request', 'Only code_challenge_method=S256 is supported.');
    if (challenge === undefined) {
      if (client.type === 'public')
        throw fail('invalid_request', 'PKCE is required: send code_challenge with method S256.');
    } else if (method === undefined || !isCodeChallenge(challenge)) {
      throw fail(
        'invalid_request',
        'code_challenge must be an S256 challenge with code_challenge_method=S256.',
      );
    }
    const deviceName =
      params['device_name']
        ?.trim()
        .slice(0, 64)
        .replace(/\p{Cc}/gu, '') || null;
    return { client, redirectUri, scopes, state, codeChallenge: challenge ?? null, deviceName };
  }

  /**
   * The user approved `request` for `grantedScopes`, which may narrow but never widen it.
   * @returns where to redirect the user agent: the client's redirect URI with `code` and `state`.
   * @throws OAuthError `invalid_scope` when `grantedScopes` reaches outside the request.
   */
  async approve(
    accountId: string,
    request: AuthorizationRequest,
    grantedScopes: readonly string[],
    context: RequestContext,
  ): Promise<string> {
    const outside = grantedScopes.find((scope) => !(request.scopes as string[]).includes(scope));
    if (outside !== undefined || grantedScopes.length === 0) {
      throw new OAuthError(
        'invalid_scope',
        'The granted scopes must be a non-empty subset of the requested ones.',
      );
    }
    const now = this.#deps.clock.now();
    const code = randomBase62(this.#deps.random, 43);
    const record: AuthorizationCode = {
      clientId: request.client.id,
      accountId,
      redirectUri: request.redirectUri,
      scopes: grantedScopes as Scope[],
      codeChallenge: request.codeChallenge,
      deviceName: request.deviceName,
      createdAt: now,
      expiresAt: new Date(now.getTime() + CODE_LIFETIME_MS),
      redeemedAt: null,
      tokenId: null,
    };
    await this.#deps.uow.transaction(async (stores) => {
      await stores.oauth.insertCode(this.#deps.hasher.hash('oauth-code', code), record);
      await this.#deps.audit.record(stores, {
        accountId,
        action: 'oauth.authorized',
        actor: { type: 'account', id: accountId },
        target: { type: 'client', id: request.client.id },
        context,
        details: { client_name: request.client.name, scopes: grantedScopes },
      });
    });
    return withQuery(request.redirectUri, { code, state: request.state, iss: this.#deps.issuer });
  }

  /** The user refused: where to send the user agent (RFC 6749 §4.1.2.1 `access_denied`). */
  deny(request: AuthorizationRequest): string {
    return withQuery(request.redirectUri, {
      error: 'access_denied',
      error_description: 'The user denied the request.',
      state: request.state,
      iss: this.#deps.issuer,
    });
  }

  /**
   * RFC 6749 §4.1.3: redeems an authorization code. A code is single-use: presenting it again fails
   * and revokes the token the first redemption issued (§4.1.2).
   * @throws OAuthError `invalid_client`, `invalid_grant`, `invalid_request`.
   */
  async redeemAuthorizationCode(
    credentials: ClientCredentials,
    params: { code?: string; redirectUri?: string; codeVerifier?: string },
    context: RequestContext,
  ): Promise<TokenResponse> {
    const client = await this.#deps.clients.authenticate(credentials);
    if (params.code === undefined || params.code === '')
      throw new OAuthError('invalid_request', 'The code parameter is missing.');
    const codeHash = this.#deps.hasher.hash('oauth-code', params.code);
    const code = await this.#deps.uow.stores.oauth.findCode(codeHash);
    const invalid = (why: string) =>
      new OAuthError('invalid_grant', 'The authorization code is invalid, expired or used.', {
        privateDetail: why,
      });
    if (code === undefined || code.clientId !== client.id) throw invalid('unknown code or another client');
    if (code.redeemedAt !== null) {
      if (code.tokenId !== null)
        await this.#deps.clientTokens.revokeIssued(code.accountId, code.tokenId, 'code_reused', context);
      throw invalid('code presented again');
    }
    if (params.redirectUri !== code.redirectUri)
      throw invalid('redirect_uri differs from the authorization request');
    if (code.codeChallenge !== null) {
      if (
        params.codeVerifier === undefined ||
        !verifyCodeChallenge(params.codeVerifier, code.codeChallenge)
      ) {
        throw invalid('PKCE verification failed');
      }
    } else if (params.codeVerifier !== undefined) {
      // RFC 9700 §2.1.1: a verifier for a code issued without a challenge signals a downgrade attack.
      throw invalid('code_verifier without code_challenge');
    }

    const now = this.#deps.clock.now();
    const issued = await this.#deps.uow.transaction(async (stores) => {
      if (!(await stores.oauth.redeemCode(codeHash, now))) return undefined;
      const result = await this.#deps.clientTokens.issueForClient(stores, {
        accountId: code.accountId,
        client,
        scopes: code.scopes,
        deviceName: code.deviceName,
        lifetimeDays: OAUTH_TOKEN_LIFETIME_DAYS,
        context,
      });
      await stores.oauth.setCodeToken(codeHash, result.token.id);
      return result;
    });
    if (issued === undefined) throw invalid('code expired or redeemed concurrently');
    return {
      access_token: issued.value,
      token_type: 'Bearer',
      // The lifetime actually given: the instance policy may make it shorter.
      expires_in: issued.expiresInSeconds,
      scope: issued.token.scopes.join(' '),
    };
  }
}

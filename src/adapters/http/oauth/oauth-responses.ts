import type { DeviceAuthorizationResponse, IntrospectionResponse, TokenResponse } from '@skytells/contract';
import type { AccessToken } from '../../../core/model.js';
import type { AuthorizationResponse } from '../../../core/oauth/authorization-server.js';
import type { DeviceAuthorizationStart } from '../../../core/oauth/device-flow.js';
import type { IssuedToken } from '../../../core/token-lifecycle.js';

/** The RFC wire shapes of the authorization server's answers, made from core's results. */

/**
 * The redirect URI of an authorization response: the client's URI with `code` or `error` and
 * `error_description`, `state` (RFC 6749 §4.1.2, §4.1.2.1) and `iss` (RFC 9207 §2).
 */
export function authorizationRedirect(response: AuthorizationResponse, issuer: string): string {
  const url = new URL(response.redirectUri);
  const params: Record<string, string | null> =
    'code' in response
      ? { code: response.code }
      : { error: response.error.code, error_description: response.error.description };
  for (const [key, value] of Object.entries({ ...params, state: response.state, iss: issuer })) {
    if (value !== null) url.searchParams.set(key, value);
  }
  return url.toString();
}

/** A successful token response (RFC 6749 §5.1). */
export function tokenResponse(issued: IssuedToken, now: Date): TokenResponse {
  const { expiresAt, scopes } = issued.token;
  return {
    access_token: issued.value,
    token_type: 'Bearer',
    // OAuth tokens always expire; the lifetime left, in whole seconds.
    expires_in:
      expiresAt === null ? 0 : Math.max(0, Math.round((expiresAt.getTime() - now.getTime()) / 1000)),
    scope: scopes.join(' '),
  };
}

/** The device authorization response (RFC 8628 §3.2). */
export function deviceAuthorizationResponse(start: DeviceAuthorizationStart): DeviceAuthorizationResponse {
  return {
    device_code: start.deviceCode,
    user_code: start.userCode,
    verification_uri: start.verificationUri,
    verification_uri_complete: start.verificationUriComplete,
    expires_in: start.expiresInSeconds,
    interval: start.intervalSeconds,
  };
}

/** The introspection response (RFC 7662 §2.2): `{active: false}` alone unless the token is active and visible. */
export function introspectionResponse(token: AccessToken | undefined): IntrospectionResponse {
  if (token === undefined) return { active: false };
  return {
    active: true,
    scope: token.scopes.join(' '),
    ...(token.clientId === null ? {} : { client_id: token.clientId }),
    token_type: 'Bearer',
    ...(token.expiresAt === null ? {} : { exp: Math.floor(token.expiresAt.getTime() / 1000) }),
    iat: Math.floor(token.createdAt.getTime() / 1000),
    sub: token.accountId,
    jti: token.id,
  };
}

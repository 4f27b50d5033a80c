import {
  type DeviceAuthorizationResponse,
  type IntrospectionResponse,
  OAUTH_ERROR_CATALOGUE,
  type TokenResponse,
} from '@skytells/contract';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError } from '../../../core/errors.js';
import type { ClientCredentials } from '../../../core/oauth/client-registry.js';

/** Wire helpers of the OAuth endpoints: parameters, client authentication, error responses. */

/** Request parameters as a flat map. @throws OAuthError `invalid_request` on a repeated parameter (RFC 6749 §3.1). */
export function paramsOf(source: unknown): Record<string, string | undefined> {
  if (source === null || typeof source !== 'object') return {};
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(source as Record<string, unknown>)) {
    if (Array.isArray(value))
      throw new OAuthError('invalid_request', `The ${key.slice(0, 40)} parameter is repeated.`);
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}

/**
 * The client's credentials: HTTP Basic (RFC 6749 §2.3.1, both parts form-urlencoded) or
 * `client_id` / `client_secret` in the body; never both.
 * @throws OAuthError `invalid_client` or `invalid_request`.
 */
export function clientCredentialsOf(
  request: FastifyRequest,
  params: Record<string, string | undefined>,
): ClientCredentials {
  const header = request.headers.authorization;
  if (header !== undefined && /^basic /i.test(header)) {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthError('invalid_client', 'Malformed HTTP Basic credentials.');
    if (params['client_secret'] !== undefined)
      throw new OAuthError('invalid_request', 'Use one client authentication method only.');
    try {
      return {
        clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
        clientSecret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
      };
    } catch {
      throw new OAuthError('invalid_client', 'Malformed HTTP Basic credentials.');
    }
  }
  const clientId = params['client_id'];
  if (clientId === undefined || clientId === '')
    throw new OAuthError('invalid_client', 'The client_id parameter is missing.');
  const secret = params['client_secret'];
  return secret === undefined ? { clientId } : { clientId, clientSecret: secret };
}

/**
 * Sends an OAuth error response (RFC 6749 §5.2) with `Cache-Control: no-store`, with the error's
 * status unless `status` overrides it (a 413 for an oversized body).
 */
export function sendOAuthError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: OAuthError,
  status: number = OAUTH_ERROR_CATALOGUE[error.code],
): FastifyReply {
  if (error.code === 'invalid_client' && /^basic /i.test(request.headers.authorization ?? '')) {
    void reply.header('www-authenticate', 'Basic realm="skytells"');
  }
  request.log.info({ oauth_error: error.code, detail: error.privateDetail }, 'oauth request refused');
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('pragma', 'no-cache')
    .send({ error: error.code, error_description: error.description });
}

/** Sends a successful token-endpoint style JSON response that must never be cached (RFC 6749 §5.1). */
export function sendNoStore(
  reply: FastifyReply,
  status: number,
  body: TokenResponse | DeviceAuthorizationResponse | IntrospectionResponse | Record<string, never>,
): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').header('pragma', 'no-cache').send(body);
}

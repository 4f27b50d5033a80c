import { ApiError } from './errors.js';

/** Longest `Authorization` header value considered; anything longer is malformed, not parsed. */
export const MAX_AUTHORIZATION_LENGTH = 1024;

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; the scheme is case-insensitive (RFC 9110 §11.1).
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * The token of an RFC 6750 `Authorization: Bearer` header.
 * @throws ApiError `token_malformed` for another scheme, an empty or oversized value.
 */
export function parseBearer(header: string): string {
  if (header.length > MAX_AUTHORIZATION_LENGTH) {
    throw new ApiError('token_malformed', { detail: 'The Authorization header is too long.' });
  }
  const match = BEARER.exec(header);
  if (match?.[1] === undefined) {
    throw new ApiError('token_malformed', { detail: 'Expected "Authorization: Bearer <token>".' });
  }
  return match[1];
}

import { createHash } from 'node:crypto';
import { constantTimeEqual } from '../keyed-hash.js';

// RFC 7636 §4.1: code_verifier = 43*128unreserved.
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
// RFC 7636 §4.2: an S256 challenge is BASE64URL(SHA256(verifier)): 43 characters, no padding.
const S256_CHALLENGE = /^[A-Za-z0-9\-_]{43}$/;

/** Whether `challenge` has the form of an S256 code challenge. */
export function isCodeChallenge(challenge: string): boolean {
  return S256_CHALLENGE.test(challenge);
}

/** Whether `verifier` has the form RFC 7636 §4.1 requires. */
export function isCodeVerifier(verifier: string): boolean {
  return VERIFIER.test(verifier);
}

/** BASE64URL(SHA256(ASCII(verifier))), RFC 7636 §4.2. */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/**
 * RFC 7636 §4.6: the verifier matches the challenge under S256. `plain` is never accepted
 * (RFC 9700 §2.1.1).
 */
export function verifyCodeChallenge(verifier: string, challenge: string): boolean {
  return isCodeVerifier(verifier) && constantTimeEqual(s256(verifier), challenge);
}

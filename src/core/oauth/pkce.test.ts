import { describe, expect, it } from 'vitest';
import { isCodeChallenge, s256, verifyCodeChallenge } from './pkce.js';

describe('PKCE (RFC 7636)', () => {
  // RFC 7636 Appendix B.
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

  it('computes the S256 challenge of the RFC example', () => {
    expect(s256(verifier)).toBe(challenge);
    expect(isCodeChallenge(challenge)).toBe(true);
  });

  it('accepts the matching verifier and refuses any other', () => {
    expect(verifyCodeChallenge(verifier, challenge)).toBe(true);
    expect(verifyCodeChallenge(verifier.replace('d', 'e'), challenge)).toBe(false);
  });

  it('refuses a verifier that is too short even if it hashes right', () => {
    const short = 'abc';
    expect(verifyCodeChallenge(short, s256(short))).toBe(false);
  });

  it('refuses plain: the verifier itself is never a valid challenge', () => {
    expect(verifyCodeChallenge(verifier, verifier)).toBe(false);
  });
});

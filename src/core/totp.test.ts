import { Secret, TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { matchTotpStep, totpSecretText, totpStep, totpUri } from './totp.js';

const secret = Uint8Array.from({ length: 20 }, (_v, i) => i + 1);
const now = new Date('2026-12-01T12:00:10.000Z');

/** The code an authenticator app shows at `at`, computed independently from the URI. */
function appCode(at: Date): string {
  return TOTP.generate({ secret: Secret.fromBase32(totpSecretText(secret)), timestamp: at.getTime() });
}

describe('TOTP (RFC 6238)', () => {
  it('matches the RFC 6238 appendix B test vector for SHA-1 (last six digits)', () => {
    const rfcSecret = new TextEncoder().encode('12345678901234567890');
    // T = 59 s → 94287082.
    expect(matchTotpStep(rfcSecret, '287082', new Date(59_000))).toBe(1);
  });

  it('accepts the current code and those of one step either side, and answers their step', () => {
    expect(matchTotpStep(secret, appCode(now), now)).toBe(totpStep(now));
    expect(matchTotpStep(secret, appCode(new Date(now.getTime() - 30_000)), now)).toBe(totpStep(now) - 1);
    expect(matchTotpStep(secret, appCode(new Date(now.getTime() + 30_000)), now)).toBe(totpStep(now) + 1);
  });

  it('refuses a code two steps away, a malformed code and another secret', () => {
    expect(matchTotpStep(secret, appCode(new Date(now.getTime() - 60_000)), now)).toBeUndefined();
    expect(matchTotpStep(secret, '12345', now)).toBeUndefined();
    expect(matchTotpStep(secret, 'abcdef', now)).toBeUndefined();
    expect(matchTotpStep(Uint8Array.from(secret).reverse(), appCode(now), now)).toBeUndefined();
  });

  it('accepts a code typed with a space in the middle', () => {
    const code = appCode(now);
    expect(matchTotpStep(secret, `${code.slice(0, 3)} ${code.slice(3)}`, now)).toBe(totpStep(now));
  });

  it('writes a Key Uri Format URI with issuer Skytells and the label', () => {
    const uri = new URL(totpUri(secret, 'ada@example.com'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Skytells:ada@example.com');
    expect(uri.searchParams.get('secret')).toBe(totpSecretText(secret));
    expect(uri.searchParams.get('issuer')).toBe('Skytells');
    expect(uri.searchParams.get('algorithm')).toBe('SHA1');
    expect(uri.searchParams.get('digits')).toBe('6');
    expect(uri.searchParams.get('period')).toBe('30');
  });
});

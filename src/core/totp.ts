import { Secret, TOTP } from 'otpauth';

/** RFC 6238 §4: the time step, in seconds. */
export const TOTP_PERIOD_SECONDS = 30;

/** Codes of one step either side of now are accepted, for clock drift (RFC 6238 §5.2). */
const WINDOW = 1;

/** RFC 4226 §4 recommends a 160-bit shared secret for HMAC-SHA-1. */
export const TOTP_SECRET_BYTES = 20;

const SIX_DIGITS = /^\d{6}$/;

function totpFor(secret: Uint8Array, label = ''): TOTP {
  return new TOTP({
    issuer: 'Skytells',
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: TOTP_PERIOD_SECONDS,
    secret: new Secret({ buffer: Uint8Array.from(secret).buffer }),
  });
}

/** The secret in base32 (RFC 4648 §6), as people type it into an authenticator app. */
export function totpSecretText(secret: Uint8Array): string {
  return new Secret({ buffer: Uint8Array.from(secret).buffer }).base32;
}

/** The `otpauth://totp/Skytells:<label>?secret=…&issuer=Skytells` URI (Key Uri Format) of `secret`. */
export function totpUri(secret: Uint8Array, label: string): string {
  return totpFor(secret, label).toString();
}

/** The TOTP time step (RFC 6238 §4.2 `T`) that contains `at`. */
export function totpStep(at: Date): number {
  return Math.floor(at.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

/** `code` with spaces removed, as people copy it from an app that groups digits. */
export function normaliseTotpCode(code: string): string {
  return code.replace(/\s/g, '');
}

/**
 * The time step whose code `code` is, within one step of `now` (RFC 6238, SHA-1, 6 digits, 30 s);
 * `undefined` for any other code. The caller refuses a step it has already accepted (§5.2).
 */
export function matchTotpStep(secret: Uint8Array, code: string, now: Date): number | undefined {
  const token = normaliseTotpCode(code);
  if (!SIX_DIGITS.test(token)) return undefined;
  const delta = totpFor(secret).validate({ token, timestamp: now.getTime(), window: WINDOW });
  return delta === null ? undefined : totpStep(now) + delta;
}

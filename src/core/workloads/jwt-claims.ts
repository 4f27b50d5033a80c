/** The parts of a compact JWS (RFC 7515 §7.1): three base64url segments. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

function jsonObjectOf(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The claims of a signed JWT, read without verifying anything: only to find which workload and
 * issuer it speaks of before its signature is checked. Undefined unless it is a compact JWS whose
 * header names an algorithm and whose payload is a JSON object (RFC 7519 §7.2).
 */
export function readUnverifiedClaims(jwt: string): Record<string, unknown> | undefined {
  if (jwt.length > 16_384 || !COMPACT_JWS.test(jwt)) return undefined;
  const [header, payload] = jwt.split('.');
  const protectedHeader = jsonObjectOf(header!);
  if (protectedHeader === undefined || typeof protectedHeader['alg'] !== 'string') return undefined;
  return jsonObjectOf(payload!);
}

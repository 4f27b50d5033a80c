import { invalidField } from '../errors.js';

/** Claims an ID token's signature and the exchange itself check; a workload cannot require values of them. */
export const REGISTERED_CLAIMS: readonly string[] = ['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti'];

const CONTROL = /\p{Cc}/u;

/**
 * A workload name, trimmed: 1 to 100 characters without control characters.
 * @throws ApiError `validation_failed` on `name`.
 */
export function parseWorkloadName(raw: string): string {
  const name = raw.trim();
  if (name.length < 1 || name.length > 100) throw invalidField('name', 'must be 1 to 100 characters');
  if (CONTROL.test(name)) throw invalidField('name', 'must not contain control characters');
  return name;
}

/** Whether `host` (a URL's hostname) names this machine: `localhost`, 127.0.0.0/8 or `[::1]`. */
function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * An OIDC issuer as a workload keeps it: exactly as given, since it must equal the ID tokens' `iss`.
 * `https://` only; `http://` on loopback when `allowInsecure` (docs/workloads.md, "Issuers").
 * @throws ApiError `validation_failed` on `issuer`.
 */
export function parseIssuer(raw: string, allowInsecure: boolean): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidField('issuer', 'must be an absolute https:// URL');
  }
  if (url.username !== '' || url.password !== '')
    throw invalidField('issuer', 'must not contain a user name or password');
  if (url.search !== '' || url.hash !== '' || raw.includes('?') || raw.includes('#'))
    throw invalidField('issuer', 'must not have a query or a fragment (OpenID Connect Discovery §2)');
  if (url.protocol === 'https:') return raw;
  if (url.protocol === 'http:' && allowInsecure && isLoopbackHost(url.hostname)) return raw;
  throw invalidField(
    'issuer',
    url.protocol === 'http:'
      ? 'must be https:// (http:// is accepted on loopback only with SKYTELLS_WORKLOAD_ALLOW_INSECURE_ISSUER=true)'
      : 'must be an https:// URL',
  );
}

/** The segments and separators of a subject: `repo:acme/api` → `repo`, `:`, `acme`, `/`, `api`. */
function partsOf(subject: string): string[] {
  return subject.split(/([:/])/);
}

/**
 * A subject pattern: `*` only as a whole segment between `:` or `/`.
 * @throws ApiError `validation_failed` on `subject`.
 */
export function parseSubjectPattern(raw: string): string {
  if (raw.length === 0) throw invalidField('subject', 'must not be empty');
  if (CONTROL.test(raw)) throw invalidField('subject', 'must not contain control characters');
  const partial = partsOf(raw).find((part) => part.includes('*') && part !== '*');
  if (partial !== undefined) {
    throw invalidField(
      'subject',
      `"${partial.slice(0, 64)}": * must be a whole segment between : or /, matching any one segment`,
    );
  }
  return raw;
}

/**
 * Whether `subject` matches `pattern`: exactly, except that a pattern segment `*` matches any one
 * non-empty segment of the subject.
 */
export function matchesSubject(pattern: string, subject: string): boolean {
  const want = partsOf(pattern);
  const have = partsOf(subject);
  if (want.length !== have.length) return false;
  return want.every((part, i) => (part === '*' ? have[i] !== '' : part === have[i]));
}

/**
 * Required claims: names neither empty nor registered (`iss sub aud exp nbf iat jti`).
 * @throws ApiError `validation_failed` on `claims` or `claims.<name>`.
 */
export function parseRequiredClaims(raw: Record<string, string> | undefined): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw ?? {})) {
    if (name.trim() === '' || CONTROL.test(name))
      throw invalidField('claims', 'claim names must not be empty');
    if (REGISTERED_CLAIMS.includes(name)) {
      throw invalidField(
        `claims.${name}`,
        'is checked by the exchange itself; the registered claims iss sub aud exp nbf iat jti cannot be required here',
      );
    }
    claims[name] = value;
  }
  return claims;
}

/**
 * Whether the ID token's `value` of a required claim matches `expected`: a string exactly; a number
 * or boolean by its JSON text (`true` matches `"true"`); nothing else.
 */
export function matchesClaim(value: unknown, expected: string): boolean {
  if (typeof value === 'string') return value === expected;
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value) === expected;
  return false;
}

import { ApiError, invalidField } from './errors.js';

/** Longest lifetime a token may be given, in days (CONTRACT §2). */
export const MAX_LIFETIME_DAYS = 366;
const DAY_MS = 86_400_000;

/** The three ways to state an expiration; exactly one must be present. */
export interface ExpirationInput {
  expiresInDays?: number;
  /** RFC 3339 date-time. */
  expiresAt?: string;
  expires?: 'never';
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** RFC 3339 §5.7: the day must exist in its month; `Date` would roll 2027-02-30 over to March. */
function isCalendarDate(match: RegExpExecArray): boolean {
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The expiry instant `input` asks for at `now`: a date, `null` for never, or `undefined` when none
 * of the three fields is present and `optional` allows that.
 * @throws ApiError `validation_failed` for none or several fields, out-of-range days, a malformed,
 * past or too distant date.
 */
export function resolveExpiry(input: ExpirationInput, now: Date, optional = false): Date | null | undefined {
  const given = (['expiresInDays', 'expiresAt', 'expires'] as const).filter(
    (key) => input[key] !== undefined,
  );
  if (given.length === 0) {
    if (optional) return undefined;
    throw invalidField('expires_in_days', 'state one of expires_in_days, expires_at or expires: "never"');
  }
  if (given.length > 1) {
    throw invalidField(
      'expires_in_days',
      'state only one of expires_in_days, expires_at or expires: "never"',
    );
  }
  if (input.expires !== undefined) return null;
  if (input.expiresInDays !== undefined) {
    const days = input.expiresInDays;
    if (!Number.isInteger(days) || days < 1 || days > MAX_LIFETIME_DAYS) {
      throw invalidField('expires_in_days', `must be a whole number of days from 1 to ${MAX_LIFETIME_DAYS}`);
    }
    return new Date(now.getTime() + days * DAY_MS);
  }
  const text = input.expiresAt ?? '';
  const at = new Date(text);
  const match = RFC3339.exec(text);
  if (match === null || !isCalendarDate(match) || Number.isNaN(at.getTime())) {
    throw invalidField('expires_at', 'must be an RFC 3339 date-time, e.g. 2027-01-31T00:00:00Z');
  }
  if (at.getTime() <= now.getTime()) throw invalidField('expires_at', 'must be in the future');
  if (at.getTime() > now.getTime() + MAX_LIFETIME_DAYS * DAY_MS) {
    throw invalidField('expires_at', `must be at most ${MAX_LIFETIME_DAYS} days ahead`);
  }
  return at;
}

// Control characters (C0, DEL, C1) and the Unicode line and paragraph separators.
const CONTROL = /[\p{Cc}\u2028\u2029]/u;

/**
 * A token name, trimmed: 1 to 100 characters without control characters.
 * @throws ApiError `validation_failed` on the `name` field.
 */
export function parseTokenName(raw: string): string {
  const name = raw.trim();
  if (name.length === 0) throw invalidField('name', 'must not be empty');
  if ([...name].length > 100) throw invalidField('name', 'must be at most 100 characters');
  if (CONTROL.test(name)) throw invalidField('name', 'must not contain control characters');
  return name;
}

/** The suggested name of a replacement: `deploy` → `deploy-2`, `deploy-2` → `deploy-3`. */
export function successorName(name: string): string {
  const match = /^(.*)-(\d{1,6})$/.exec(name);
  const next =
    match?.[1] !== undefined && match[2] !== undefined ? `${match[1]}-${Number(match[2]) + 1}` : `${name}-2`;
  return [...next].length > 100 ? [...next].slice(-100).join('') : next;
}

/** The error for a second active token with the same name. */
export function nameConflict(name: string): ApiError {
  return new ApiError('name_conflict', { detail: `An active token is already named "${name}".` });
}

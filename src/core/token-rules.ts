import { MAX_TOKEN_LIFETIME_DAYS, successorName, tokenNameProblem } from '@skytells/contract';
import { ApiError, invalidField } from './errors.js';

/** Longest lifetime a token may be given, in days (docs/tokens.md). */
export const MAX_LIFETIME_DAYS = MAX_TOKEN_LIFETIME_DAYS;
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

/** The instance's limits on token lifetimes, set by the server's configuration. */
export interface TokenPolicy {
  /** No token with an expiry lives longer than this many days (1 to {@link MAX_LIFETIME_DAYS}). */
  readonly maxLifetimeDays: number;
  /** Refuse tokens that never expire. */
  readonly requireExpiration: boolean;
}

/** The policy of a server that sets neither variable: 366 days at most, "never" allowed. */
export const DEFAULT_TOKEN_POLICY: TokenPolicy = Object.freeze({
  maxLifetimeDays: MAX_LIFETIME_DAYS,
  requireExpiration: false,
});

/** The latest expiry `policy` allows for a token created at `now`. */
function latestUnder(policy: TokenPolicy, now: Date): Date {
  return new Date(now.getTime() + policy.maxLifetimeDays * DAY_MS);
}

/**
 * Checks an expiry a caller asked for (`null`: never) against the instance policy. A token that
 * never expires is bounded by `requireExpiration` alone.
 * @throws ApiError `policy_violation` for "never" where tokens must expire, or an expiry beyond
 * the longest lifetime.
 */
export function assertWithinPolicy(expiresAt: Date | null, now: Date, policy: TokenPolicy): void {
  const longest = `${policy.maxLifetimeDays} day${policy.maxLifetimeDays === 1 ? '' : 's'}`;
  if (expiresAt === null) {
    if (!policy.requireExpiration) return;
    throw new ApiError('policy_violation', {
      detail: `This server requires every token to expire, within ${longest}: state expires_in_days or expires_at.`,
    });
  }
  if (expiresAt.getTime() > latestUnder(policy, now).getTime()) {
    throw new ApiError('policy_violation', { detail: `This server lets a token live at most ${longest}.` });
  }
}

/**
 * An expiry the server chose itself (a rotation's inherited lifetime, an OAuth grant's) brought within
 * the instance policy: a later one is cut to the longest lifetime, and "never" becomes the longest
 * lifetime where tokens must expire.
 */
export function capToPolicy(expiresAt: Date | null, now: Date, policy: TokenPolicy): Date | null {
  const latest = latestUnder(policy, now);
  if (expiresAt === null) return policy.requireExpiration ? latest : null;
  return expiresAt.getTime() > latest.getTime() ? latest : expiresAt;
}

/**
 * A token cannot outgrow the token that creates it: checks an expiry the caller asked for against
 * the caller's own (`callerExpiresAt` null: the caller never expires, or is not a token).
 * @throws ApiError `lifetime_exceeds_caller` for "never", or a later expiry, asked by a caller that
 * expires.
 */
export function assertWithinCaller(expiresAt: Date | null, callerExpiresAt: Date | null): void {
  if (callerExpiresAt === null) return;
  if (expiresAt === null || expiresAt.getTime() > callerExpiresAt.getTime()) {
    throw new ApiError('lifetime_exceeds_caller', {
      detail: `This token expires at ${callerExpiresAt.toISOString()}; it cannot make a token that expires later${
        expiresAt === null ? ' or never' : ''
      }.`,
    });
  }
}

/** An expiry the server chose itself, cut to the caller's own (`callerExpiresAt` null: no limit). */
export function capToCaller(expiresAt: Date | null, callerExpiresAt: Date | null): Date | null {
  if (callerExpiresAt === null) return expiresAt;
  return expiresAt === null || expiresAt.getTime() > callerExpiresAt.getTime() ? callerExpiresAt : expiresAt;
}

/**
 * A token name, trimmed: 1 to 100 characters without control characters (the contract's rule).
 * @throws ApiError `validation_failed` on the `name` field.
 */
export function parseTokenName(raw: string): string {
  const problem = tokenNameProblem(raw);
  if (problem !== undefined) throw invalidField('name', problem);
  return raw.trim();
}

export { successorName };

/** The error for a second active token with the same name. */
export function nameConflict(name: string): ApiError {
  return new ApiError('name_conflict', { detail: `An active token is already named "${name}".` });
}

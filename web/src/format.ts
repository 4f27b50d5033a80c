/** Times as people read them. Pure: every function takes `now`, so tests need no clock. */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Tokens that expire sooner than this are flagged on the Tokens page. */
export const EXPIRY_WARNING_MS = 7 * DAY;

const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'always' });
const exactFormat = new Intl.DateTimeFormat('en', {
  dateStyle: 'medium',
  timeStyle: 'short',
});
const dayFormat = new Intl.DateTimeFormat('en', {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
});

/** "just now", "5 minutes ago", "in 3 days", "2 months ago". */
export function relativeTime(at: Date, now: Date): string {
  const delta = at.getTime() - now.getTime();
  const size = Math.abs(delta);
  if (size < 45 * SECOND) return 'just now';
  const sign = delta < 0 ? -1 : 1;
  // [unit, its length, the size from which it is used]: days up to two months read more precisely.
  const units: [Intl.RelativeTimeFormatUnit, number, number][] = [
    ['year', 365 * DAY, 365 * DAY],
    ['month', 30 * DAY, 60 * DAY],
    ['day', DAY, DAY],
    ['hour', HOUR, HOUR],
    ['minute', MINUTE, 0],
  ];
  // A 2% tolerance: a revocation scheduled an hour ago reads "in 1 hour", not "in 60 minutes", a moment later.
  const [unit, length] = units.find(([, , from]) => size >= from * 0.98) ?? ['minute', MINUTE];
  return relativeFormat.format(sign * Math.max(1, Math.round(size / length)), unit);
}

/** "Jan 5, 2026, 3:04 PM" in the reader's time zone. */
export function exactTime(at: Date): string {
  return exactFormat.format(at);
}

/** "Mon, Jan 5, 2026". */
export function exactDay(at: Date): string {
  return dayFormat.format(at);
}

/** How a token's expiry reads, and how loudly. */
export interface ExpiryDescription {
  text: string;
  tone: 'normal' | 'soon' | 'never' | 'past';
}

/**
 * "expires in 3 days" (soon), "no expiration" (never), "expired 2 days ago" (past), or
 * "in 30 days" (normal).
 */
export function describeExpiry(expiresAt: string | null, now: Date): ExpiryDescription {
  if (expiresAt === null) return { text: 'No expiration', tone: 'never' };
  const at = new Date(expiresAt);
  const remaining = at.getTime() - now.getTime();
  if (remaining <= 0) return { text: `Expired ${relativeTime(at, now)}`, tone: 'past' };
  if (remaining < EXPIRY_WARNING_MS) return { text: `Expires ${relativeTime(at, now)}`, tone: 'soon' };
  return { text: relativeTime(at, now), tone: 'normal' };
}

/** A short, readable form of a user agent: the first product token, e.g. "curl/8.5.0". */
export function shortUserAgent(userAgent: string): string {
  const browser = /(Firefox|Edg|Chrome|Safari)\/[\d.]+/.exec(userAgent);
  if (browser !== null && /Mozilla\//.test(userAgent)) return browser[0];
  return userAgent.split(/\s+/)[0]?.slice(0, 60) ?? userAgent;
}

/** "in 1 hour" / "in 7 days" for a number of seconds ahead. */
export function describeDelay(seconds: number): string {
  if (seconds === 0) return 'immediately';
  return relativeTime(new Date(seconds * SECOND), new Date(0));
}

/** The local calendar day of `at` as `YYYY-MM-DD`, the value of a date input. */
export function isoDay(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}

/** The instant a custom expiry day means: the end of that local day, capped at `latest`. */
export function endOfDay(day: string, latest: Date): Date {
  const [year, month, date] = day.split('-').map(Number);
  const end = new Date(year ?? 0, (month ?? 1) - 1, date ?? 1, 23, 59, 59);
  return end.getTime() > latest.getTime() ? latest : end;
}

/** Adds whole days to `at`. */
export function addDays(at: Date, days: number): Date {
  return new Date(at.getTime() + days * DAY);
}

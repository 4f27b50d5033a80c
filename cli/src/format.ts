/** Human wording for times and lists in the CLI's output. */

const DAY_MS = 86_400_000;

/** "in 3 days", "in 5 hours", "2 days ago", "just now": a coarse distance from `now`. */
export function relativeTime(iso: string, now: Date = new Date()): string {
  const delta = new Date(iso).getTime() - now.getTime();
  const abs = Math.abs(delta);
  if (abs < 60_000) return 'just now';
  const [value, unit] =
    abs >= DAY_MS
      ? [Math.round(abs / DAY_MS), 'day']
      : abs >= 3_600_000
        ? [Math.round(abs / 3_600_000), 'hour']
        : [Math.round(abs / 60_000), 'minute'];
  const amount = `${value} ${unit}${value === 1 ? '' : 's'}`;
  return delta >= 0 ? `in ${amount}` : `${amount} ago`;
}

/** A date and time in UTC, to the minute: `2025-06-01 14:03 UTC`. */
export function shortTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** "2025-06-01 14:03 UTC (in 90 days)", or "never" for a token without an expiry. */
export function describeExpiry(expiresAt: string | null, now: Date = new Date()): string {
  if (expiresAt === null) return 'never';
  return `${shortTime(expiresAt)} (${relativeTime(expiresAt, now)})`;
}

/** True when `expiresAt` is within `days` days from `now` (and not already past). */
export function expiresWithin(expiresAt: string | null, days: number, now: Date = new Date()): boolean {
  if (expiresAt === null) return false;
  const left = new Date(expiresAt).getTime() - now.getTime();
  return left > 0 && left < days * DAY_MS;
}

/** A comma-separated list option (`--scopes a,b c`), split, trimmed, without empties. */
export function splitList(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** Where a token is kept, in words; `path` is the file of a `file` or `workload` token. */
export function describeStorage(storage: 'keyring' | 'file' | 'env' | 'workload', path: string): string {
  switch (storage) {
    case 'keyring':
      return 'the system keychain (service "skytells")';
    case 'file':
      return `${path} (mode 0600)`;
    case 'workload':
      return `${path} (mode 0600, this CI job only)`;
    case 'env':
      return 'the SKYTELLS_TOKEN environment variable';
  }
}

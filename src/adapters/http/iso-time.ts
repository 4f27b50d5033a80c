/** `00`…`59`: the two-digit fields of a time of day. */
const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));
/** `000`…`999`: milliseconds. */
const THREE_DIGITS = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));
const DAY_MS = 86_400_000;
/** The `YYYY-MM-DDT` of recent days, by day number since the epoch. */
const DAY_PREFIXES = new Map<number, string>();
const MAX_DAYS = 4096;

/**
 * `date` in RFC 3339 UTC exactly as `Date.prototype.toISOString` writes it (`2027-01-31T09:05:03.042Z`),
 * for the instants an API response is made of. The date part is remembered per day and the time of day
 * assembled from tables, which makes it several times cheaper than `toISOString` on a hot path.
 * @throws RangeError for an invalid date, as `toISOString` does.
 */
export function isoTime(date: Date): string {
  const ms = date.getTime();
  const day = Math.floor(ms / DAY_MS);
  let prefix = DAY_PREFIXES.get(day);
  if (prefix === undefined) {
    prefix = date.toISOString().slice(0, -13);
    if (prefix.length !== 11) return date.toISOString(); // years beyond 0000–9999: the expanded form
    if (DAY_PREFIXES.size >= MAX_DAYS) DAY_PREFIXES.clear();
    DAY_PREFIXES.set(day, prefix);
  }
  let rest = ms - day * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  return `${prefix}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}.${THREE_DIGITS[rest - seconds * 1000]}Z`;
}

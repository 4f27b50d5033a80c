import { describe, expect, it } from 'vitest';
import { describeExpiry, endOfDay, relativeTime, shortUserAgent } from '../../web/src/format.js';

const NOW = new Date('2026-03-10T12:00:00Z');
const at = (ms: number) => new Date(NOW.getTime() + ms);
const DAY = 86_400_000;

describe('console time formatting', () => {
  it.each([
    [0, 'just now'],
    [-30_000, 'just now'],
    [-5 * 60_000, '5 minutes ago'],
    [3 * 3_600_000, 'in 3 hours'],
    [3_600_000 - 5_000, 'in 1 hour'],
    [50 * 60_000, 'in 50 minutes'],
    [3 * DAY, 'in 3 days'],
    [30 * DAY - 1000, 'in 30 days'],
    [90 * DAY, 'in 3 months'],
    [-400 * DAY, '1 year ago'],
  ])('reads an offset of %i ms as "%s"', (offset, text) => {
    expect(relativeTime(at(offset), NOW)).toBe(text);
  });

  it('flags a token expiring within a week, one that never expires, and one that has expired', () => {
    expect(describeExpiry(at(3 * DAY).toISOString(), NOW)).toEqual({
      text: 'Expires in 3 days',
      tone: 'soon',
    });
    expect(describeExpiry(null, NOW)).toEqual({ text: 'No expiration', tone: 'never' });
    expect(describeExpiry(at(-2 * DAY).toISOString(), NOW)).toEqual({
      text: 'Expired 2 days ago',
      tone: 'past',
    });
    expect(describeExpiry(at(30 * DAY).toISOString(), NOW)).toEqual({ text: 'in 30 days', tone: 'normal' });
  });

  it('ends a custom expiry day at its last second, but never past the latest allowed instant', () => {
    const latest = new Date(2026, 5, 1, 12, 0, 0);
    expect(endOfDay('2026-04-02', latest)).toEqual(new Date(2026, 3, 2, 23, 59, 59));
    expect(endOfDay('2026-06-01', latest)).toEqual(latest);
  });

  it('shortens browser user agents to the browser and others to their first product', () => {
    expect(
      shortUserAgent(
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      ),
    ).toBe('Chrome/131.0.0.0');
    expect(shortUserAgent('curl/8.5.0')).toBe('curl/8.5.0');
    expect(shortUserAgent('skytells-cli/0.1.0 (darwin; arm64)')).toBe('skytells-cli/0.1.0');
  });
});

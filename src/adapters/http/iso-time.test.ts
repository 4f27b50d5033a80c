import { describe, expect, it } from 'vitest';
import { isoTime } from './iso-time.js';

describe('isoTime', () => {
  it('writes every instant exactly as toISOString does', () => {
    const instants = [
      0,
      -1,
      1,
      86_399_999,
      86_400_000,
      Date.UTC(2026, 11, 1, 23, 59, 59, 999),
      Date.UTC(2028, 1, 29, 12, 0, 0, 5),
      Date.UTC(1969, 11, 31, 23, 59, 59, 999),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      Date.UTC(0, 0, 1) - 1,
      Date.UTC(10_000, 0, 1),
      -8.64e15,
      8.64e15,
    ];
    for (let i = 0; i < 20_000; i++) instants.push(Math.floor((Math.random() - 0.5) * 2 * 4e14));
    for (const ms of instants) expect(isoTime(new Date(ms)), String(ms)).toBe(new Date(ms).toISOString());
  });

  it('refuses an invalid date as toISOString does', () => {
    expect(() => isoTime(new Date(Number.NaN))).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import { ApiError } from './errors.js';
import {
  assertWithinCaller,
  assertWithinPolicy,
  capToCaller,
  capToPolicy,
  DEFAULT_TOKEN_POLICY,
  type TokenPolicy,
} from './token-rules.js';

const DAY_MS = 86_400_000;
const now = new Date('2030-01-01T00:00:00Z');
const after = (ms: number) => new Date(now.getTime() + ms);
const strict: TokenPolicy = { maxLifetimeDays: 30, requireExpiration: true };

/** The code of the ApiError `action` throws. */
function codeOf(action: () => void): string {
  try {
    action();
  } catch (error) {
    if (error instanceof ApiError) return error.code;
    throw error;
  }
  throw new Error('expected an ApiError');
}

describe('assertWithinPolicy', () => {
  it('allows up to the longest lifetime, to the millisecond', () => {
    expect(() => assertWithinPolicy(after(30 * DAY_MS), now, strict)).not.toThrow();
    expect(codeOf(() => assertWithinPolicy(after(30 * DAY_MS + 1), now, strict))).toBe('policy_violation');
  });

  it('refuses "never" only where tokens must expire', () => {
    expect(codeOf(() => assertWithinPolicy(null, now, strict))).toBe('policy_violation');
    expect(() => assertWithinPolicy(null, now, { ...strict, requireExpiration: false })).not.toThrow();
  });

  it('names the longest lifetime in its detail', () => {
    expect(() => assertWithinPolicy(after(31 * DAY_MS), now, strict)).toThrow(
      'This server lets a token live at most 30 days.',
    );
    expect(() => assertWithinPolicy(null, now, strict)).toThrow(/within 30 days/);
  });

  it('allows everything the request format allows under the default policy', () => {
    expect(() => assertWithinPolicy(after(366 * DAY_MS), now, DEFAULT_TOKEN_POLICY)).not.toThrow();
    expect(() => assertWithinPolicy(null, now, DEFAULT_TOKEN_POLICY)).not.toThrow();
  });
});

describe('capToPolicy', () => {
  it('cuts a later expiry to the longest lifetime and keeps an earlier one', () => {
    expect(capToPolicy(after(90 * DAY_MS), now, strict)).toEqual(after(30 * DAY_MS));
    expect(capToPolicy(after(DAY_MS), now, strict)).toEqual(after(DAY_MS));
  });

  it('turns "never" into the longest lifetime where tokens must expire, and keeps it otherwise', () => {
    expect(capToPolicy(null, now, strict)).toEqual(after(30 * DAY_MS));
    expect(capToPolicy(null, now, { ...strict, requireExpiration: false })).toBeNull();
  });
});

describe('assertWithinCaller', () => {
  const caller = after(10 * DAY_MS);

  it('allows an expiry up to the caller’s own, and refuses a later one or "never"', () => {
    expect(() => assertWithinCaller(caller, caller)).not.toThrow();
    expect(() => assertWithinCaller(after(DAY_MS), caller)).not.toThrow();
    expect(codeOf(() => assertWithinCaller(after(10 * DAY_MS + 1), caller))).toBe('lifetime_exceeds_caller');
    expect(codeOf(() => assertWithinCaller(null, caller))).toBe('lifetime_exceeds_caller');
  });

  it('sets no limit for a caller that never expires', () => {
    expect(() => assertWithinCaller(null, null)).not.toThrow();
    expect(() => assertWithinCaller(after(366 * DAY_MS), null)).not.toThrow();
  });
});

describe('capToCaller', () => {
  const caller = after(10 * DAY_MS);

  it('cuts a later expiry or "never" to the caller’s own, and keeps an earlier one', () => {
    expect(capToCaller(after(20 * DAY_MS), caller)).toEqual(caller);
    expect(capToCaller(null, caller)).toEqual(caller);
    expect(capToCaller(after(DAY_MS), caller)).toEqual(after(DAY_MS));
  });

  it('changes nothing for a caller that never expires', () => {
    expect(capToCaller(null, null)).toBeNull();
    expect(capToCaller(after(DAY_MS), null)).toEqual(after(DAY_MS));
  });
});

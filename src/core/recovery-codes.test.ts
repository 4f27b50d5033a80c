import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newRecoveryCode, normaliseRecoveryCode } from './recovery-codes.js';

describe('recovery codes', () => {
  it('are two groups of five base32 characters', () => {
    for (let i = 0; i < 50; i += 1) {
      expect(newRecoveryCode((size) => randomBytes(size))).toMatch(
        /^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/,
      );
    }
  });

  it('read back whatever their case, spacing and dashes, and with o, i and l typed for 0 and 1', () => {
    expect(normaliseRecoveryCode('AB12C-D3EF4')).toBe('ab12cd3ef4');
    expect(normaliseRecoveryCode(' ab12c d3ef4 ')).toBe('ab12cd3ef4');
    expect(normaliseRecoveryCode('ab1oc-d3eIL')).toBe('ab10cd3e11');
  });

  it('refuse anything of another length or alphabet', () => {
    expect(normaliseRecoveryCode('ab12c-d3ef')).toBeUndefined();
    expect(normaliseRecoveryCode('ab12c-d3efuu')).toBeUndefined();
    expect(normaliseRecoveryCode('ab12c-d3eU4')).toBeUndefined();
    expect(normaliseRecoveryCode('')).toBeUndefined();
  });
});

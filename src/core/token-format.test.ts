import { describe, expect, it } from 'vitest';
import {
  findTokens,
  generateTokenValue,
  isWellFormedToken,
  maskToken,
  tokenChecksum,
} from './token-format.js';
import { encodeBase62, secureRandom } from './random.js';

describe('token format', () => {
  it('generates values matching the published pattern with a valid checksum', () => {
    for (let i = 0; i < 200; i++) {
      const value = generateTokenValue(secureRandom);
      expect(value).toMatch(/^skt_[0-9A-Za-z]{38}$/);
      expect(isWellFormedToken(value)).toBe(true);
    }
  });

  it('encodes CRC32 as six base62 characters', () => {
    // The standard CRC32 check value: CRC32("123456789") = 0xCBF43926 = 3421780262.
    expect(tokenChecksum('123456789')).toBe(encodeBase62(3421780262, 6));
    expect(encodeBase62(3421780262, 6)).toBe('3jZRME');
  });

  it('rejects a value whose checksum is wrong by one character', () => {
    const value = generateTokenValue(secureRandom);
    const last = value.at(-1) === 'A' ? 'B' : 'A';
    expect(isWellFormedToken(value.slice(0, -1) + last)).toBe(false);
  });

  it('rejects wrong prefix, length and alphabet', () => {
    const value = generateTokenValue(secureRandom);
    expect(isWellFormedToken('sk_' + value.slice(3))).toBe(false);
    expect(isWellFormedToken(value + 'a')).toBe(false);
    expect(isWellFormedToken(value.slice(0, 10) + '-' + value.slice(11))).toBe(false);
    expect(isWellFormedToken('')).toBe(false);
  });

  it('masks as prefix, four random characters, an ellipsis and the last four', () => {
    const value = generateTokenValue(secureRandom);
    expect(maskToken(value)).toBe(`${value.slice(0, 8)}…${value.slice(-4)}`);
    expect(maskToken(value)).not.toContain(value.slice(8, 38));
  });

  it('finds tokens in text and ignores look-alikes with a bad checksum', () => {
    const real = generateTokenValue(secureRandom);
    const fake = real.slice(0, -6) + '000000';
    const found = findTokens(`export TOKEN=${real}\nother=${fake}\n`);
    expect(found.map((f) => f.value)).toEqual([real]);
  });
});

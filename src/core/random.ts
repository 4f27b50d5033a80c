import { randomBytes } from 'node:crypto';

/** A source of cryptographically secure random bytes; injected for deterministic tests. */
export type Random = (size: number) => Uint8Array;

/** The operating system's CSPRNG. */
export const secureRandom: Random = (size) => randomBytes(size);

/** The base62 alphabet, in the order the token format encodes with. */
export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * `length` characters drawn uniformly from {@link BASE62}, by rejection sampling so that no
 * character is more likely than another.
 */
export function randomBase62(random: Random, length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of random(length * 2)) {
      // 248 = 4 * 62: bytes at or above it would bias the first characters.
      if (byte < 248) out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

/** Encodes a non-negative integer in base62, left-padded with `0` to `width` characters. */
export function encodeBase62(value: number, width: number): string {
  let n = value;
  let out = '';
  do {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  } while (n > 0);
  return out.padStart(width, '0');
}

/** Kinds of identifier, each with its own prefix so that logs and support tickets are unambiguous. */
export type IdPrefix = 'acc' | 'tok' | 'ses' | 'aud' | 'prj' | 'dep' | 'dev' | 'app';

/**
 * A new identifier: prefix, 9 base62 characters of the creation time (so ids sort by age), then
 * 12 random base62 characters.
 */
export function newId(prefix: IdPrefix, random: Random, now: Date): string {
  return `${prefix}_${encodeBase62(now.getTime(), 9)}${randomBase62(random, 12)}`;
}

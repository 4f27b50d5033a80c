import { randomBytes } from 'node:crypto';
import { BASE62, encodeBase62 } from '@skytells/contract';

export { BASE62, encodeBase62 };

/** A source of cryptographically secure random bytes; injected for deterministic tests. */
export type Random = (size: number) => Uint8Array;

/** The operating system's CSPRNG. */
export const secureRandom: Random = (size) => randomBytes(size);

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

/** Kinds of identifier, each with its own prefix so that logs and support tickets are unambiguous. */
export type IdPrefix =
  | 'acc'
  | 'tok'
  | 'ses'
  | 'aud'
  | 'prj'
  | 'dep'
  | 'dev'
  | 'app'
  | 'msg'
  | 'pky'
  | 'key'
  // Provider keys (BYOK) and the key-encryption keys that wrap their data keys.
  | 'pk'
  | 'kek'
  // Webhooks, their events and each event's delivery to one webhook.
  | 'whk'
  | 'evt'
  | 'whd'
  // Trusted workloads.
  | 'wl';

/**
 * A new identifier: prefix, 9 base62 characters of the creation time (so ids sort by age), then
 * 12 random base62 characters.
 */
export function newId(prefix: IdPrefix, random: Random, now: Date): string {
  return `${prefix}_${encodeBase62(now.getTime(), 9)}${randomBase62(random, 12)}`;
}

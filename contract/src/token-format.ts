import { crc32 } from './crc32.js';

/** Every access token value starts with this, so secret scanners can find leaked tokens. */
export const TOKEN_PREFIX = 'skt_';

/** Matches an access token value anywhere in text (docs/tokens.md, "Token format"). */
export const TOKEN_PATTERN = /\bskt_[0-9A-Za-z]{38}\b/g;

/** Characters of the random part of a token value. */
export const TOKEN_RANDOM_LENGTH = 32;

/** The base62 alphabet, in the order the token format encodes with. */
export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

const EXACT = /^skt_[0-9A-Za-z]{38}$/;
/** The value of each base62 character, by character code (other codes never reach it: see `EXACT`). */
const BASE62_VALUE = new Uint8Array(128);
for (let i = 0; i < BASE62.length; i++) BASE62_VALUE[BASE62.charCodeAt(i)] = i;
const CHECKSUM_LENGTH = 6;
const BODY_LENGTH = TOKEN_PREFIX.length + TOKEN_RANDOM_LENGTH;

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

/** The checksum of a token body: CRC32 of the prefix and random part, as 6 base62 characters. */
export function tokenChecksum(body: string): string {
  return encodeBase62(crc32(body), CHECKSUM_LENGTH);
}

/**
 * True when `value` has the token format and a correct checksum. Pure and cheap: a value that
 * fails here never reaches the database, and a scanner ignores it.
 */
export function isWellFormedToken(value: string): boolean {
  if (value.length !== BODY_LENGTH + CHECKSUM_LENGTH || !EXACT.test(value)) return false;
  // Decoding the six characters and comparing numbers builds no strings: this runs on every request.
  let checksum = 0;
  for (let i = BODY_LENGTH; i < value.length; i++)
    checksum = checksum * 62 + BASE62_VALUE[value.charCodeAt(i)]!;
  return checksum === crc32(value, BODY_LENGTH);
}

/** The identifier shown after creation: `skt_` + first 4 random characters + `…` + last 4 characters. */
export function maskToken(value: string): string {
  return `${value.slice(0, TOKEN_PREFIX.length + 4)}…${value.slice(-4)}`;
}

/** Every well-formed token value in `text`, with checksum-failing look-alikes left out. */
export function findTokens(text: string): { value: string; index: number }[] {
  const found: { value: string; index: number }[] = [];
  for (const match of text.matchAll(TOKEN_PATTERN)) {
    if (isWellFormedToken(match[0])) found.push({ value: match[0], index: match.index });
  }
  return found;
}

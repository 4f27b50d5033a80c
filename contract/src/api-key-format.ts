import { crc32 } from './crc32.js';
import { BASE62, encodeBase62 } from './token-format.js';

/** Every API key starts with this, so secret scanners can find leaked keys (docs/api-keys.md). */
export const API_KEY_PREFIX = 'sk_live_';

/** Matches an API key anywhere in text. */
export const API_KEY_PATTERN = /\bsk_live_[0-9A-Za-z]{38}\b/g;

/** Characters of the random part of an API key. */
export const API_KEY_RANDOM_LENGTH = 32;

const EXACT = /^sk_live_[0-9A-Za-z]{38}$/;
const BASE62_VALUE = new Uint8Array(128);
for (let i = 0; i < BASE62.length; i++) BASE62_VALUE[BASE62.charCodeAt(i)] = i;
const CHECKSUM_LENGTH = 6;
const BODY_LENGTH = API_KEY_PREFIX.length + API_KEY_RANDOM_LENGTH;

/** The checksum of an API key body: CRC32 of the prefix and random part, as 6 base62 characters. */
export function apiKeyChecksum(body: string): string {
  return encodeBase62(crc32(body), CHECKSUM_LENGTH);
}

/** True when `value` has the API key format and a correct checksum; a value that fails never reaches the database. */
export function isWellFormedApiKey(value: string): boolean {
  if (value.length !== BODY_LENGTH + CHECKSUM_LENGTH || !EXACT.test(value)) return false;
  let checksum = 0;
  for (let i = BODY_LENGTH; i < value.length; i++)
    checksum = checksum * 62 + BASE62_VALUE[value.charCodeAt(i)]!;
  return checksum === crc32(value, BODY_LENGTH);
}

/** The identifier shown after creation: `sk_live_` + first 4 random characters + `…` + last 4 characters. */
export function maskApiKey(value: string): string {
  return `${value.slice(0, API_KEY_PREFIX.length + 4)}…${value.slice(-4)}`;
}

/** Every well-formed API key in `text`, with checksum-failing look-alikes left out. */
export function findApiKeys(text: string): { value: string; index: number }[] {
  const found: { value: string; index: number }[] = [];
  for (const match of text.matchAll(API_KEY_PATTERN)) {
    if (isWellFormedApiKey(match[0])) found.push({ value: match[0], index: match.index });
  }
  return found;
}

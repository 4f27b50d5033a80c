import type { Random } from './random.js';

/** How many recovery codes an account gets at once. */
export const RECOVERY_CODE_COUNT = 10;

/** Crockford's base32 alphabet, lower case: no i, l, o or u to misread. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const LENGTH = 10;

/**
 * A new recovery code, `xxxxx-xxxxx`: 10 characters of 32, 50 bits from the CSPRNG. 256 is a
 * multiple of 32, so `byte % 32` favours no character.
 */
export function newRecoveryCode(random: Random): string {
  const chars = [...random(LENGTH)].map((byte) => ALPHABET[byte % 32]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

/**
 * The canonical form of a typed recovery code (lower case, without spaces or dashes, with the
 * letters Crockford's base32 reads as digits mapped), or `undefined` when it cannot be one.
 */
export function normaliseRecoveryCode(typed: string): string | undefined {
  const code = typed.toLowerCase().replace(/[\s-]/g, '').replace(/o/g, '0').replace(/[il]/g, '1');
  if (code.length !== LENGTH || [...code].some((char) => !ALPHABET.includes(char))) return undefined;
  return code;
}

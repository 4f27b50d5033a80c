/** Longest lifetime a token may be given, in days; the instance policy may lower it. */
export const MAX_TOKEN_LIFETIME_DAYS = 366;

/** Longest delay before rotation revokes the old token, in seconds (7 days). */
export const MAX_REVOKE_OLD_AFTER_SECONDS = 604_800;

/** Longest token name, in characters, after trimming. */
export const TOKEN_NAME_MAX_LENGTH = 100;

// Control characters (C0, DEL, C1) and the Unicode line and paragraph separators.
const CONTROL = /[\p{Cc}\u2028\u2029]/u;

/**
 * What is wrong with a token name, in words that follow "name", or `undefined` when it is valid:
 * 1 to 100 characters after trimming, without control characters.
 */
export function tokenNameProblem(raw: string): string | undefined {
  const name = raw.trim();
  if (name.length === 0) return 'must not be empty';
  if ([...name].length > TOKEN_NAME_MAX_LENGTH) return `must be at most ${TOKEN_NAME_MAX_LENGTH} characters`;
  if (CONTROL.test(name)) return 'must not contain control characters';
  return undefined;
}

/** The suggested name of a replacement: `deploy` → `deploy-2`, `deploy-2` → `deploy-3`. */
export function successorName(name: string): string {
  const match = /^(.*)-(\d{1,6})$/.exec(name);
  const next =
    match?.[1] !== undefined && match[2] !== undefined ? `${match[1]}-${Number(match[2]) + 1}` : `${name}-2`;
  return [...next].length > TOKEN_NAME_MAX_LENGTH ? [...next].slice(-TOKEN_NAME_MAX_LENGTH).join('') : next;
}

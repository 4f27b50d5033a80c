/**
 * Where the console goes after signing in, from the `next` parameter of `/signin?next=…`. Pure: no
 * window, so it is unit-tested in Node.
 *
 * Only same-origin relative paths are ever followed, never an open redirect (RFC 9700 §4.11.2):
 * console pages go through the router; the authorization server's own pages (the consent page and
 * the device page, which send a visitor without a session here) are loaded as whole documents.
 */

/** The console's home after signing in. */
export const CONSOLE_HOME = '/settings/tokens';

/** Where to go: a console page (the SPA router) or a page the server renders (a full load). */
export type Destination = { kind: 'console'; path: string } | { kind: 'server'; path: string };

/** Server-rendered pages that send a visitor to sign in first; exact paths, with any query. */
const SERVER_PAGES = ['/oauth/authorize', '/device'];

/** No control characters or whitespace anywhere; the browser would strip or reinterpret them. */
const UNSAFE = /[\s\p{Cc}]/u;

function pathAndQuery(next: string): { pathname: string; query: string } {
  const mark = next.indexOf('?');
  return mark === -1
    ? { pathname: next, query: '' }
    : { pathname: next.slice(0, mark), query: next.slice(mark) };
}

/** True when `next` names exactly one of the server's sign-in-first pages on this origin. */
export function isServerPagePath(next: string): boolean {
  if (UNSAFE.test(next) || next.includes('#')) return false;
  const { pathname } = pathAndQuery(next);
  if (!SERVER_PAGES.includes(pathname)) return false;
  // Belt and braces: resolved against an origin, it must stay on that origin and that path.
  const base = 'https://console.invalid';
  try {
    const resolved = new URL(next, base);
    return resolved.origin === base && resolved.pathname === pathname;
  } catch {
    return false;
  }
}

/** True when `next` is a page of this console's Settings. */
export function isConsolePath(next: string): boolean {
  return !UNSAFE.test(next) && !next.includes('\\') && /^\/settings(\/[\w\-/]*)?(\?[^#]*)?$/.test(next);
}

/**
 * The destination after signing in, given the query of the sign-in or sign-up page (`?next=…`,
 * with or without the `?`). Anything but a known same-origin path goes to {@link CONSOLE_HOME}.
 */
export function destinationAfterSignIn(search: string): Destination {
  const next = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search).get('next');
  if (next !== null && isServerPagePath(next)) return { kind: 'server', path: next };
  if (next !== null && isConsolePath(next)) return { kind: 'console', path: next };
  return { kind: 'console', path: CONSOLE_HOME };
}

/** The query part of a path with its `?` (`/signin?next=%2Fdevice` → `?next=%2Fdevice`), or ''. */
export function searchOf(path: string): string {
  const mark = path.indexOf('?');
  return mark === -1 ? '' : path.slice(mark);
}

/** The query that carries `search`'s `next` on to another auth page (sign-in ↔ sign-up), or ''. */
export function carryNext(search: string): string {
  const next = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search).get('next');
  return next === null ? '' : `?next=${encodeURIComponent(next)}`;
}

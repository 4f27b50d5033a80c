import { usageError } from './errors.js';

/** The host used when nothing names one: the address `npm start` serves (docs/configuration.md). */
export const DEFAULT_HOST = 'http://127.0.0.1:8080';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** True for `localhost`, `127.x.x.x` and `[::1]`. */
export function isLoopbackHostname(hostname: string): boolean {
  return LOOPBACK.test(hostname);
}

/** A DNS name of at least two labels (letters, digits, inner hyphens), e.g. `skytells.example.com`. */
const DOTTED_NAME = /^(?!-)[a-z0-9-]{1,63}(?<!-)(?:\.(?!-)[a-z0-9-]{1,63}(?<!-))+\.?$/i;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/**
 * True when a host written without a scheme looks like an address: `localhost`, an IPv4 address,
 * a bracketed IPv6 address, or a dotted name. A single word such as `notaurl` is far more likely a
 * mistake than a host, so only a URL with an explicit scheme may name one (`http://skytells:8080`).
 */
function looksLikeHost(hostname: string): boolean {
  return (
    /^localhost$/i.test(hostname) ||
    IPV4.test(hostname) ||
    /^\[[0-9a-f:.]+\]$/i.test(hostname) ||
    DOTTED_NAME.test(hostname)
  );
}

/**
 * The canonical form of a host as the user typed it: scheme (`https://` unless it is a loopback
 * address), host, port, and any path, without a trailing slash. This is the key logins are stored
 * under and the issuer the server is expected to announce.
 * - `https://` and `http://` URLs are taken as written (the host name is checked by the URL parser).
 * - Without a scheme, the host must look like one (see {@link looksLikeHost}); it gets `https://`,
 *   or `http://` for a loopback address.
 * @param origin how the user gave it, for the error: `--host` or `SKYTELLS_HOST`.
 * @throws CliError (usage) for something that is not a server address.
 */
export function normaliseHost(input: string, origin = '--host'): string {
  const trimmed = input.trim();
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed);
  const authority =
    (hasScheme ? trimmed.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '') : trimmed).split('/')[0] ?? '';
  const hostname = authority.startsWith('[') ? authority.replace(/\].*$/, ']') : authority.split(':')[0]!;
  const refuse = (reason: string) =>
    usageError(
      `${origin} "${input}" ${reason}.`,
      'Give a server address such as https://skytells.example.com (or http://localhost:8080 for a local server).',
    );
  if (hostname === '') throw refuse('names no host');
  if (!hasScheme && !looksLikeHost(hostname)) throw refuse('is not a server address');
  const withScheme = hasScheme ? trimmed : `${isLoopbackHostname(hostname) ? 'http' : 'https'}://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw refuse('is not a server address');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refuse('is not an http(s) URL');
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw refuse('must not carry credentials, a query or a fragment');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Where the host of a command came from; decides how to tell the user to log in again. */
export type HostSource = 'flag' | 'env' | 'default-login' | 'default';

/** The host a command talks to, and where that choice came from. */
export interface ResolvedHost {
  host: string;
  source: HostSource;
}

/**
 * `--host` > `SKYTELLS_HOST` > the host of the most recent login > {@link DEFAULT_HOST}.
 */
export function resolveHost(
  flag: string | undefined,
  env: string | undefined,
  lastLogin?: string,
): ResolvedHost {
  if (flag !== undefined && flag !== '') return { host: normaliseHost(flag, '--host'), source: 'flag' };
  if (env !== undefined && env !== '') return { host: normaliseHost(env, 'SKYTELLS_HOST'), source: 'env' };
  if (lastLogin !== undefined) return { host: lastLogin, source: 'default-login' };
  return { host: DEFAULT_HOST, source: 'default' };
}

/** The `skytells login` command line that logs in to `resolved` again. */
export function loginCommandFor(resolved: ResolvedHost): string {
  return resolved.source === 'flag' ? `skytells login --host ${resolved.host}` : 'skytells login';
}

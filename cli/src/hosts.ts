import { usageError } from './errors.js';

/** The host used when nothing names one: the address `npm start` serves (CONTRACT §1). */
export const DEFAULT_HOST = 'http://127.0.0.1:8080';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** True for `localhost`, `127.x.x.x` and `[::1]`. */
export function isLoopbackHostname(hostname: string): boolean {
  return LOOPBACK.test(hostname);
}

/**
 * The canonical form of a host as the user typed it: scheme (`https://` unless it is a loopback
 * address), host, port, and any path, without a trailing slash. This is the key logins are stored
 * under and the issuer the server is expected to announce.
 * @throws CliError (usage) for something that is not a URL.
 */
export function normaliseHost(input: string): string {
  const trimmed = input.trim();
  const hostname = trimmed.replace(/^[a-z]+:\/\//i, '').split(/[/:]/)[0] ?? '';
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)
    ? trimmed
    : `${isLoopbackHostname(hostname) || hostname.startsWith('[') ? 'http' : 'https'}://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw usageError(`"${input}" is not a host URL.`, 'Use e.g. --host https://skytells.example.com.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw usageError(`"${input}" is not an http(s) URL.`);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw usageError(`"${input}" must not carry credentials, a query or a fragment.`);
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
  if (flag !== undefined && flag !== '') return { host: normaliseHost(flag), source: 'flag' };
  if (env !== undefined && env !== '') return { host: normaliseHost(env), source: 'env' };
  if (lastLogin !== undefined) return { host: lastLogin, source: 'default-login' };
  return { host: DEFAULT_HOST, source: 'default' };
}

/** The `skytells login` command line that logs in to `resolved` again. */
export function loginCommandFor(resolved: ResolvedHost): string {
  return resolved.source === 'flag' ? `skytells login --host ${resolved.host}` : 'skytells login';
}

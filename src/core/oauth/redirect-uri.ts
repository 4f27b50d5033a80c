/** What redirect matching needs to know of a client. */
export interface RedirectPolicy {
  redirectUris: readonly string[];
  /** A native app (RFC 8252): loopback redirects may use any port. */
  isNative: boolean;
}

// RFC 8252 §7.3, §8.3: the loopback IP literals exactly as written. Read from the raw string, not
// through a URL parser, which would also turn `127.1` or `0x7f000001` into 127.0.0.1.
const LOOPBACK = /^http:\/\/(127\.0\.0\.1|\[::1\])(?::([1-9][0-9]{0,4}))?([/?][^#]*)?$/;
// `localhost` may be registered (RFC 8252 §8.3 advises against it) but is matched exactly.
const HTTP_LOCAL = /^http:\/\/(?:127\.0\.0\.1|\[::1\]|localhost)(?::[1-9][0-9]{0,4})?(?:[/?]|$)/;

/** A loopback redirect URI split into the parts that are compared. */
interface LoopbackRedirect {
  host: string;
  /** Path and query, as written; empty when the URI ends after the authority. */
  rest: string;
}

function parseLoopback(uri: string): LoopbackRedirect | undefined {
  const match = LOOPBACK.exec(uri);
  if (match === null) return undefined;
  const port = match[2];
  if (port !== undefined && Number(port) > 65_535) return undefined;
  return { host: match[1] ?? '', rest: match[3] ?? '' };
}

/**
 * Whether `uri` is a loopback redirect URI of a native app: `http://127.0.0.1` or `http://[::1]`,
 * written literally, with an optional port (RFC 8252 §7.3).
 */
export function isLoopbackRedirectUri(uri: string): boolean {
  return parseLoopback(uri) !== undefined;
}

/**
 * Whether `uri` holds a wildcard. Redirect URIs are compared as whole strings (RFC 9700 §2.1), so a
 * `*` would never match as a pattern and is refused at registration.
 */
export function hasWildcard(uri: string): boolean {
  if (uri.includes('*')) return true;
  try {
    // `%2A` in a host name decodes to `*`.
    return new URL(uri).hostname.includes('*');
  } catch {
    return false;
  }
}

/**
 * Whether `requested` is a registered redirect URI of the client: an exact string match (RFC 9700
 * §2.1), except that a native client's loopback redirect may use any port (RFC 8252 §7.3), with the
 * same literal host, path and query as a registered one.
 */
export function isRedirectUriAllowed(policy: RedirectPolicy, requested: string): boolean {
  if (policy.redirectUris.includes(requested)) return true;
  if (!policy.isNative) return false;
  const loopback = parseLoopback(requested);
  if (loopback === undefined) return false;
  return policy.redirectUris.some((registered) => {
    const candidate = parseLoopback(registered);
    return candidate !== undefined && candidate.host === loopback.host && candidate.rest === loopback.rest;
  });
}

/**
 * Whether `uri` may be registered as a redirect URI: absolute, no fragment (RFC 6749 §3.1.2), no
 * wildcard, and https unless it is a literal loopback address or `localhost` (RFC 8252 §7.3, §8.3)
 * or a private-use scheme (RFC 8252 §7.1).
 */
export function isRegistrableRedirectUri(uri: string): boolean {
  if (hasWildcard(uri)) return false;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  if (url.hash !== '' || uri.includes('#') || url.username !== '' || url.password !== '') return false;
  if (url.protocol === 'https:') return true;
  if (url.protocol === 'http:') return HTTP_LOCAL.test(uri);
  // Private-use URI schemes of native apps use reverse domain names: com.example.app:/callback.
  return /^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol);
}

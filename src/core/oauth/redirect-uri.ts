/** What redirect matching needs to know of a client. */
export interface RedirectPolicy {
  redirectUris: readonly string[];
  /** A native app (RFC 8252): loopback redirects may use any port. */
  isNative: boolean;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]']);

/**
 * Whether `requested` is a registered redirect URI of the client: an exact string match (RFC 9700
 * §2.1), except that a native client's loopback redirect may use any port (RFC 8252 §7.3), matching
 * scheme, host, path and query otherwise.
 */
export function isRedirectUriAllowed(policy: RedirectPolicy, requested: string): boolean {
  if (policy.redirectUris.includes(requested)) return true;
  if (!policy.isNative) return false;
  let url: URL;
  try {
    url = new URL(requested);
  } catch {
    return false;
  }
  if (
    url.protocol !== 'http:' ||
    !LOOPBACK_HOSTS.has(url.hostname) ||
    url.username !== '' ||
    url.hash !== ''
  ) {
    return false;
  }
  return policy.redirectUris.some((registered) => {
    const candidate = new URL(registered);
    return (
      candidate.protocol === 'http:' &&
      candidate.hostname === url.hostname &&
      candidate.pathname === url.pathname &&
      candidate.search === url.search
    );
  });
}

/**
 * Whether `uri` may be registered as a redirect URI: absolute, no fragment (RFC 6749 §3.1.2), and
 * https unless it is a loopback address (RFC 8252 §7.3) or a private-use scheme (RFC 8252 §7.1).
 */
export function isRegistrableRedirectUri(uri: string): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  if (url.hash !== '' || url.username !== '' || url.password !== '') return false;
  if (url.protocol === 'https:') return true;
  if (url.protocol === 'http:') return LOOPBACK_HOSTS.has(url.hostname) || url.hostname === 'localhost';
  // Private-use URI schemes of native apps use reverse domain names: com.example.app:/callback.
  return /^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol);
}

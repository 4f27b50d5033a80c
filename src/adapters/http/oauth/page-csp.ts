/**
 * The Content-Security-Policy of the authorization server's pages: nothing loads but the stylesheet,
 * nothing frames them, and forms go to this server and, for the consent page, on to the client.
 */
export function pageCsp(formTargets: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "style-src 'self'",
    "object-src 'none'",
    `form-action 'self'${formTargets.map((target) => ` ${target}`).join('')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/**
 * The `form-action` source that lets the consent form's answer reach `redirectUri`: Chromium applies
 * form-action to the redirect that follows the submission, so the client's redirect target must be
 * listed beside `'self'`.
 * - https and literal IPv4 loopback: the origin (`https://app.example.com`, `http://127.0.0.1:53211`).
 * - `[::1]`: the scheme `http:`, as CSP host sources cannot name an IPv6 address (Chromium ignores one).
 * - a private-use scheme (RFC 8252 §7.1): the scheme (`com.example.app:`); its origin is the opaque `null`.
 */
export function formActionSourceFor(redirectUri: string): string {
  const url = new URL(redirectUri);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return url.protocol;
  return url.hostname.startsWith('[') ? url.protocol : url.origin;
}

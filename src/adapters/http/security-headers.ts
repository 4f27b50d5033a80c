/**
 * The security headers of every response, computed once. The API serves JSON only, so its policy
 * allows nothing to load and nothing to frame it; the console plugin replaces the CSP on its pages.
 */
export function securityHeaders(options: { https: boolean }): Record<string, string> {
  return {
    'content-security-policy':
      "default-src 'none'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
    // HSTS means nothing over plain http and would pin a later https mistake; send it only on https.
    ...(options.https ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

/**
 * The headers of a JSON API response: those that protect a response that is never rendered as a
 * document, as OWASP's REST Security Cheat Sheet lists them (a policy that loads and frames nothing,
 * no MIME sniffing, no caching, HSTS on https). The document-only headers (referrer, opener, resource
 * and permissions policies) are left to pages: each header is work on every request of the hot path.
 */
export function apiSecurityHeaders(options: { https: boolean }): Record<string, string> {
  return {
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'cache-control': 'no-store',
    ...(options.https ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

import { describe, expect, it } from 'vitest';
import { formActionSourceFor, pageCsp } from './page-csp.js';

describe('authorization server page CSP', () => {
  it('lists the origin of an https or IPv4 loopback redirect as a form target', () => {
    expect(formActionSourceFor('https://app.example.com/oauth/callback')).toBe('https://app.example.com');
    expect(formActionSourceFor('https://app.example.com:8443/cb')).toBe('https://app.example.com:8443');
    expect(formActionSourceFor('http://127.0.0.1:53211/callback')).toBe('http://127.0.0.1:53211');
    expect(formActionSourceFor('http://localhost/callback')).toBe('http://localhost');
  });

  it('lists the scheme of a private-use redirect, never the opaque origin null (RFC 8252 §7.1)', () => {
    expect(formActionSourceFor('com.example.app:/callback')).toBe('com.example.app:');
    expect(formActionSourceFor('com.example.app:/callback?x=1')).toBe('com.example.app:');
  });

  it('lists the http scheme for an IPv6 loopback redirect, which no CSP host source can name', () => {
    expect(formActionSourceFor('http://[::1]:8000/callback')).toBe('http:');
  });

  it('allows no plugins, no base URL and no framing, and forms only to this server and the targets', () => {
    expect(pageCsp()).toBe(
      "default-src 'none'; style-src 'self'; object-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(pageCsp(['com.example.app:'])).toContain("form-action 'self' com.example.app:;");
  });
});

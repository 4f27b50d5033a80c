import { describe, expect, it } from 'vitest';
import { isRedirectUriAllowed, isRegistrableRedirectUri } from './redirect-uri.js';

describe('redirect URI matching', () => {
  const web = { redirectUris: ['https://app.example.com/callback'], isNative: false };
  const native = { redirectUris: ['http://127.0.0.1/callback', 'http://[::1]/callback'], isNative: true };

  it('matches a registered URI exactly and nothing near it', () => {
    expect(isRedirectUriAllowed(web, 'https://app.example.com/callback')).toBe(true);
    expect(isRedirectUriAllowed(web, 'https://app.example.com/callback/')).toBe(false);
    expect(isRedirectUriAllowed(web, 'https://app.example.com/callback?x=1')).toBe(false);
    expect(isRedirectUriAllowed(web, 'https://evil.example.com/callback')).toBe(false);
  });

  it('lets a native client use any port on a loopback address (RFC 8252 §7.3)', () => {
    expect(isRedirectUriAllowed(native, 'http://127.0.0.1:53211/callback')).toBe(true);
    expect(isRedirectUriAllowed(native, 'http://[::1]:8000/callback')).toBe(true);
  });

  it('keeps the path, host and scheme fixed for loopback redirects', () => {
    expect(isRedirectUriAllowed(native, 'http://127.0.0.1:53211/other')).toBe(false);
    expect(isRedirectUriAllowed(native, 'http://localhost:53211/callback')).toBe(false);
    expect(isRedirectUriAllowed(native, 'https://127.0.0.1:53211/callback')).toBe(false);
    expect(isRedirectUriAllowed(native, 'http://user@127.0.0.1:53211/callback')).toBe(false);
  });

  it('does not extend the port exception to web clients', () => {
    const webLoopback = { redirectUris: ['http://127.0.0.1/callback'], isNative: false };
    expect(isRedirectUriAllowed(webLoopback, 'http://127.0.0.1:9999/callback')).toBe(false);
  });

  it('registers https, loopback and private-use schemes only', () => {
    expect(isRegistrableRedirectUri('https://app.example.com/cb')).toBe(true);
    expect(isRegistrableRedirectUri('http://127.0.0.1/cb')).toBe(true);
    expect(isRegistrableRedirectUri('com.example.app:/cb')).toBe(true);
    expect(isRegistrableRedirectUri('http://app.example.com/cb')).toBe(false);
    expect(isRegistrableRedirectUri('https://app.example.com/cb#frag')).toBe(false);
    expect(isRegistrableRedirectUri('javascript:alert(1)')).toBe(false);
    expect(isRegistrableRedirectUri('not a url')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { hasWildcard, isRedirectUriAllowed, isRegistrableRedirectUri } from './redirect-uri.js';

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

  it('matches loopback redirects literally: other spellings of 127.0.0.1 and ::1 are refused (RFC 8252 §7.3, §8.3)', () => {
    for (const spelled of [
      'http://127.1:1234/callback',
      'http://0x7f000001:1234/callback',
      'http://2130706433:1234/callback',
      'http://0177.0.0.1:1234/callback',
      'http://127.0.0.1.:1234/callback',
      'http://[0:0:0:0:0:0:0:1]:1234/callback',
      'http://[::0001]:1234/callback',
      'HTTP://127.0.0.1:1234/callback',
      'http://127.0.0.1:99999/callback',
      'http://127.0.0.1:/callback',
      'http://127.0.0.1:1234/callback#x',
    ]) {
      expect(isRedirectUriAllowed(native, spelled), spelled).toBe(false);
    }
  });

  it('matches localhost exactly, never on another port (RFC 8252 §8.3)', () => {
    const local = { redirectUris: ['http://localhost/callback'], isNative: true };
    expect(isRedirectUriAllowed(local, 'http://localhost/callback')).toBe(true);
    expect(isRedirectUriAllowed(local, 'http://localhost:53211/callback')).toBe(false);
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

  it('registers loopback http URLs only when the address is written literally', () => {
    expect(isRegistrableRedirectUri('http://[::1]:8080/cb')).toBe(true);
    expect(isRegistrableRedirectUri('http://localhost/cb')).toBe(true);
    expect(isRegistrableRedirectUri('http://127.1/cb')).toBe(false);
    expect(isRegistrableRedirectUri('http://0x7f000001/cb')).toBe(false);
    expect(isRegistrableRedirectUri('http://127.0.0.1.nip.io/cb')).toBe(false);
  });

  it('refuses wildcards anywhere in a redirect URI', () => {
    for (const uri of [
      'https://*.example.com/cb',
      'https://app.example.com/*',
      'https://app.example.com/cb?next=*',
      'https://%2A.example.com/cb',
      'com.example.*:/cb',
      'http://127.0.0.1:*/cb',
    ]) {
      expect(hasWildcard(uri), uri).toBe(true);
      expect(isRegistrableRedirectUri(uri), uri).toBe(false);
    }
    expect(hasWildcard('https://app.example.com/cb')).toBe(false);
  });
});

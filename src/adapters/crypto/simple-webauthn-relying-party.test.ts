import { describe, expect, it } from 'vitest';
import { SimpleWebAuthnRelyingParty } from './simple-webauthn-relying-party.js';

describe('SimpleWebAuthnRelyingParty', () => {
  it('takes the RP ID from the host of the public URL', () => {
    expect(new SimpleWebAuthnRelyingParty('https://access.example.com').rpId).toBe('access.example.com');
    expect(new SimpleWebAuthnRelyingParty('http://localhost:8080').rpId).toBe('localhost');
  });

  it('is unavailable on an IP address, for which browsers make no passkey (WebAuthn §5.1.3)', () => {
    expect(new SimpleWebAuthnRelyingParty('http://127.0.0.1:8080').isAvailable).toBe(false);
    expect(new SimpleWebAuthnRelyingParty('http://[::1]:8080').isAvailable).toBe(false);
    expect(new SimpleWebAuthnRelyingParty('http://localhost:8080').isAvailable).toBe(true);
    expect(new SimpleWebAuthnRelyingParty('https://access.example.com').isAvailable).toBe(true);
  });

  it('reads the challenge that client data answers, and nothing from what is not client data', () => {
    const rp = new SimpleWebAuthnRelyingParty('http://localhost:8080');
    const clientData = Buffer.from(
      JSON.stringify({ type: 'webauthn.get', challenge: 'abc_-123', origin: 'http://localhost:8080' }),
    ).toString('base64url');
    expect(rp.challengeOf(clientData)).toBe('abc_-123');
    expect(rp.challengeOf('not-json')).toBeUndefined();
    expect(rp.challengeOf(Buffer.from('{"challenge": 7}').toString('base64url'))).toBeUndefined();
  });

  it('answers "not verified" for a malformed registration instead of throwing', async () => {
    const rp = new SimpleWebAuthnRelyingParty('http://localhost:8080');
    const bogus = {
      id: 'AAAA',
      rawId: 'AAAA',
      type: 'public-key' as const,
      response: { clientDataJSON: 'AAAA', attestationObject: 'AAAA' },
      clientExtensionResults: {},
    };
    expect(await rp.verifyRegistration(bogus, 'AAAA')).toBeUndefined();
  });
});

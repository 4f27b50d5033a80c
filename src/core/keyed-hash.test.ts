import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual, KeyedHasher, memoryKeyOf } from './keyed-hash.js';

const SECRET = 'a server secret of at least thirty-two characters';
const VALUE = 'skt_0123456789abcdefghijABCDEFGHIJ012345';

/** The construction the class documents, computed independently: HMAC-SHA-256 under an HKDF subkey. */
function expectedHash(secret: string, purpose: string, value: string): string {
  const key = Buffer.from(hkdfSync('sha256', secret, 'skytells', `skytells/${purpose}/v1`, 32));
  return createHmac('sha256', key).update(value).digest('base64url');
}

describe('KeyedHasher', () => {
  it('hashes with HMAC-SHA-256 under a key derived from the secret, base64url-encoded', () => {
    const hash = new KeyedHasher(SECRET).hash('token-hash', VALUE);
    expect(hash).toBe(expectedHash(SECRET, 'token-hash', VALUE));
    expect(hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('is not a plain digest: neither SHA-256 of the value nor an HMAC keyed with the raw secret', () => {
    const hash = new KeyedHasher(SECRET).hash('token-hash', VALUE);
    expect(hash).not.toBe(createHash('sha256').update(VALUE).digest('base64url'));
    expect(hash).not.toBe(createHmac('sha256', SECRET).update(VALUE).digest('base64url'));
  });

  it('gives each purpose its own key, and each secret its own hashes', () => {
    const hasher = new KeyedHasher(SECRET);
    const hashes = new Set([
      hasher.hash('token-hash', VALUE),
      hasher.hash('session-hash', VALUE),
      hasher.hash('csrf', VALUE),
      new KeyedHasher(`${SECRET}!`).hash('token-hash', VALUE),
    ]);
    expect(hashes.size).toBe(4);
  });

  it('verifies a value against its hash, and refuses any other value or a hash of another length', () => {
    const hasher = new KeyedHasher(SECRET);
    const hash = hasher.hash('csrf', VALUE);
    expect(hasher.verify('csrf', VALUE, hash)).toBe(true);
    expect(hasher.verify('csrf', `${VALUE.slice(0, -1)}6`, hash)).toBe(false);
    expect(hasher.verify('token-hash', VALUE, hash)).toBe(false);
    expect(hasher.verify('csrf', VALUE, hash.slice(0, -1))).toBe(false);
    expect(hasher.verify('csrf', VALUE, `${hash}A`)).toBe(false);
    expect(hasher.verify('csrf', VALUE, '')).toBe(false);
  });
});

describe('constantTimeEqual', () => {
  it('is true for equal strings only', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'Abc')).toBe(false);
  });

  it('answers false rather than throwing when the lengths differ, in characters or in bytes', () => {
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('abcd', '')).toBe(false);
    // Same number of characters, different number of UTF-8 bytes.
    expect(constantTimeEqual('é', 'e')).toBe(false);
    expect(constantTimeEqual('ée', 'éé')).toBe(false);
  });
});

describe('memoryKeyOf', () => {
  it('is the SHA-256 digest of the value, unlike any stored (keyed) hash of it', () => {
    const key = memoryKeyOf(VALUE);
    expect(key).toBe(createHash('sha256').update(VALUE).digest('base64url'));
    expect(key).not.toContain(VALUE);
    expect(key).not.toBe(new KeyedHasher(SECRET).hash('token-hash', VALUE));
    expect(memoryKeyOf(`${VALUE.slice(0, -1)}6`)).not.toBe(key);
  });
});

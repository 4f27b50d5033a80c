import { describe, expect, it } from 'vitest';
import type { AccessToken, ApiKey } from './model.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

function aToken(id: string): AccessToken {
  return {
    id,
    accountId: 'acc_1',
    name: id,
    masked: 'skt_abcd…wxyz',
    scopes: ['tokens:read'],
    createdAt: new Date('2026-01-01T00:00:00.000Z'),
    expiresAt: null,
    lastUsedAt: null,
    lastUsedIp: null,
    lastUsedUserAgent: null,
    revokedAt: null,
    revokedReason: null,
    createdVia: 'api',
    clientId: null,
    workloadId: null,
    replaces: null,
    replacedBy: null,
    revokeOnFirstUseOf: null,
    restrictions: null,
  };
}

function anApiKey(id: string): ApiKey {
  return {
    id,
    accountId: 'acc_1',
    name: id,
    masked: 'sk_live_abcd…wxyz',
    createdAt: new Date('2026-01-01T00:00:00.000Z'),
    expiresAt: null,
    lastUsedAt: null,
    lastUsedIp: null,
    revokedAt: null,
    revokedReason: null,
    replaces: null,
    replacedBy: null,
  };
}

describe('VerifiedTokenCache', () => {
  it('returns a remembered token by its hash and nothing for an unknown hash', () => {
    const cache = new VerifiedTokenCache();
    const token = aToken('tok_1');

    cache.set('hash-1', token);

    expect(cache.get('hash-1')).toBe(token);
    expect(cache.get('hash-2')).toBeUndefined();
    expect(cache.size).toBe(1);
  });

  it('forgets a token by its id, so the next look-up goes to the database', () => {
    const cache = new VerifiedTokenCache();
    cache.set('hash-1', aToken('tok_1'));
    cache.set('hash-2', aToken('tok_2'));

    cache.evict('tok_1');

    expect(cache.get('hash-1')).toBeUndefined();
    expect(cache.get('hash-2')).toBeDefined();
    expect(cache.size).toBe(1);
  });

  it('ignores the eviction of a token it does not hold', () => {
    const cache = new VerifiedTokenCache();
    cache.set('hash-1', aToken('tok_1'));

    cache.evict('tok_unknown');
    cache.evict('tok_1');
    cache.evict('tok_1');

    expect(cache.size).toBe(0);
  });

  it('replaces the entry of a hash with the newer token, which evict then removes', () => {
    const cache = new VerifiedTokenCache();
    const revoked = { ...aToken('tok_1'), revokedAt: new Date('2026-01-02T00:00:00.000Z') };
    cache.set('hash-1', aToken('tok_1'));

    cache.set('hash-1', revoked);

    expect(cache.get('hash-1')).toBe(revoked);
    cache.evict('tok_1');
    expect(cache.get('hash-1')).toBeUndefined();
  });

  it('holds at most its capacity, dropping the least recently used token first', () => {
    const cache = new VerifiedTokenCache(2);
    cache.set('hash-1', aToken('tok_1'));
    cache.set('hash-2', aToken('tok_2'));

    cache.set('hash-3', aToken('tok_3'));

    expect(cache.size).toBe(2);
    expect(cache.get('hash-1')).toBeUndefined();
    expect(cache.get('hash-2')?.id).toBe('tok_2');
    expect(cache.get('hash-3')?.id).toBe('tok_3');
    // The dropped token's id mapping went with it: evicting it disturbs nobody else.
    cache.evict('tok_1');
    expect(cache.size).toBe(2);
  });

  it('keeps a token that was just read and drops the one read longest ago', () => {
    const cache = new VerifiedTokenCache(2);
    cache.set('hash-1', aToken('tok_1'));
    cache.set('hash-2', aToken('tok_2'));
    expect(cache.get('hash-1')?.id).toBe('tok_1');

    cache.set('hash-3', aToken('tok_3'));

    expect(cache.get('hash-2')).toBeUndefined();
    expect(cache.get('hash-1')?.id).toBe('tok_1');
    expect(cache.get('hash-3')?.id).toBe('tok_3');
  });

  it('replaces a held hash in place, without dropping another token', () => {
    const cache = new VerifiedTokenCache(2);
    cache.set('hash-1', aToken('tok_1'));
    cache.set('hash-2', aToken('tok_2'));

    cache.set('hash-1', aToken('tok_1'));

    expect(cache.size).toBe(2);
    expect(cache.get('hash-2')?.id).toBe('tok_2');
    cache.set('hash-3', aToken('tok_3'));
    // hash-1 was refreshed before hash-2 was read, so it is now the least recently used.
    expect(cache.get('hash-1')).toBeUndefined();
    expect(cache.get('hash-2')?.id).toBe('tok_2');
  });

  it('keeps a token read at least once per half a cache of new tokens, however many pass through', () => {
    const cache = new VerifiedTokenCache(100);
    cache.set('hot', aToken('tok_hot'));

    for (let i = 0; i < 10_000; i++) {
      cache.set(`hash-${i}`, aToken(`tok_${i}`));
      if (i % 50 === 49) expect(cache.get('hot')?.id).toBe('tok_hot');
    }

    expect(cache.size).toBe(100);
  });

  it('stays within its bound however many tokens pass through it', () => {
    const cache = new VerifiedTokenCache(100);

    for (let i = 0; i < 10_000; i++) cache.set(`hash-${i}`, aToken(`tok_${i}`));

    expect(cache.size).toBe(100);
    expect(cache.get('hash-9899')).toBeUndefined();
    expect(cache.get('hash-9900')?.id).toBe('tok_9900');
  });

  it('holds nothing with a capacity of 0', () => {
    const cache = new VerifiedTokenCache(0);

    cache.set('hash-1', aToken('tok_1'));

    expect(cache.size).toBe(0);
    expect(cache.get('hash-1')).toBeUndefined();
  });

  it('serves and keeps nothing while distrusted, and starts empty once trusted again', () => {
    const cache = new VerifiedTokenCache();
    cache.set('hash-1', aToken('tok_1'));

    cache.distrust();
    cache.set('hash-2', aToken('tok_2'));
    expect(cache.get('hash-1')).toBeUndefined();
    expect(cache.get('hash-2')).toBeUndefined();
    expect(cache.isTrusted).toBe(false);

    cache.trust();
    expect(cache.get('hash-1')).toBeUndefined();
    expect(cache.size).toBe(0);
    cache.set('hash-3', aToken('tok_3'));
    expect(cache.get('hash-3')).toMatchObject({ id: 'tok_3' });
  });

  it('keeps no token read before an eviction that came while the read was under way', () => {
    const cache = new VerifiedTokenCache();
    const before = cache.generation;

    cache.evict('tok_1');
    cache.set('hash-1', aToken('tok_1'), before);

    expect(cache.get('hash-1')).toBeUndefined();
    cache.set('hash-1', aToken('tok_1'), cache.generation);
    expect(cache.get('hash-1')).toMatchObject({ id: 'tok_1' });
  });

  it('holds API keys beside tokens: each is found only as its own kind, and evicted by id alike', () => {
    const cache = new VerifiedTokenCache(2);
    cache.set('hash-t', aToken('tok_1'));
    cache.setApiKey('hash-k', anApiKey('key_1'));

    expect(cache.get('hash-k', 'api_key')).toMatchObject({ id: 'key_1' });
    expect(cache.get('hash-k')).toBeUndefined();
    expect(cache.get('hash-t', 'api_key')).toBeUndefined();
    expect(cache.get('hash-t')).toMatchObject({ id: 'tok_1' });

    const generation = cache.generation;
    cache.evict('key_1');
    expect(cache.get('hash-k', 'api_key')).toBeUndefined();
    expect(cache.generation).not.toBe(generation);
    cache.setApiKey('hash-k', anApiKey('key_1'), generation);
    expect(cache.get('hash-k', 'api_key')).toBeUndefined();
    expect(cache.size).toBe(1);
  });
});

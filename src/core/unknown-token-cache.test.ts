import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import { UnknownTokenCache } from './unknown-token-cache.js';

describe('UnknownTokenCache', () => {
  it('knows a remembered hash as unknown until its TTL has passed, then asks again', () => {
    const clock = new ManualClock();
    const unknown = new UnknownTokenCache({ clock, ttlMs: 30_000 });

    unknown.remember('hash-1');

    expect(unknown.isKnownUnknown('hash-1')).toBe(true);
    expect(unknown.isKnownUnknown('hash-2')).toBe(false);
    clock.advance(29_999);
    expect(unknown.isKnownUnknown('hash-1')).toBe(true);
    clock.advance(1);
    expect(unknown.isKnownUnknown('hash-1')).toBe(false);
    expect(unknown.size).toBe(0);
  });

  it('starts a new TTL when a hash is remembered again', () => {
    const clock = new ManualClock();
    const unknown = new UnknownTokenCache({ clock, ttlMs: 30_000 });
    unknown.remember('hash-1');
    clock.advance(20_000);

    unknown.remember('hash-1');
    clock.advance(20_000);

    expect(unknown.isKnownUnknown('hash-1')).toBe(true);
    expect(unknown.size).toBe(1);
  });

  it('forgets a hash at once, as issuing a token with it does', () => {
    const unknown = new UnknownTokenCache({ clock: new ManualClock() });
    unknown.remember('hash-1');

    unknown.forget('hash-1');
    unknown.forget('hash-never-seen');

    expect(unknown.isKnownUnknown('hash-1')).toBe(false);
    expect(unknown.size).toBe(0);
  });

  it('holds at most its capacity, however many distinct hashes arrive, dropping the least recently used', () => {
    const unknown = new UnknownTokenCache({ clock: new ManualClock(), capacity: 100 });

    for (let i = 0; i < 10_000; i++) unknown.remember(`hash-${i}`);

    expect(unknown.size).toBe(100);
    expect(unknown.isKnownUnknown('hash-9899')).toBe(false);
    expect(unknown.isKnownUnknown('hash-9900')).toBe(true);
  });

  it('keeps a hash that was just asked about and drops the one asked about longest ago', () => {
    const unknown = new UnknownTokenCache({ clock: new ManualClock(), capacity: 2 });
    unknown.remember('hash-1');
    unknown.remember('hash-2');
    expect(unknown.isKnownUnknown('hash-1')).toBe(true);

    unknown.remember('hash-3');

    expect(unknown.isKnownUnknown('hash-2')).toBe(false);
    expect(unknown.isKnownUnknown('hash-1')).toBe(true);
    expect(unknown.isKnownUnknown('hash-3')).toBe(true);
  });

  it('remembers nothing with a capacity of 0', () => {
    const unknown = new UnknownTokenCache({ clock: new ManualClock(), capacity: 0 });

    unknown.remember('hash-1');

    expect(unknown.isKnownUnknown('hash-1')).toBe(false);
    expect(unknown.size).toBe(0);
  });
});

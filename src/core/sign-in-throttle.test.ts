import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import { MemoryRateLimiter } from './rate-limiter.js';
import { SignInThrottle } from './sign-in-throttle.js';

const limits = { windowMs: 15 * 60_000, perAccountAndIp: 5, perIp: 100, perAccount: 20 };

function throttleOn(clock = new ManualClock()): SignInThrottle {
  return new SignInThrottle({ limiter: new MemoryRateLimiter(clock), name: 'sign-in', limits });
}

async function fail(throttle: SignInThrottle, email: string, ip: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await throttle.recordFailure(email, ip);
}

describe('sign-in throttle', () => {
  it('stops one address guessing one account after five failures, until the window ends', async () => {
    const clock = new ManualClock();
    const throttle = throttleOn(clock);
    await fail(throttle, 'a@x.io', '192.0.2.1', 4);
    expect(await throttle.retryAfter('a@x.io', '192.0.2.1')).toBe(0);
    await fail(throttle, 'a@x.io', '192.0.2.1', 1);
    expect(await throttle.retryAfter('a@x.io', '192.0.2.1')).toBe(900);
    clock.advance(600_000);
    expect(await throttle.retryAfter('a@x.io', '192.0.2.1')).toBe(300);
    clock.advance(300_000);
    expect(await throttle.retryAfter('a@x.io', '192.0.2.1')).toBe(0);
  });

  it('stops one address spraying many accounts', async () => {
    const throttle = throttleOn();
    for (let i = 0; i < 100; i++) await throttle.recordFailure(`user${i}@x.io`, '192.0.2.9');
    expect(await throttle.retryAfter('someone-else@x.io', '192.0.2.9')).toBeGreaterThan(0);
    expect(await throttle.retryAfter('someone-else@x.io', '192.0.2.10')).toBe(0);
  });

  it('limits guesses at one account from many addresses, but never locks the owner out of an address they used', async () => {
    const throttle = throttleOn();
    await throttle.recordSuccess('owner@x.io', '198.51.100.7');
    for (let i = 0; i < 20; i++) await throttle.recordFailure('owner@x.io', `203.0.113.${i}`);
    expect(await throttle.retryAfter('owner@x.io', '203.0.113.200')).toBeGreaterThan(0);
    expect(await throttle.retryAfter('owner@x.io', '198.51.100.7')).toBe(0);
  });

  it('clears the failures of an address and account once the sign-in succeeds', async () => {
    const throttle = throttleOn();
    await fail(throttle, 'a@x.io', '192.0.2.1', 4);
    await throttle.recordSuccess('a@x.io', '192.0.2.1');
    await fail(throttle, 'a@x.io', '192.0.2.1', 4);
    expect(await throttle.retryAfter('a@x.io', '192.0.2.1')).toBe(0);
  });
});

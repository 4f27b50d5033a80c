import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import { SignInThrottle } from './sign-in-throttle.js';

const limits = { windowMs: 15 * 60_000, perAccountAndIp: 5, perIp: 100, perAccount: 20 };

function fail(throttle: SignInThrottle, email: string, ip: string, times: number): void {
  for (let i = 0; i < times; i++) throttle.recordFailure(email, ip);
}

describe('sign-in throttle', () => {
  it('stops one address guessing one account after five failures, until the window ends', () => {
    const clock = new ManualClock();
    const throttle = new SignInThrottle(clock, limits);
    fail(throttle, 'a@x.io', '192.0.2.1', 4);
    expect(throttle.retryAfter('a@x.io', '192.0.2.1')).toBe(0);
    fail(throttle, 'a@x.io', '192.0.2.1', 1);
    expect(throttle.retryAfter('a@x.io', '192.0.2.1')).toBe(900);
    clock.advance(600_000);
    expect(throttle.retryAfter('a@x.io', '192.0.2.1')).toBe(300);
    clock.advance(300_000);
    expect(throttle.retryAfter('a@x.io', '192.0.2.1')).toBe(0);
  });

  it('stops one address spraying many accounts', () => {
    const throttle = new SignInThrottle(new ManualClock(), limits);
    for (let i = 0; i < 100; i++) throttle.recordFailure(`user${i}@x.io`, '192.0.2.9');
    expect(throttle.retryAfter('someone-else@x.io', '192.0.2.9')).toBeGreaterThan(0);
    expect(throttle.retryAfter('someone-else@x.io', '192.0.2.10')).toBe(0);
  });

  it('limits guesses at one account from many addresses, but never locks the owner out of an address they used', () => {
    const throttle = new SignInThrottle(new ManualClock(), limits);
    throttle.recordSuccess('owner@x.io', '198.51.100.7');
    for (let i = 0; i < 20; i++) throttle.recordFailure('owner@x.io', `203.0.113.${i}`);
    expect(throttle.retryAfter('owner@x.io', '203.0.113.200')).toBeGreaterThan(0);
    expect(throttle.retryAfter('owner@x.io', '198.51.100.7')).toBe(0);
  });

  it('clears the failures of an address and account once the sign-in succeeds', () => {
    const throttle = new SignInThrottle(new ManualClock(), limits);
    fail(throttle, 'a@x.io', '192.0.2.1', 4);
    throttle.recordSuccess('a@x.io', '192.0.2.1');
    fail(throttle, 'a@x.io', '192.0.2.1', 4);
    expect(throttle.retryAfter('a@x.io', '192.0.2.1')).toBe(0);
  });
});

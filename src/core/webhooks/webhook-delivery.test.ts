import { describe, expect, it } from 'vitest';
import { WEBHOOK_MAX_RETRY_DELAY_MS, webhookRetryDelayMs } from './webhook-delivery.js';
import { signWebhookPayload } from './webhook-signature.js';

/** A random source that always gives `byte`. */
const constant = (byte: number) => (size: number) => new Uint8Array(size).fill(byte);

describe('webhookRetryDelayMs', () => {
  it('waits less than a minute before the first retry, and less than twice as long for each later one', () => {
    const highest = constant(0xff);
    expect(webhookRetryDelayMs(1, highest)).toBeLessThan(60_000);
    expect(webhookRetryDelayMs(1, highest)).toBeGreaterThan(59_000);
    expect(webhookRetryDelayMs(2, highest)).toBeLessThan(120_000);
    expect(webhookRetryDelayMs(3, highest)).toBeLessThan(240_000);
  });

  it('never waits more than an hour, however many tries failed', () => {
    expect(webhookRetryDelayMs(40, constant(0xff))).toBeLessThan(WEBHOOK_MAX_RETRY_DELAY_MS);
  });

  it('draws the whole delay at random (full jitter): it may be nothing at all', () => {
    expect(webhookRetryDelayMs(5, constant(0))).toBe(0);
  });
});

describe('signWebhookPayload', () => {
  it('signs "t.body" with HMAC-SHA-256 keyed with the secret, in hex', () => {
    expect(signWebhookPayload('whsec_test', 1767225600, '{"id":"evt_1"}')).toBe(
      't=1767225600,v1=45b40331de0325606dc5400202ade162460fbe48daf9401adfdcd0d7b4f35470',
    );
  });
});

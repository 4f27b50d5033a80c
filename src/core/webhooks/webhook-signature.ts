import { createHmac } from 'node:crypto';

/** The prefix of every webhook signing secret, so that secret scanners can match it. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/**
 * The `Skytells-Signature` header of a delivery sent at `timestamp` (Unix seconds):
 * `t=<timestamp>,v1=<hex HMAC-SHA-256 of "<timestamp>.<body>" keyed with the secret>` (docs/webhooks.md).
 * The timestamp is signed with the body, so a receiver can refuse old replays.
 */
export function signWebhookPayload(secret: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

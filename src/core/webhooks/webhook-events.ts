import { WEBHOOK_TEST_EVENT, type WebhookEvent } from '@skytells/contract';
import type { Clock } from '../clock.js';
import type { Stores } from '../ports.js';
import { newId, type Random } from '../random.js';
import type { StoredWebhook, WebhookDeliveryRecord } from './webhook-store.js';

/**
 * Publishes the account's events to its webhooks. Every owner of a lifecycle calls it with the stores
 * of the transaction that makes the change: the event and its deliveries commit with the change or
 * not at all (a durable outbox, docs/webhooks.md).
 */
export interface WebhookEvents {
  /**
   * Writes the event `type` of `accountId`, one delivery per webhook subscribed to it, through `stores`.
   * `data` holds ids, names, masked values and scopes, never a secret.
   */
  publish(
    stores: Stores,
    accountId: string,
    type: WebhookEvent,
    data: Record<string, unknown>,
  ): Promise<void>;
}

/** Publishes nothing: where webhooks are not wired (unit tests of other services). */
export const noWebhookEvents: WebhookEvents = { publish: () => Promise.resolve() };

/** The body of every delivery (docs/webhooks.md); written once, so every try sends the same bytes. */
function payloadOf(eventId: string, type: string, createdAt: Date, data: Record<string, unknown>): string {
  return JSON.stringify({ id: eventId, type, created_at: createdAt.toISOString(), data });
}

/** {@link WebhookEvents} on the webhook outbox of the caller's transaction. */
export class OutboxWebhookEvents implements WebhookEvents {
  readonly #clock: Clock;
  readonly #random: Random;

  constructor(deps: { clock: Clock; random: Random }) {
    this.#clock = deps.clock;
    this.#random = deps.random;
  }

  async publish(
    stores: Stores,
    accountId: string,
    type: WebhookEvent,
    data: Record<string, unknown>,
  ): Promise<void> {
    const webhooks = await stores.webhooks.listSubscribed(accountId, type);
    if (webhooks.length === 0) return;
    await stores.webhooks.enqueue(this.deliveriesOf(webhooks, type, data));
  }

  /**
   * Writes a `webhook.test` event for `webhook` alone, whatever its events.
   * @returns its delivery.
   */
  async publishTest(stores: Stores, webhook: StoredWebhook): Promise<WebhookDeliveryRecord> {
    const [delivery] = this.deliveriesOf([webhook], WEBHOOK_TEST_EVENT, {
      webhook_id: webhook.id,
      message: 'A test event sent from Skytells.',
    });
    if (delivery === undefined) throw new Error('no delivery for the test event');
    await stores.webhooks.enqueue([delivery]);
    return delivery;
  }

  deliveriesOf(
    webhooks: readonly StoredWebhook[],
    type: string,
    data: Record<string, unknown>,
  ): WebhookDeliveryRecord[] {
    const now = this.#clock.now();
    const eventId = newId('evt', this.#random, now);
    const body = payloadOf(eventId, type, now, data);
    return webhooks.map((webhook) => ({
      id: newId('whd', this.#random, now),
      eventId,
      webhookId: webhook.id,
      accountId: webhook.accountId,
      type,
      body,
      status: 'pending',
      attempts: 0,
      responseStatus: null,
      error: null,
      createdAt: now,
      lastAttemptAt: null,
      nextAttemptAt: now,
      deliveredAt: null,
    }));
  }
}

import type { Webhook as WebhookJson, WebhookDelivery as WebhookDeliveryJson } from '@skytells/contract';
import type { WebhookDeliveryRecord, WebhookWithLastDelivery } from '../../core/webhooks/webhook-store.js';
import { isoTime } from './iso-time.js';

const isoOrNull = (date: Date | null) => (date === null ? null : isoTime(date));

/** A webhook as the contract's `Webhook` object; never its secret. */
export function webhookJson(webhook: WebhookWithLastDelivery): WebhookJson {
  return {
    id: webhook.id,
    url: webhook.url,
    events: webhook.events,
    created_at: isoTime(webhook.createdAt),
    last_delivery_at: isoOrNull(webhook.lastDeliveryAt),
    last_delivery_status: webhook.lastDeliveryStatus,
  };
}

/** A delivery as the contract's `WebhookDelivery` object: `id` is the event's id, as in the body. */
export function webhookDeliveryJson(delivery: WebhookDeliveryRecord): WebhookDeliveryJson {
  return {
    id: delivery.eventId,
    type: delivery.type,
    status: delivery.status,
    attempts: delivery.attempts,
    response_status: delivery.responseStatus,
    error: delivery.error,
    created_at: isoTime(delivery.createdAt),
    last_attempt_at: isoOrNull(delivery.lastAttemptAt),
    next_attempt_at:
      delivery.status === 'delivered' || delivery.status === 'failed'
        ? null
        : isoOrNull(delivery.nextAttemptAt),
    delivered_at: isoOrNull(delivery.deliveredAt),
  };
}

import { type Static, Type } from '@sinclair/typebox';
import { NullableString, NullableTime, PageQuery, StringEnum, Time } from './common.js';

/** Every event a webhook can subscribe to (docs/webhooks.md). */
export const WEBHOOK_EVENTS = [
  'token.created',
  'token.revoked',
  'token.rotated',
  'token.expiring',
  'token.expired',
  'token.leak_reported',
  'api_key.created',
  'api_key.revoked',
  'api_key.rolled',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** The event a "Send test event" delivers; it goes to the one webhook asked, whatever its events. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

/** Header of every delivery: `t=<unix seconds>,v1=<hex HMAC-SHA-256 of "t.body">`. */
export const WEBHOOK_SIGNATURE_HEADER = 'Skytells-Signature';

/** A webhook: where the account's events of the chosen types are delivered; never its secret. */
export const WebhookSchema = Type.Object(
  {
    id: Type.String(),
    url: Type.String(),
    events: Type.Array(StringEnum(WEBHOOK_EVENTS)),
    created_at: Time,
    last_delivery_at: NullableTime,
    last_delivery_status: NullableString({
      description: '`delivered`, `retrying` or `failed`, for the newest delivery.',
    }),
  },
  { $id: 'Webhook' },
);
export type Webhook = Static<typeof WebhookSchema>;

/** A webhook with its signing secret: the response that creates it, and only that one. */
export const CreatedWebhookSchema = Type.Composite(
  [
    WebhookSchema,
    Type.Object({
      secret: Type.String({
        description: 'Signs every delivery (`Skytells-Signature`). Shown in this response only.',
      }),
    }),
  ],
  { $id: 'CreatedWebhook' },
);
export type CreatedWebhook = Static<typeof CreatedWebhookSchema>;

export const CreateWebhookBody = Type.Object(
  {
    url: Type.String({
      maxLength: 2000,
      description: 'An http(s) URL; private and loopback addresses are refused.',
    }),
    events: Type.Array(StringEnum(WEBHOOK_EVENTS), { minItems: 1, maxItems: WEBHOOK_EVENTS.length }),
  },
  { additionalProperties: false, $id: 'CreateWebhookRequest' },
);
export type CreateWebhookBody = Static<typeof CreateWebhookBody>;

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'retrying', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** One event's delivery to one webhook, with its latest attempt. */
export const WebhookDeliverySchema = Type.Object(
  {
    id: Type.String({ description: "The event's id, the same in the body (`id`): receivers dedupe by it." }),
    type: Type.String(),
    status: StringEnum(WEBHOOK_DELIVERY_STATUSES),
    attempts: Type.Integer(),
    response_status: Type.Unsafe<number | null>({
      type: ['integer', 'null'],
      description: "The receiver's last HTTP status.",
    }),
    error: NullableString({ description: 'Why the last attempt failed, when it did not get an answer.' }),
    created_at: Time,
    last_attempt_at: NullableTime,
    next_attempt_at: NullableTime,
    delivered_at: NullableTime,
  },
  { $id: 'WebhookDelivery' },
);
export type WebhookDelivery = Static<typeof WebhookDeliverySchema>;

export const WebhookDeliveryQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });

/** The body of every delivery, `POST url`. */
export const WebhookPayloadSchema = Type.Object(
  {
    id: Type.String(),
    type: Type.String(),
    created_at: Time,
    data: Type.Record(Type.String(), Type.Unknown()),
  },
  { $id: 'WebhookPayload' },
);
export type WebhookPayload = Static<typeof WebhookPayloadSchema>;

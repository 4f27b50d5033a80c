import { credential, type Operation } from '../operation.js';
import { IdParams, PageSchema } from '../schemas/common.js';
import {
  CreatedWebhookSchema,
  CreateWebhookBody,
  WebhookDeliveryQuery,
  WebhookDeliverySchema,
  WebhookSchema,
} from '../schemas/webhooks.js';

/** Webhooks: the account's events delivered, signed, to URLs of its choosing. */
export const webhooksOperations = {
  listWebhooks: {
    method: 'GET',
    path: '/v1/webhooks',
    summary: "The account's webhooks",
    tag: 'webhooks',
    auth: credential('webhooks:read'),
    responses: { 200: PageSchema(WebhookSchema) },
  },
  createWebhook: {
    method: 'POST',
    path: '/v1/webhooks',
    summary: 'Add a webhook; its signing secret is in this response only',
    tag: 'webhooks',
    auth: credential('webhooks:write'),
    body: CreateWebhookBody,
    responses: { 201: CreatedWebhookSchema },
    errors: ['webhook_url_not_allowed'],
  },
  deleteWebhook: {
    method: 'DELETE',
    path: '/v1/webhooks/{id}',
    summary: 'Delete a webhook; deliveries still due are dropped',
    tag: 'webhooks',
    auth: credential('webhooks:write'),
    params: IdParams,
    responses: { 204: null },
    errors: ['not_found'],
  },
  listWebhookDeliveries: {
    method: 'GET',
    path: '/v1/webhooks/{id}/deliveries',
    summary: "A webhook's deliveries, newest first",
    tag: 'webhooks',
    auth: credential('webhooks:read'),
    params: IdParams,
    query: WebhookDeliveryQuery,
    responses: { 200: PageSchema(WebhookDeliverySchema) },
    errors: ['not_found', 'invalid_cursor'],
  },
  testWebhook: {
    method: 'POST',
    path: '/v1/webhooks/{id}/test',
    summary: 'Send a `webhook.test` event to this webhook now',
    tag: 'webhooks',
    auth: credential('webhooks:write'),
    params: IdParams,
    responses: { 202: WebhookDeliverySchema },
    errors: ['not_found'],
  },
} as const satisfies Record<string, Operation>;

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { operations } from '@skytells/contract';
import { authenticate, contextOf, principalOf } from '../authenticate.js';
import { routeOf } from '../route-of.js';
import { pageLimit } from '../schemas.js';
import type { Services } from '../services.js';
import { webhookDeliveryJson, webhookJson } from '../webhook-json.js';

/** `/v1/webhooks`: the account's webhooks and their deliveries (docs/webhooks.md). */
export const webhookRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.route({
    ...routeOf(operations.listWebhooks),
    onRequest: authenticate(services, operations.listWebhooks.auth),
    handler: async (request) => {
      // No paging parameters: an account has a handful of webhooks; the first hundred are listed.
      const page = await services.webhooks.list(principalOf(request).accountId, { limit: 100 });
      return { data: page.items.map(webhookJson), next_cursor: page.nextCursor };
    },
  });

  app.route({
    ...routeOf(operations.createWebhook),
    onRequest: authenticate(services, operations.createWebhook.auth),
    handler: async (request, reply) => {
      const created = await services.webhooks.create(principalOf(request), request.body, contextOf(request));
      return reply.code(201).send({ ...webhookJson(created.webhook), secret: created.secret });
    },
  });

  app.route({
    ...routeOf(operations.deleteWebhook),
    onRequest: authenticate(services, operations.deleteWebhook.auth),
    handler: async (request, reply) => {
      await services.webhooks.delete(principalOf(request), request.params.id, contextOf(request));
      return reply.code(204).send();
    },
  });

  app.route({
    ...routeOf(operations.listWebhookDeliveries),
    onRequest: authenticate(services, operations.listWebhookDeliveries.auth),
    handler: async (request) => {
      const { cursor, limit } = request.query;
      const page = await services.webhooks.listDeliveries(principalOf(request).accountId, request.params.id, {
        limit: pageLimit(limit),
        ...(cursor === undefined ? {} : { cursor }),
      });
      return { data: page.items.map(webhookDeliveryJson), next_cursor: page.nextCursor };
    },
  });

  app.route({
    ...routeOf(operations.testWebhook),
    onRequest: authenticate(services, operations.testWebhook.auth),
    handler: async (request, reply) => {
      const delivery = await services.webhooks.sendTest(principalOf(request).accountId, request.params.id);
      return reply.code(202).send(webhookDeliveryJson(delivery));
    },
  });
};

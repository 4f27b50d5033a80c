import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { operations } from '@skytells/contract';
import { authenticate, contextOf, principalOf } from '../authenticate.js';
import { routeOf } from '../route-of.js';
import { apiKeyJson, pageLimit } from '../schemas.js';
import type { Services } from '../services.js';

/** `/v1/api-keys`: the legacy API key lifecycle (docs/api-keys.md). */
export const apiKeyRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const now = () => services.clock.now();

  app.route({
    ...routeOf(operations.listApiKeys),
    onRequest: authenticate(services, operations.listApiKeys.auth),
    handler: async (request) => {
      const { status = 'active', cursor, limit } = request.query;
      const page = await services.apiKeys.list(principalOf(request).accountId, {
        status,
        limit: pageLimit(limit),
        ...(cursor === undefined ? {} : { cursor }),
      });
      return { data: page.items.map((key) => apiKeyJson(key, now())), next_cursor: page.nextCursor };
    },
  });

  app.route({
    ...routeOf(operations.createApiKey),
    onRequest: authenticate(services, operations.createApiKey.auth),
    handler: async (request, reply) => {
      const issued = await services.apiKeys.create(
        principalOf(request),
        request.body.name,
        contextOf(request),
      );
      return reply.code(201).send({ ...apiKeyJson(issued.key, now()), key: issued.value });
    },
  });

  app.route({
    ...routeOf(operations.getApiKey),
    onRequest: authenticate(services, operations.getApiKey.auth),
    handler: async (request) =>
      apiKeyJson(await services.apiKeys.get(principalOf(request).accountId, request.params.id), now()),
  });

  app.route({
    ...routeOf(operations.revokeApiKey),
    onRequest: authenticate(services, operations.revokeApiKey.auth),
    handler: async (request, reply) => {
      await services.apiKeys.revoke(principalOf(request), request.params.id, contextOf(request));
      return reply.code(204).send();
    },
  });

  app.route({
    ...routeOf(operations.rollApiKey),
    onRequest: authenticate(services, operations.rollApiKey.auth),
    handler: async (request, reply) => {
      const issued = await services.apiKeys.roll(
        principalOf(request),
        request.params.id,
        request.body?.grace_seconds ?? 0,
        contextOf(request),
      );
      return reply.code(201).send({ ...apiKeyJson(issued.key, now()), key: issued.value });
    },
  });
};

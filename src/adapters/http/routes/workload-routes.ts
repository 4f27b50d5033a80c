import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { operations } from '@skytells/contract';
import { authenticate, contextOf, principalOf } from '../authenticate.js';
import { routeOf } from '../route-of.js';
import type { Services } from '../services.js';
import { workloadJson } from '../workload-json.js';

/** `/v1/workloads`: the account's trusted workloads (docs/workloads.md). */
export const workloadRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (
  app,
  { services },
) => {
  app.route({
    ...routeOf(operations.listWorkloads),
    onRequest: authenticate(services, operations.listWorkloads.auth),
    handler: async (request) => {
      // No paging parameters: an account has a handful of workloads; the first hundred are listed.
      const page = await services.workloads.list(principalOf(request).accountId, { limit: 100 });
      return { data: page.items.map(workloadJson), next_cursor: page.nextCursor };
    },
  });

  app.route({
    ...routeOf(operations.createWorkload),
    onRequest: authenticate(services, operations.createWorkload.auth),
    handler: async (request, reply) => {
      const workload = await services.workloads.create(
        principalOf(request),
        request.body,
        contextOf(request),
      );
      return reply.code(201).send(workloadJson(workload));
    },
  });

  app.route({
    ...routeOf(operations.getWorkload),
    onRequest: authenticate(services, operations.getWorkload.auth),
    handler: async (request) =>
      workloadJson(await services.workloads.get(principalOf(request).accountId, request.params.id)),
  });

  app.route({
    ...routeOf(operations.deleteWorkload),
    onRequest: authenticate(services, operations.deleteWorkload.auth),
    handler: async (request, reply) => {
      await services.workloads.delete(principalOf(request), request.params.id, contextOf(request));
      return reply.code(204).send();
    },
  });
};

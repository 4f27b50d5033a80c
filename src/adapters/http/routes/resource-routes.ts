import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { operations } from '@skytells/contract';
import { authenticate, contextOf, principalOf } from '../authenticate.js';
import { routeOf } from '../route-of.js';
import { auditEventJson, deploymentJson, inferenceUsageJson, pageLimit, projectJson } from '../schemas.js';
import type { Services } from '../services.js';

const cursorOf = (cursor: string | undefined) => (cursor === undefined ? {} : { cursor });

/** The resources the scopes protect: audit log, projects, deployments, billing. */
export const resourceRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (
  app,
  { services },
) => {
  app.route({
    ...routeOf(operations.listAuditEvents),
    onRequest: authenticate(services, operations.listAuditEvents.auth),
    handler: async (request) => {
      const { cursor, limit, action } = request.query;
      const page = await services.audit.list(principalOf(request).accountId, {
        limit: pageLimit(limit),
        ...cursorOf(cursor),
        ...(action === undefined ? {} : { action }),
      });
      return { data: page.items.map(auditEventJson), next_cursor: page.nextCursor };
    },
  });

  app.route({
    ...routeOf(operations.listProjects),
    onRequest: authenticate(services, operations.listProjects.auth),
    handler: async (request) => {
      const page = await services.projects.listProjects(principalOf(request), {
        limit: pageLimit(request.query.limit),
        ...cursorOf(request.query.cursor),
      });
      return { data: page.items.map(projectJson), next_cursor: page.nextCursor };
    },
  });

  app.route({
    ...routeOf(operations.createProject),
    onRequest: authenticate(services, operations.createProject.auth),
    handler: async (request, reply) => {
      const project = await services.projects.createProject(
        principalOf(request),
        request.body.name,
        contextOf(request),
      );
      return reply.code(201).send(projectJson(project));
    },
  });

  app.route({
    ...routeOf(operations.getProject),
    onRequest: authenticate(services, operations.getProject.auth),
    handler: async (request) =>
      projectJson(await services.projects.getProject(principalOf(request), request.params.id)),
  });

  app.route({
    ...routeOf(operations.deleteProject),
    onRequest: authenticate(services, operations.deleteProject.auth),
    handler: async (request, reply) => {
      await services.projects.deleteProject(principalOf(request), request.params.id, contextOf(request));
      return reply.code(204).send();
    },
  });

  app.route({
    ...routeOf(operations.listDeployments),
    onRequest: authenticate(services, operations.listDeployments.auth),
    handler: async (request) => {
      const page = await services.projects.listDeployments(principalOf(request), request.params.id, {
        limit: pageLimit(request.query.limit),
        ...cursorOf(request.query.cursor),
      });
      return { data: page.items.map(deploymentJson), next_cursor: page.nextCursor };
    },
  });

  app.route({
    ...routeOf(operations.createDeployment),
    onRequest: authenticate(services, operations.createDeployment.auth),
    handler: async (request, reply) => {
      const body = request.body ?? {};
      const deployment = await services.projects.createDeployment(
        principalOf(request),
        request.params.id,
        {
          ...(body.environment === undefined ? {} : { environment: body.environment }),
          ...(body.ref === undefined ? {} : { ref: body.ref }),
        },
        contextOf(request),
      );
      return reply.code(201).send(deploymentJson(deployment));
    },
  });

  app.route({
    ...routeOf(operations.getBilling),
    onRequest: authenticate(services, operations.getBilling.auth),
    handler: async (request) => {
      const { accountId } = principalOf(request);
      const billing = await services.projects.billing(accountId);
      return { ...billing, inference: inferenceUsageJson(await services.inference.usage.usage(accountId)) };
    },
  });
};

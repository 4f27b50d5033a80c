import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { AuditQuery, BillingSchema, CreateDeploymentBody, CreateProjectBody } from '@skytells/contract';
import { authenticate, contextOf, principalOf } from '../authenticate.js';
import {
  AuditEventSchema,
  auditEventJson,
  DeploymentSchema,
  deploymentJson,
  IdParams,
  PageQuery,
  PageSchema,
  pageLimit,
  ProjectSchema,
  projectJson,
} from '../schemas.js';
import type { Services } from '../services.js';

const Paging = Type.Object({ ...PageQuery }, { additionalProperties: false });
const cursorOf = (cursor: string | undefined) => (cursor === undefined ? {} : { cursor });

/** The resources the scopes protect: audit log, projects, deployments, billing. */
export const resourceRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (
  app,
  { services },
) => {
  app.get(
    '/v1/audit',
    {
      onRequest: authenticate(services, { scope: 'audit:read' }),
      schema: {
        tags: ['audit'],
        summary: 'The audit log, newest first',
        querystring: AuditQuery,
        response: { 200: PageSchema(AuditEventSchema) },
      },
    },
    async (request) => {
      const { cursor, limit, action } = request.query;
      const page = await services.audit.list(principalOf(request).accountId, {
        limit: pageLimit(limit),
        ...cursorOf(cursor),
        ...(action === undefined ? {} : { action }),
      });
      return { data: page.items.map(auditEventJson), next_cursor: page.nextCursor };
    },
  );

  app.get(
    '/v1/projects',
    {
      onRequest: authenticate(services, { scope: 'projects:read' }),
      schema: {
        tags: ['projects'],
        summary: 'List projects',
        querystring: Paging,
        response: { 200: PageSchema(ProjectSchema) },
      },
    },
    async (request) => {
      const page = await services.projects.listProjects(principalOf(request).accountId, {
        limit: pageLimit(request.query.limit),
        ...cursorOf(request.query.cursor),
      });
      return { data: page.items.map(projectJson), next_cursor: page.nextCursor };
    },
  );

  app.post(
    '/v1/projects',
    {
      onRequest: authenticate(services, { scope: 'projects:write' }),
      schema: {
        tags: ['projects'],
        summary: 'Create a project',
        body: CreateProjectBody,
        response: { 201: ProjectSchema },
      },
    },
    async (request, reply) => {
      const project = await services.projects.createProject(
        principalOf(request),
        request.body.name,
        contextOf(request),
      );
      return reply.code(201).send(projectJson(project));
    },
  );

  app.get(
    '/v1/projects/:id',
    {
      onRequest: authenticate(services, { scope: 'projects:read' }),
      schema: {
        tags: ['projects'],
        summary: 'One project',
        params: IdParams,
        response: { 200: ProjectSchema },
      },
    },
    async (request) =>
      projectJson(await services.projects.getProject(principalOf(request).accountId, request.params.id)),
  );

  app.delete(
    '/v1/projects/:id',
    {
      onRequest: authenticate(services, { scope: 'projects:write' }),
      schema: { tags: ['projects'], summary: 'Delete a project and its deployments', params: IdParams },
    },
    async (request, reply) => {
      await services.projects.deleteProject(principalOf(request), request.params.id, contextOf(request));
      return reply.code(204).send();
    },
  );

  app.get(
    '/v1/projects/:id/deployments',
    {
      onRequest: authenticate(services, { scope: 'deployments:read' }),
      schema: {
        tags: ['deployments'],
        summary: `List a project's deployments`,
        params: IdParams,
        querystring: Paging,
        response: { 200: PageSchema(DeploymentSchema) },
      },
    },
    async (request) => {
      const page = await services.projects.listDeployments(
        principalOf(request).accountId,
        request.params.id,
        {
          limit: pageLimit(request.query.limit),
          ...cursorOf(request.query.cursor),
        },
      );
      return { data: page.items.map(deploymentJson), next_cursor: page.nextCursor };
    },
  );

  app.post(
    '/v1/projects/:id/deployments',
    {
      onRequest: authenticate(services, { scope: 'deployments:write' }),
      schema: {
        tags: ['deployments'],
        summary: 'Deploy a project',
        params: IdParams,
        body: CreateDeploymentBody,
        response: { 201: DeploymentSchema },
      },
    },
    async (request, reply) => {
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
  );

  app.get(
    '/v1/billing',
    {
      onRequest: authenticate(services, { scope: 'billing:read' }),
      schema: {
        tags: ['billing'],
        summary: 'Plan and usage of the account',
        response: { 200: BillingSchema },
      },
    },
    async (request) => services.projects.billing(principalOf(request).accountId),
  );
};

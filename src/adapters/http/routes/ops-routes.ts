import type { FastifyPluginAsync } from 'fastify';
import type { Registry } from 'prom-client';
import { ApiError } from '../../../core/errors.js';
import { DATABASE_RETRY_AFTER_SECONDS } from '../error-handler.js';
import type { Services } from '../services.js';

/** Liveness, readiness, metrics and the OpenAPI document. */
export const opsRoutes: FastifyPluginAsync<{ services: Services; registry: Registry }> = async (
  app,
  { services, registry },
) => {
  app.get('/healthz', { schema: { tags: ['operations'], summary: 'Liveness' } }, async () => ({
    status: 'ok',
  }));

  app.get(
    '/readyz',
    { schema: { tags: ['operations'], summary: 'Readiness: the database answers' } },
    async () => {
      if (!(await services.isReady()))
        throw new ApiError('database_unavailable', {
          detail: 'The database does not answer.',
          retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
        });
      return { status: 'ready' };
    },
  );

  app.get(
    '/metrics',
    { schema: { tags: ['operations'], summary: 'Prometheus metrics' } },
    async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  );

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
};

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { operations } from '@skytells/contract';
import type { Registry } from 'prom-client';
import { ApiError } from '../../../core/errors.js';
import { DATABASE_RETRY_AFTER_SECONDS } from '../error-handler.js';
import { buildOpenApiDocument } from '../openapi.js';
import { routeOf } from '../route-of.js';
import type { Services } from '../services.js';

/** Options of {@link opsRoutes}. */
export interface OpsRoutesOptions {
  services: Services;
  registry: Registry;
  /** The URL users reach, named as the server of the OpenAPI document. */
  publicUrl: string;
}

/** Liveness, readiness, metrics and the OpenAPI document. */
export const opsRoutes: FastifyPluginAsyncTypebox<OpsRoutesOptions> = async (
  app,
  { services, registry, publicUrl },
) => {
  app.route({ ...routeOf(operations.getHealth), handler: async () => ({ status: 'ok' as const }) });

  app.route({
    ...routeOf(operations.getReadiness),
    handler: async () => {
      if (!(await services.isReady()))
        throw new ApiError('database_unavailable', {
          detail: 'The database does not answer.',
          retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
        });
      return { status: 'ready' as const };
    },
  });

  app.route({
    ...routeOf(operations.getMetrics),
    handler: async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  });

  // Generated once: the document depends on the contract and the public URL alone.
  const document = buildOpenApiDocument({ publicUrl });
  app.route({ ...routeOf(operations.getOpenApiDocument), handler: async () => document });
};

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { operations } from '@skytells/contract';
import { contextOf } from '../authenticate.js';
import { routeOf } from '../route-of.js';
import type { Services } from '../services.js';

/** Requests per minute and address allowed to the unauthenticated revocation endpoint. */
export const REVOKE_RATE_LIMIT = 30;

/** `POST /v1/credentials/revoke`: anyone holding a leaked token or API key can kill it. */
export const credentialRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (
  app,
  { services },
) => {
  app.route({
    ...routeOf(operations.revokeLeakedCredentials),
    config: { rateLimit: { max: REVOKE_RATE_LIMIT, timeWindow: 60_000 } },
    handler: async (request, reply) => {
      const { credentials } = request.body;
      const context = contextOf(request);
      const revoked =
        (await services.tokens.revokeLeaked(credentials, context)) +
        (await services.apiKeys.revokeLeaked(credentials, context));
      return reply.code(202).send({ revoked });
    },
  });
};

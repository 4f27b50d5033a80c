import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { operations } from '@skytells/contract';
import { ApiError } from '../../../core/errors.js';
import { SCOPE_CATALOGUE } from '../../../core/scopes.js';
import type { RestrictionsInput } from '../../../core/token-restrictions.js';
import { authenticate, contextOf, principalOf } from '../authenticate.js';
import { routeOf } from '../route-of.js';
import { pageLimit, tokenJson, tokenUsageJson } from '../schemas.js';
import type { Services } from '../services.js';

function expiration(body: { expires_in_days?: number; expires_at?: string; expires?: 'never' }) {
  return {
    ...(body.expires_in_days === undefined ? {} : { expiresInDays: body.expires_in_days }),
    ...(body.expires_at === undefined ? {} : { expiresAt: body.expires_at }),
    ...(body.expires === undefined ? {} : { expires: body.expires }),
  };
}

/**
 * The restrictions a create or rotate body gives, in core's words: absent parts stay absent, null
 * parts (explicitly none) stay null.
 */
function restrictions(body: {
  allowed_ips?: string[] | null;
  rate_limit?: { requests: number; per_seconds: number } | null;
  projects?: string[] | null;
}): RestrictionsInput {
  const limit = body.rate_limit;
  return {
    ...(body.allowed_ips === undefined ? {} : { allowedIps: body.allowed_ips }),
    ...(limit === undefined
      ? {}
      : { rateLimit: limit === null ? null : { requests: limit.requests, perSeconds: limit.per_seconds } }),
    ...(body.projects === undefined ? {} : { projects: body.projects }),
  };
}

/** `/v1/scopes` and `/v1/tokens`: the access-token lifecycle. */
export const tokenRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const now = () => services.clock.now();

  app.route({
    ...routeOf(operations.listScopes),
    handler: async () => ({
      data: Object.entries(SCOPE_CATALOGUE).map(([name, description]) => ({ name, description })),
    }),
  });

  app.route({
    ...routeOf(operations.listTokens),
    onRequest: authenticate(services, operations.listTokens.auth),
    handler: async (request) => {
      const { status = 'active', cursor, limit } = request.query;
      const page = await services.tokens.list(principalOf(request).accountId, {
        status,
        limit: pageLimit(limit),
        ...(cursor === undefined ? {} : { cursor }),
      });
      return { data: page.items.map((token) => tokenJson(token, now())), next_cursor: page.nextCursor };
    },
  });

  app.route({
    ...routeOf(operations.createToken),
    onRequest: authenticate(services, operations.createToken.auth),
    handler: async (request, reply) => {
      const { name, scopes } = request.body;
      const issued = await services.tokens.create(
        principalOf(request),
        { name, scopes, ...expiration(request.body), ...restrictions(request.body) },
        contextOf(request),
      );
      return reply.code(201).send({ ...tokenJson(issued.token, now()), token: issued.value });
    },
  });

  app.route({
    ...routeOf(operations.getCallingToken),
    onRequest: authenticate(services, operations.getCallingToken.auth),
    // Not async: the hot path of the benchmarks answers without a promise.
    handler: (request) => {
      const principal = principalOf(request);
      // The hook admits tokens only; the token was loaded by verification, so no second read.
      if (principal.kind !== 'token') throw new ApiError('token_required');
      return tokenJson(services.tokens.present(principal.token), now());
    },
  });

  app.route({
    ...routeOf(operations.getToken),
    onRequest: authenticate(services, operations.getToken.auth),
    handler: async (request) =>
      tokenJson(await services.tokens.get(principalOf(request).accountId, request.params.id), now()),
  });

  app.route({
    ...routeOf(operations.getTokenUsage),
    onRequest: authenticate(services, operations.getTokenUsage.auth),
    handler: async (request) =>
      tokenUsageJson(
        await services.tokenUsage.reports.report(
          principalOf(request).accountId,
          request.params.id,
          request.query.days,
        ),
      ),
  });

  app.route({
    ...routeOf(operations.revokeToken),
    onRequest: authenticate(services, operations.revokeToken.auth),
    handler: async (request, reply) => {
      await services.tokens.revoke(principalOf(request), request.params.id, contextOf(request));
      return reply.code(204).send();
    },
  });

  app.route({
    ...routeOf(operations.rotateToken),
    onRequest: authenticate(services, operations.rotateToken.auth),
    handler: async (request, reply) => {
      const body = request.body ?? {};
      const issued = await services.tokens.rotate(
        principalOf(request),
        request.params.id,
        {
          ...(body.name === undefined ? {} : { name: body.name }),
          ...(body.scopes === undefined ? {} : { scopes: body.scopes }),
          ...(body.revoke_old_after_seconds === undefined
            ? {}
            : { revokeOldAfterSeconds: body.revoke_old_after_seconds }),
          ...(body.revoke_old_on_first_use === undefined
            ? {}
            : { revokeOldOnFirstUse: body.revoke_old_on_first_use }),
          ...expiration(body),
          ...restrictions(body),
        },
        contextOf(request),
      );
      return reply.code(201).send({ ...tokenJson(issued.token, now()), token: issued.value });
    },
  });
};

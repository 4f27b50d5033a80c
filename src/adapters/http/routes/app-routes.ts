import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type App, operations } from '@skytells/contract';
import type { OAuthClient } from '../../../core/oauth/model.js';
import { authenticate, contextOf, principalOf } from '../authenticate.js';
import { routeOf } from '../route-of.js';
import { tokenJson } from '../schemas.js';
import type { Services } from '../services.js';

function appJson(client: OAuthClient): App {
  return {
    client_id: client.id,
    name: client.name,
    type: client.type,
    redirect_uris: client.redirectUris,
    created_at: client.createdAt.toISOString(),
    updated_at: client.updatedAt.toISOString(),
  };
}

/** Registered OAuth applications and the apps the account has authorized (`apps:*`). */
export const appRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { apps } = services.oauth;

  app.route({
    ...routeOf(operations.listApps),
    onRequest: authenticate(services, operations.listApps.auth),
    handler: async (request) => ({
      data: (await apps.list(principalOf(request).accountId)).map(appJson),
    }),
  });

  app.route({
    ...routeOf(operations.registerApp),
    onRequest: authenticate(services, operations.registerApp.auth),
    handler: async (request, reply) => {
      const { name, redirect_uris: redirectUris, type } = request.body;
      const registered = await apps.register(
        principalOf(request),
        { name, redirectUris, ...(type === undefined ? {} : { type }) },
        contextOf(request),
      );
      return reply.code(201).send({ ...appJson(registered.client), client_secret: registered.clientSecret });
    },
  });

  app.route({
    ...routeOf(operations.getApp),
    onRequest: authenticate(services, operations.getApp.auth),
    handler: async (request) => appJson(await apps.get(principalOf(request).accountId, request.params.id)),
  });

  app.route({
    ...routeOf(operations.updateApp),
    onRequest: authenticate(services, operations.updateApp.auth),
    handler: async (request) => {
      const { name, redirect_uris: redirectUris } = request.body;
      const client = await apps.update(
        principalOf(request),
        request.params.id,
        { ...(name === undefined ? {} : { name }), ...(redirectUris === undefined ? {} : { redirectUris }) },
        contextOf(request),
      );
      return appJson(client);
    },
  });

  app.route({
    ...routeOf(operations.rotateAppSecret),
    onRequest: authenticate(services, operations.rotateAppSecret.auth),
    handler: async (request, reply) => {
      const rotated = await apps.rotateSecret(principalOf(request), request.params.id, contextOf(request));
      return reply.code(201).send({ ...appJson(rotated.client), client_secret: rotated.clientSecret });
    },
  });

  app.route({
    ...routeOf(operations.deleteApp),
    onRequest: authenticate(services, operations.deleteApp.auth),
    handler: async (request, reply) => {
      await apps.delete(principalOf(request), request.params.id, contextOf(request));
      return reply.code(204).send();
    },
  });

  app.route({
    ...routeOf(operations.listAuthorizedApps),
    onRequest: authenticate(services, operations.listAuthorizedApps.auth),
    handler: async (request) => {
      const now = services.clock.now();
      const authorized = await apps.authorizedApps(principalOf(request).accountId);
      return {
        data: authorized.map(({ client, tokens }) => ({
          client_id: client.id,
          name: client.name,
          official: client.ownerAccountId === null,
          tokens: tokens.map((token) => tokenJson(token, now)),
        })),
      };
    },
  });

  app.route({
    ...routeOf(operations.revokeAuthorizedApp),
    onRequest: authenticate(services, operations.revokeAuthorizedApp.auth),
    handler: async (request, reply) => {
      await apps.revokeAuthorization(principalOf(request), request.params.id, contextOf(request));
      return reply.code(204).send();
    },
  });
};

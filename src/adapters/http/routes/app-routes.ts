import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type App, RegisterAppBody, UpdateAppBody } from '@skytells/contract';
import type { OAuthClient } from '../../../core/oauth/model.js';
import { authenticate, contextOf, principalOf } from '../authenticate.js';
import { IdParams, tokenJson } from '../schemas.js';
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
  const read = authenticate(services, { scope: 'apps:read' });
  const write = authenticate(services, { scope: 'apps:write' });

  app.get(
    '/v1/apps',
    { onRequest: read, schema: { tags: ['apps'], summary: 'Registered applications' } },
    async (request) => ({
      data: (await apps.list(principalOf(request).accountId)).map(appJson),
    }),
  );

  app.post(
    '/v1/apps',
    {
      onRequest: write,
      schema: {
        tags: ['apps'],
        summary: 'Register an application; a confidential one gets its secret once',
        body: RegisterAppBody,
      },
    },
    async (request, reply) => {
      const { name, redirect_uris: redirectUris, type } = request.body;
      const registered = await apps.register(
        principalOf(request),
        { name, redirectUris, ...(type === undefined ? {} : { type }) },
        contextOf(request),
      );
      return reply.code(201).send({ ...appJson(registered.client), client_secret: registered.clientSecret });
    },
  );

  app.get(
    '/v1/apps/:id',
    { onRequest: read, schema: { tags: ['apps'], summary: 'One application', params: IdParams } },
    async (request) => appJson(await apps.get(principalOf(request).accountId, request.params.id)),
  );

  app.patch(
    '/v1/apps/:id',
    {
      onRequest: write,
      schema: {
        tags: ['apps'],
        summary: 'Rename or change redirect URIs',
        params: IdParams,
        body: UpdateAppBody,
      },
    },
    async (request) => {
      const { name, redirect_uris: redirectUris } = request.body;
      const client = await apps.update(
        principalOf(request),
        request.params.id,
        { ...(name === undefined ? {} : { name }), ...(redirectUris === undefined ? {} : { redirectUris }) },
        contextOf(request),
      );
      return appJson(client);
    },
  );

  app.post(
    '/v1/apps/:id/secret',
    {
      onRequest: write,
      schema: { tags: ['apps'], summary: 'Replace the client secret; shown once', params: IdParams },
    },
    async (request, reply) => {
      const rotated = await apps.rotateSecret(principalOf(request), request.params.id, contextOf(request));
      return reply.code(201).send({ ...appJson(rotated.client), client_secret: rotated.clientSecret });
    },
  );

  app.delete(
    '/v1/apps/:id',
    {
      onRequest: write,
      schema: { tags: ['apps'], summary: 'Delete an application and revoke its tokens', params: IdParams },
    },
    async (request, reply) => {
      await apps.delete(principalOf(request), request.params.id, contextOf(request));
      return reply.code(204).send();
    },
  );

  app.get(
    '/v1/authorized-apps',
    { onRequest: read, schema: { tags: ['apps'], summary: 'Applications holding tokens of this account' } },
    async (request) => {
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
  );

  app.delete(
    '/v1/authorized-apps/:id',
    {
      onRequest: write,
      schema: { tags: ['apps'], summary: `Remove an app's access: revoke all its tokens`, params: IdParams },
    },
    async (request, reply) => {
      await apps.revokeAuthorization(principalOf(request), request.params.id, contextOf(request));
      return reply.code(204).send();
    },
  );
};

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { operations, type Provider } from '@skytells/contract';
import type { ProviderKeySummary, SavedProviderKey } from '../../../core/providers/provider-key-service.js';
import { authenticate, contextOf, principalOf } from '../authenticate.js';
import { routeOf } from '../route-of.js';
import type { Services } from '../services.js';

/** A saved provider key as the contract's `Provider` object: masked, never the key. */
function providerJson(key: ProviderKeySummary | SavedProviderKey): Provider {
  return {
    provider: key.provider,
    masked: key.masked,
    base_url: key.baseUrl,
    created_at: key.createdAt.toISOString(),
    updated_at: key.updatedAt.toISOString(),
    ...('test' in key && key.test !== undefined
      ? { test: { ok: key.test.ok, detail: key.test.detail } }
      : {}),
  };
}

/** The account's own provider keys (BYOK): list, save or replace, delete (docs/providers.md). */
export const providerRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (
  app,
  { services },
) => {
  app.route({
    ...routeOf(operations.listProviders),
    onRequest: authenticate(services, operations.listProviders.auth),
    handler: async (request) => ({
      data: (await services.providerKeys.list(principalOf(request).accountId)).map(providerJson),
    }),
  });

  app.route({
    ...routeOf(operations.saveProvider),
    onRequest: authenticate(services, operations.saveProvider.auth),
    handler: async (request) => {
      const { api_key: apiKey, base_url: baseUrl, test } = request.body;
      const saved = await services.providerKeys.save(
        principalOf(request),
        request.params.provider,
        { apiKey, ...(baseUrl === undefined ? {} : { baseUrl }), ...(test === undefined ? {} : { test }) },
        contextOf(request),
      );
      return providerJson(saved);
    },
  });

  app.route({
    ...routeOf(operations.deleteProvider),
    onRequest: authenticate(services, operations.deleteProvider.auth),
    handler: async (request, reply) => {
      await services.providerKeys.delete(principalOf(request), request.params.provider, contextOf(request));
      return reply.code(204).send();
    },
  });
};

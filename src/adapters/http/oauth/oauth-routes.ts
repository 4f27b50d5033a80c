import formbody from '@fastify/formbody';
import { ACCESS_TOKEN_TYPE, DEVICE_CODE_GRANT, operations, TOKEN_EXCHANGE_GRANT } from '@skytells/contract';
import type { FastifyPluginAsync } from 'fastify';
import { OAuthError } from '../../../core/errors.js';
import { ALL_SCOPES } from '../../../core/scopes.js';
import { authenticateWithin, contextOf } from '../authenticate.js';
import { sendProblem, statusOf, toApiError } from '../error-handler.js';
import { routeOf } from '../route-of.js';
import type { Services } from '../services.js';
import { workloadLookupJson } from '../workload-json.js';
import { clientCredentialsOf, paramsOf, sendNoStore, sendOAuthError } from './oauth-protocol.js';
import { deviceAuthorizationResponse, introspectionResponse, tokenResponse } from './oauth-responses.js';

const FORM_ONLY = 'Send the parameters as an application/x-www-form-urlencoded body.';

/** Options of {@link oauthRoutes}. */
export interface OAuthRoutesOptions {
  services: Services;
  /** Largest request body, in bytes; a larger one is a 413. */
  bodyLimit: number;
}

/** The authorization server's protocol endpoints: RFC 6749, 7009, 7662, 8414, 8628 and 8693. */
export const oauthRoutes: FastifyPluginAsync<OAuthRoutesOptions> = async (app, { services, bodyLimit }) => {
  const { issuer } = services.oauth;
  // RFC 6749 §3.2: form-encoded bodies only, in this plugin (the /v1 API stays JSON).
  app.removeAllContentTypeParsers();
  await app.register(formbody, { bodyLimit });
  // Any other body is read up to the limit, so that an oversized one is a 413 whatever its type.
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, _body, done) => {
    done(new OAuthError('invalid_request', FORM_ONLY), undefined);
  });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof OAuthError) return sendOAuthError(request, reply, error);
    const problem = toApiError(error);
    const status = statusOf(problem);
    if (status >= 500) request.log.error({ err: error }, 'oauth request failed');
    if (problem.code === 'payload_too_large') {
      const tooLarge = `The request body is larger than ${bodyLimit / 1024} KiB.`;
      return sendOAuthError(request, reply, new OAuthError('invalid_request', tooLarge), 413);
    }
    if (problem.code === 'unsupported_media_type')
      return sendOAuthError(request, reply, new OAuthError('invalid_request', FORM_ONLY));
    // Malformed bodies and the like, in the OAuth vocabulary.
    if (status < 500 && status !== 401 && status !== 403) {
      return sendOAuthError(request, reply, new OAuthError('invalid_request', problem.detail));
    }
    return sendProblem(request, reply, problem);
  });

  // RFC 8414 §3: metadata at the well-known URI derived from the issuer.
  app.route({
    ...routeOf(operations.getAuthorizationServerMetadata),
    handler: async () => ({
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      token_endpoint: `${issuer}/oauth/token`,
      device_authorization_endpoint: `${issuer}/oauth/device_authorization`,
      revocation_endpoint: `${issuer}/oauth/revoke`,
      introspection_endpoint: `${issuer}/oauth/introspect`,
      scopes_supported: ALL_SCOPES,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code', DEVICE_CODE_GRANT, TOKEN_EXCHANGE_GRANT],
      token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
      revocation_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
      // RFC 8414 §2: client authentication methods only; a bearer token with tokens:read is documented.
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
      service_documentation: `${issuer}/openapi.json`,
    }),
  });

  app.route({
    ...routeOf(operations.oauthToken),
    handler: async (request, reply) => {
      const params = paramsOf(request.body);
      const context = contextOf(request);
      switch (params['grant_type']) {
        case 'authorization_code': {
          const response = await services.oauth.server.redeemAuthorizationCode(
            clientCredentialsOf(request, params),
            {
              ...(params['code'] === undefined ? {} : { code: params['code'] }),
              ...(params['redirect_uri'] === undefined ? {} : { redirectUri: params['redirect_uri'] }),
              ...(params['code_verifier'] === undefined ? {} : { codeVerifier: params['code_verifier'] }),
            },
            context,
          );
          return sendNoStore(reply, 200, tokenResponse(response, services.clock.now()));
        }
        case DEVICE_CODE_GRANT: {
          const issued = await services.oauth.device.pollDeviceCode(
            clientCredentialsOf(request, params),
            params['device_code'],
            context,
          );
          return sendNoStore(reply, 200, tokenResponse(issued, services.clock.now()));
        }
        case TOKEN_EXCHANGE_GRANT: {
          // RFC 8693 §2.1: no client authentication; the ID token is the credential (docs/workloads.md).
          const issued = await services.oauth.exchange.exchange(
            {
              subjectToken: params['subject_token'],
              subjectTokenType: params['subject_token_type'],
              audience: params['audience'],
              resource: params['resource'],
              scope: params['scope'],
              requestedTokenType: params['requested_token_type'],
            },
            context,
          );
          // RFC 8693 §2.2.1: the type of the issued token.
          const response = {
            ...tokenResponse(issued, services.clock.now()),
            issued_token_type: ACCESS_TOKEN_TYPE,
          };
          return sendNoStore(reply, 200, response);
        }
        case undefined:
          throw new OAuthError('invalid_request', 'The grant_type parameter is missing.');
        default:
          throw new OAuthError(
            'unsupported_grant_type',
            'Supported: authorization_code, device_code and token-exchange.',
          );
      }
    },
  });

  // Public: what a job asks its CI for, before it holds any credential (docs/workloads.md).
  app.route({
    ...routeOf(operations.lookupWorkload),
    handler: async (request) => {
      // Validated against the operation's params schema before the handler runs.
      const { workload } = request.params as { workload: string };
      return workloadLookupJson(await services.workloads.lookup(workload));
    },
  });

  app.route({
    ...routeOf(operations.oauthDeviceAuthorization),
    handler: async (request, reply) => {
      const params = paramsOf(request.body);
      const response = await services.oauth.device.startDeviceAuthorization(
        clientCredentialsOf(request, params),
        {
          ...(params['scope'] === undefined ? {} : { scope: params['scope'] }),
          ...(params['device_name'] === undefined ? {} : { deviceName: params['device_name'] }),
        },
      );
      return sendNoStore(reply, 200, deviceAuthorizationResponse(response));
    },
  });

  app.route({
    ...routeOf(operations.oauthRevoke),
    handler: async (request, reply) => {
      const params = paramsOf(request.body);
      await services.oauth.endpoints.revoke(
        clientCredentialsOf(request, params),
        params['token'],
        contextOf(request),
      );
      return sendNoStore(reply, 200, {});
    },
  });

  app.route({
    ...routeOf(operations.oauthIntrospect),
    handler: async (request, reply) => {
      const params = paramsOf(request.body);
      if (/^bearer /i.test(request.headers.authorization ?? '')) {
        // RFC 7662 §2.1: a bearer token authorized for introspection; ours needs tokens:read.
        const principal = await authenticateWithin(services, request, reply, {
          scope: 'tokens:read',
          via: 'token',
        });
        const token = await services.oauth.endpoints.introspect({ principal }, params['token']);
        return sendNoStore(reply, 200, introspectionResponse(token));
      }
      const credentials = clientCredentialsOf(request, params);
      const token = await services.oauth.endpoints.introspect({ credentials }, params['token']);
      return sendNoStore(reply, 200, introspectionResponse(token));
    },
  });
};

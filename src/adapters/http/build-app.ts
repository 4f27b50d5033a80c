import { randomUUID } from 'node:crypto';
import { AjvCompiler } from '@fastify/ajv-compiler';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type preValidationHookHandler,
} from 'fastify';
import { ApiError } from '../../core/errors.js';
import { AccessLogController, accessLoggerOf, lazyRequestLogger } from './access-log.js';
import { installErrorHandler, sendFrameworkError } from './error-handler.js';
import type { Metrics } from './metrics.js';
import { apiSecurityHeaders, securityHeaders } from './security-headers.js';
import { rateLimitStoreOn } from './rate-limit-store.js';
import { assertStrictJson, decodeUtf8, StrictJsonError } from './strict-json.js';
import { oauthPages } from './oauth/oauth-pages.js';
import { oauthRoutes } from './oauth/oauth-routes.js';
import { accountRoutes } from './routes/account-routes.js';
import { sessionRoutes } from './routes/session-routes.js';
import { appRoutes } from './routes/app-routes.js';
import { consoleRoutes } from './routes/console-routes.js';
import { credentialRoutes } from './routes/credential-routes.js';
import { opsRoutes } from './routes/ops-routes.js';
import { inferenceRoutes } from './routes/inference-routes.js';
import { providerRoutes } from './routes/provider-routes.js';
import { resourceRoutes } from './routes/resource-routes.js';
import { securityRoutes } from './routes/security-routes.js';
import { tokenRoutes } from './routes/token-routes.js';
import { apiKeyRoutes } from './routes/api-key-routes.js';
import { webhookRoutes } from './routes/webhook-routes.js';
import { workloadRoutes } from './routes/workload-routes.js';
import type { Services } from './services.js';

/** How the HTTP app is set up; everything else comes from the services. */
export interface AppOptions {
  /** The pino logger requests log to; `false` for none. */
  logger: FastifyBaseLogger | false;
  metrics: Metrics;
  /** The URL users reach; an https URL makes the session cookie `Secure`. */
  publicUrl: string;
  /**
   * Reverse proxies (addresses, CIDRs, or proxy-addr's `loopback`, `linklocal`, `uniquelocal`) whose
   * `X-Forwarded-For` gives the client address. Default none: the socket's address.
   */
  trustProxy?: readonly string[];
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** Largest request body accepted (docs/api.md). */
export const BODY_LIMIT = 64 * 1024;

/** The `invalid_json` problem for a body the strict checks refused. */
function invalidJson(error: unknown): ApiError {
  if (error instanceof StrictJsonError) return new ApiError('invalid_json', { detail: error.message });
  return new ApiError('invalid_json', { cause: error });
}

/**
 * The whole HTTP API as a Fastify instance that never listens: tests call `inject()`, `main`
 * calls `listen()`.
 */
export async function buildApp(services: Services, options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.logger === false ? { logger: false } : { loggerInstance: options.logger }),
    bodyLimit: BODY_LIMIT,
    // An empty list trusts nothing; Fastify's types want a mutable copy of the rest.
    trustProxy:
      options.trustProxy !== undefined && options.trustProxy.length > 0 ? [...options.trustProxy] : false,
    requestIdHeader: false,
    genReqId: () => randomUUID(),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    frameworkErrors: sendFrameworkError,
    logController: new AccessLogController(
      options.logger === false ? undefined : accessLoggerOf(options.logger),
    ),
    // Without a logger Fastify makes no request loggers at all: a factory would make it make some.
    ...(options.logger === false ? {} : { childLoggerFactory: lazyRequestLogger }),
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Bodies are never coerced or stripped: a wrong type or an unknown field is a 400. Query strings
  // are text by nature, so `?limit=20` is coerced to the integer its schema declares.
  const compilers = AjvCompiler();
  // Union types (`type: [string, array, null]`, a chat message's content) are JSON Schema, not a slip.
  const ajvOptions = { removeAdditional: false, allErrors: true, allowUnionTypes: true } as const;
  const bodies = compilers({}, { customOptions: { ...ajvOptions, coerceTypes: false } });
  const queries = compilers({}, { customOptions: { ...ajvOptions, coerceTypes: true } });
  app.setValidatorCompiler((route) => (route.httpPart === 'querystring' ? queries(route) : bodies(route)));

  app.decorateRequest('principal', null);
  app.decorateRequest('clientAddress', null);
  // Only JSON bodies: text/plain (parsed by Fastify by default) becomes a 415.
  app.removeContentTypeParser('text/plain');
  // Many clients send `Content-Type: application/json` on every request, bodiless DELETEs included:
  // an empty body means no body. Anything else must be UTF-8, pass Fastify's own (prototype-safe)
  // parser, and then the strict checks: no repeated keys, no unpaired surrogates.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    if (body.length === 0) return done(null, undefined);
    let text: string;
    try {
      text = decodeUtf8(body);
    } catch (error) {
      return done(invalidJson(error), undefined);
    }
    return parseJson(request, text, (error, value) => {
      if (error) return done(error, undefined);
      try {
        assertStrictJson(text);
      } catch (strict) {
        return done(invalidJson(strict), undefined);
      }
      return done(null, value);
    });
  });
  installErrorHandler(app);
  // A POST that sends no body at all means "no options": routes whose fields are all optional
  // (rotate, deploy) accept it, and the others name their missing fields instead of "body". Only
  // routes that take a body get the hook; the others pay nothing for it.
  const emptyBodyIsNoOptions: preValidationHookHandler = (request, _reply, done) => {
    if (request.body === undefined && BODY_METHODS.has(request.method)) request.body = {};
    done();
  };
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.some((method) => BODY_METHODS.has(method))) return;
    route.preValidation = [emptyBodyIsNoOptions, ...[route.preValidation ?? []].flat()];
  });

  const secure = options.publicUrl.startsWith('https:');
  // Computed once: every response sets one prepared object, the API's with `no-store` added.
  const headers = securityHeaders({ https: secure });
  const apiHeaders = apiSecurityHeaders({ https: secure });
  app.addHook('onRequest', (request, reply, done) => {
    void reply
      .headers(request.url.startsWith('/v1/') ? apiHeaders : headers)
      .header('x-request-id', request.id);
    done();
  });

  await app.register(rateLimit, {
    global: false,
    store: rateLimitStoreOn(services.limiter),
    errorResponseBuilder: (_request, context) =>
      new ApiError('rate_limited', {
        detail: 'Too many requests. Slow down.',
        retryAfterSeconds: Math.ceil(context.ttl / 1000),
      }),
  });
  await app.register(accountRoutes, { services, cookie: { secure } });
  await app.register(sessionRoutes, { services });
  await app.register(tokenRoutes, { services });
  await app.register(apiKeyRoutes, { services });
  await app.register(securityRoutes, { services });
  await app.register(resourceRoutes, { services });
  await app.register(inferenceRoutes, { services });
  await app.register(credentialRoutes, { services });
  await app.register(providerRoutes, { services });
  await app.register(webhookRoutes, { services });
  await app.register(workloadRoutes, { services });
  await app.register(opsRoutes, {
    services,
    registry: options.metrics.registry,
    publicUrl: options.publicUrl,
  });
  await app.register(appRoutes, { services });
  await app.register(oauthRoutes, { services, bodyLimit: BODY_LIMIT });
  await app.register(oauthPages, { services });
  await app.register(consoleRoutes);
  return app;
}

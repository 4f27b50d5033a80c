import { ERROR_CATALOGUE, PROBLEM_TYPE_BASE } from '@skytells/contract';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, type ErrorCode, type FieldError } from '../../core/errors.js';
import { DatabaseUnavailableError, StorageFullError } from '../../core/storage-errors.js';

const REALM = 'Bearer realm="skytells"';

/** The HTTP status of a problem: the contract's catalogue decides, core never does. */
export function statusOf(error: ApiError): number {
  return ERROR_CATALOGUE[error.code].status;
}

/** RFC 6750 §3: the challenge for a 401 or `insufficient_scope` 403. */
function challenge(error: ApiError): string | undefined {
  if (error.code === 'insufficient_scope') {
    return `${REALM}, error="insufficient_scope", scope="${error.scope ?? ''}"`;
  }
  if (statusOf(error) !== 401) return undefined;
  // RFC 6750 §3.1: no error attribute when the request carried no credential.
  if (
    error.code === 'token_missing' ||
    error.code === 'invalid_credentials' ||
    error.code === 'second_factor_required'
  ) {
    return REALM;
  }
  return `${REALM}, error="invalid_token", error_description="${error.detail.replace(/["\\]/g, '')}"`;
}

/**
 * Seconds a client should wait before retrying while the database is unreachable (RFC 9110 §10.2.3):
 * long enough not to hammer a recovering server, short enough that service resumes promptly.
 */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Fastify's own error codes for a body it refused, mapped to the catalogue. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_BAD_URL: 'bad_request',
  FST_ERR_MAX_PARAM_LENGTH: 'bad_request',
  FST_ERR_ASYNC_CONSTRAINT: 'bad_request',
};

/** Other client errors raised by Fastify or its plugins, by status. */
const BY_STATUS: Partial<Record<number, ErrorCode>> = {
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

function fieldErrors(error: FastifyError): FieldError[] {
  return (error.validation ?? []).map((issue) => {
    const params = issue.params;
    const path = issue.instancePath.replace(/^\//, '').replace(/\//g, '.');
    const child = params['missingProperty'] ?? params['additionalProperty'];
    const field = [
      error.validationContext === 'body' ? '' : error.validationContext,
      path,
      typeof child === 'string' ? child : '',
    ]
      .filter((part) => part !== undefined && part !== '')
      .join('.');
    const message =
      typeof params['additionalProperty'] === 'string'
        ? 'is not an accepted field'
        : (issue.message ?? 'is not valid');
    return { field: field || (error.validationContext ?? 'body'), message };
  });
}

/** Turns anything thrown into the {@link ApiError} that describes it to a client. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof DatabaseUnavailableError) {
    return new ApiError('database_unavailable', {
      detail: 'The database cannot be reached right now. Retry in a few seconds.',
      privateDetail: error.message,
      retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
      cause: error,
    });
  }
  if (error instanceof StorageFullError) {
    return new ApiError('storage_full', {
      detail: 'The server has no space left to store this change. Reading still works.',
      privateDetail: error.message,
      cause: error,
    });
  }
  const fastifyError = error as FastifyError;
  if (Array.isArray(fastifyError.validation)) {
    const errors = fieldErrors(fastifyError);
    const first = errors[0];
    return new ApiError('validation_failed', {
      detail: first === undefined ? 'The request is not valid.' : `${first.field}: ${first.message}`,
      errors,
    });
  }
  const mapped = typeof fastifyError.code === 'string' ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (mapped !== undefined) return new ApiError(mapped, { cause: error });
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new ApiError(BY_STATUS[status] ?? 'bad_request', { cause: error });
  }
  return new ApiError('internal_error', { detail: 'Something went wrong on our side.', cause: error });
}

/** Sends `error` as `application/problem+json` (RFC 9457) with the headers its code calls for. */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: ApiError): FastifyReply {
  const auth = challenge(error);
  if (auth !== undefined) void reply.header('www-authenticate', auth);
  if (error.retryAfterSeconds !== undefined)
    void reply.header('retry-after', String(error.retryAfterSeconds));
  const { status, title } = ERROR_CATALOGUE[error.code];
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .type('application/problem+json; charset=utf-8')
    .send(
      JSON.stringify({
        type: `${PROBLEM_TYPE_BASE}${error.code}`,
        title,
        status,
        detail: error.detail,
        code: error.code,
        ...(error.errors === undefined ? {} : { errors: error.errors }),
        ...(error.factors === undefined ? {} : { factors: error.factors }),
        ...(error.webauthn === undefined ? {} : { webauthn: error.webauthn }),
        ...(error.code === 'internal_error' ? { request_id: request.id } : {}),
      }),
    );
}

/**
 * Fastify's `frameworkErrors` option: errors raised before routing (a malformed percent-encoding, an
 * over-long path parameter) go out as problems like every other error, not as Fastify's own JSON.
 */
export function sendFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  request.log.info({ code: error.code }, 'request refused');
  void sendProblem(request, reply, toApiError(error));
}

/** The one error handler: catalogue errors as problems; anything unknown as a 500 that leaks nothing. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const problem = toApiError(error);
    if (
      problem.code === 'database_unavailable' ||
      problem.code === 'storage_full' ||
      problem.code === 'provider_error' ||
      problem.code === 'provider_timeout' ||
      problem.code === 'provider_unauthorized'
    ) {
      // Known conditions of the database or a model provider, not faults of the code: no stack.
      request.log.warn({ code: problem.code, detail: problem.privateDetail }, 'request refused');
    } else if (statusOf(problem) >= 500) {
      request.log.error({ err: error }, 'request failed');
    } else {
      request.log.info({ code: problem.code, detail: problem.privateDetail }, 'request refused');
    }
    return sendProblem(request, reply, problem);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      request,
      reply,
      new ApiError('not_found', {
        detail: `No route for ${request.method} ${request.url.split('?')[0] ?? ''}.`,
      }),
    ),
  );
}

import { type Operation, OAuthErrorSchema, operations, ProblemSchema } from '@skytells/contract';
import type { TSchema } from '@sinclair/typebox';
import { SESSION_COOKIE } from './authenticate.js';
import { problemCodesOf } from './openapi-errors.js';

/** A JSON value of the document. */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** An OpenAPI 3.1 document, as JSON. */
export interface OpenApiDocument extends JsonObject {
  openapi: string;
  paths: { [path: string]: { [method: string]: JsonObject } };
  components: { schemas: { [name: string]: JsonObject }; securitySchemes: JsonObject };
}

const PROBLEM_JSON = 'application/problem+json';
const FORM = 'application/x-www-form-urlencoded';
const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No content',
  400: 'The request is not valid',
  401: 'No usable credential',
  403: 'The credential may not do this',
  404: 'Not found',
  409: 'Conflict',
  413: 'The request body is over 64 KiB',
  415: 'The request body is not JSON',
  429: 'Too many requests',
  500: 'Internal server error',
  502: 'The model provider failed',
  503: 'The database is unreachable',
  504: 'The model provider did not answer in time',
  507: 'No space left to store the change',
};

const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer' } },
};
const WWW_AUTHENTICATE = {
  'WWW-Authenticate': {
    description: 'The Bearer challenge (RFC 6750 §3), on a 401 and on `insufficient_scope`.',
    schema: { type: 'string' },
  },
};

/**
 * Collects every schema carrying a `$id` into `components.schemas` and puts a `$ref` in its place,
 * nested ones included; TypeBox's symbol keys are dropped on the way (JSON has none).
 */
class SchemaRegistry {
  readonly schemas: { [name: string]: JsonObject } = {};

  /** `schema` as JSON, with its named parts (and itself, if named) as references. */
  use(schema: TSchema): JsonObject {
    return this.#walk(JSON.parse(JSON.stringify(schema)) as Json) as JsonObject;
  }

  #walk(node: Json): Json {
    if (Array.isArray(node)) return node.map((item) => this.#walk(item));
    if (node === null || typeof node !== 'object') return node;
    const { $id, ...rest } = node;
    const body: JsonObject = {};
    for (const [key, value] of Object.entries(rest)) body[key] = this.#walk(value);
    if (typeof $id !== 'string') return body;
    const known = this.schemas[$id];
    if (known !== undefined && JSON.stringify(known) !== JSON.stringify(body)) {
      throw new Error(`Two different schemas are named ${$id}`);
    }
    this.schemas[$id] = body;
    return ref($id);
  }
}

function securityOf(operation: Operation): { security: Json; note: string } {
  const { auth } = operation;
  switch (auth.kind) {
    case 'public':
      return { security: [], note: 'No authentication.' };
    case 'client': {
      const bearer = auth.scope === undefined ? [] : [{ bearer: [auth.scope] }];
      return {
        // RFC 6749 §2.3.1: HTTP Basic, or client_id and client_secret in the body (then no header).
        security: [{ client_secret_basic: [] }, ...bearer, {}],
        note:
          'Client authentication: HTTP Basic, or `client_id` (and a confidential client’s `client_secret`) in the body.' +
          (auth.scope === undefined ? '' : ` Or an access token holding \`${auth.scope}\`.`),
      };
    }
    case 'credential': {
      const unsafe = operation.method !== 'GET';
      const session: JsonObject = unsafe ? { session: [], csrf: [] } : { session: [] };
      const bearer = { bearer: auth.scope === undefined ? [] : [auth.scope] };
      const scope = auth.scope === undefined ? '' : `, holding \`${auth.scope}\``;
      const csrf = unsafe ? ' with its CSRF token in `X-CSRF-Token`' : '';
      if (auth.via === 'session') return { security: [session], note: `Console session${csrf} only.` };
      if (auth.via === 'token') return { security: [bearer], note: `Access token${scope} only.` };
      if (auth.apiKey === true) {
        return {
          security: [{ api_key: [] }, bearer, session],
          note:
            `An API key (\`sk_live_…\`, as \`Authorization: Bearer\` or \`X-API-Key\`), an access token${scope}, ` +
            `or the console session${csrf}.`,
        };
      }
      return {
        security: [bearer, session],
        note: `An access token${scope}, or the console session${csrf} (which holds every scope).`,
      };
    }
  }
}

function parametersOf(registry: SchemaRegistry, operation: Operation): JsonObject[] {
  const parameters: JsonObject[] = [];
  for (const [where, schema] of [
    ['path', operation.params],
    ['query', operation.query],
  ] as const) {
    if (schema === undefined) continue;
    const object = registry.use(schema);
    if (object['properties'] === undefined) throw new Error(`${where} parameters must be an unnamed object`);
    const required = new Set((object['required'] as string[] | undefined) ?? []);
    for (const [name, property] of Object.entries(object['properties'] as JsonObject)) {
      const { description } = property as JsonObject;
      parameters.push({
        name,
        in: where,
        required: where === 'path' || required.has(name),
        ...(typeof description === 'string' ? { description } : {}),
        schema: property,
      });
    }
  }
  return parameters;
}

function successOf(registry: SchemaRegistry, status: number, body: TSchema | null | 'text'): JsonObject {
  const description = STATUS_TEXT[status] ?? 'Success';
  if (body === null) return { description };
  if (body === 'text') return { description, content: { 'text/plain': { schema: { type: 'string' } } } };
  return { description, content: { 'application/json': { schema: registry.use(body) } } };
}

/** The error responses of `operation`: problems, and for OAuth endpoints the RFC 6749 §5.2 format. */
function errorsOf(operation: Operation): { [status: string]: JsonObject } {
  const errors = new Map<number, { description: string; content: JsonObject; headers?: JsonObject }>();
  if (operation.form === true || operation.oauthErrors === true) {
    const content = { 'application/json': { schema: ref('OAuthError') } };
    errors.set(400, { description: 'OAuth error (RFC 6749 §5.2)', content });
  }
  if (operation.form === true) {
    const content = { 'application/json': { schema: ref('OAuthError') } };
    errors.set(401, {
      description: '`invalid_client`: client authentication failed (RFC 6749 §5.2)',
      content,
    });
    errors.set(413, { description: `${STATUS_TEXT[413]}: \`invalid_request\``, content });
  }
  for (const [status, codes] of problemCodesOf(operation)) {
    const list = codes.map((code) => `\`${code}\``).join(', ');
    const narrowed = { required: ['code'], properties: { code: { type: 'string', enum: codes } } };
    const schema = { allOf: [ref('Problem'), narrowed] };
    const existing = errors.get(status);
    const headers =
      status === 401 || status === 403
        ? WWW_AUTHENTICATE
        : status === 429 || status === 503
          ? RETRY_AFTER
          : undefined;
    errors.set(status, {
      description: `${existing?.description ?? STATUS_TEXT[status] ?? 'Error'}; problem \`code\`: ${list}`,
      content: { ...existing?.content, [PROBLEM_JSON]: { schema } },
      ...(headers === undefined ? {} : { headers }),
    });
  }
  return Object.fromEntries(
    [...errors].sort(([a], [b]) => a - b).map(([status, response]) => [String(status), response]),
  );
}

function operationObject(registry: SchemaRegistry, id: string, operation: Operation): JsonObject {
  const { security, note } = securityOf(operation);
  const parameters = parametersOf(registry, operation);
  const responses: JsonObject = {};
  for (const [status, body] of Object.entries(operation.responses)) {
    responses[status] = successOf(registry, Number(status), body);
  }
  if (operation.eventStream === true) {
    const ok = responses['200'] as { description: string; content: JsonObject };
    ok.content['text/event-stream'] = {
      schema: {
        type: 'string',
        description:
          'With `"stream": true`: `data: <chat.completion.chunk JSON>` events, ending with `data: [DONE]`.',
      },
    };
  }
  Object.assign(responses, errorsOf(operation));
  return {
    operationId: id,
    tags: [operation.tag],
    summary: operation.summary,
    description: note,
    security,
    ...(parameters.length === 0 ? {} : { parameters }),
    ...(operation.body === undefined
      ? {}
      : {
          requestBody: {
            required: operation.bodyOptional !== true,
            content: {
              [operation.form === true ? FORM : 'application/json']: {
                schema: registry.use(operation.body),
              },
            },
          },
        }),
    responses,
  };
}

/**
 * The OpenAPI 3.1 description of the HTTP API, generated from the contract's `operations`: the
 * statuses each operation really answers, its error responses, its security, and every named schema
 * as a component. Pure: the same `publicUrl` gives the same document.
 */
export function buildOpenApiDocument(options: { publicUrl: string }): OpenApiDocument {
  const registry = new SchemaRegistry();
  registry.use(ProblemSchema);
  registry.use(OAuthErrorSchema);
  const paths: OpenApiDocument['paths'] = {};
  const tags: string[] = [];
  for (const [id, operation] of Object.entries(operations) as [string, Operation][]) {
    paths[operation.path] = {
      ...paths[operation.path],
      [operation.method.toLowerCase()]: operationObject(registry, id, operation),
    };
    if (!tags.includes(operation.tag)) tags.push(operation.tag);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Skytells Access API',
      version: '1',
      description:
        'Errors are `application/problem+json` (RFC 9457) with a stable `code`; the OAuth endpoints answer in the RFC 6749 §5.2 format.',
    },
    servers: [{ url: options.publicUrl }],
    tags: tags.map((name) => ({ name })),
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(registry.schemas).sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An access token, `skt_…`.' },
        session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'The console session.' },
        api_key: {
          type: 'apiKey',
          in: 'header',
          name: 'X-API-Key',
          description:
            'An API key, `sk_live_…` (docs/api-keys.md); also accepted as `Authorization: Bearer`.',
        },
        csrf: {
          type: 'apiKey',
          in: 'header',
          name: 'X-CSRF-Token',
          description: "The session's `csrf_token` (from sign-in), sent on every request that changes state.",
        },
        client_secret_basic: {
          type: 'http',
          scheme: 'basic',
          description:
            'OAuth client authentication (RFC 6749 §2.3.1): client_id and client_secret, form-encoded.',
        },
      },
    },
  };
}

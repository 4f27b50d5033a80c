/**
 * Checks real responses against `/openapi.json`: the status must be documented for the operation,
 * the media type must be one documented for that status, and a JSON body must match its schema.
 * Objects are checked strictly (no field the document does not name), so an undocumented field
 * is a mismatch too.
 */
import { type Operation, operations } from '@skytells/contract';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { buildOpenApiDocument, type OpenApiDocument } from '../../src/adapters/http/openapi.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const ROOT = 'urn:skytells:openapi:';
const COMPONENT = '#/components/schemas/';

/** A copy of `node` whose object schemas admit only the properties they name, refs made absolute. */
function strict(node: Json): Json {
  if (Array.isArray(node)) return node.map(strict);
  if (node === null || typeof node !== 'object') return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = key === '$ref' && typeof value === 'string' ? value.replace(COMPONENT, ROOT) : strict(value);
  }
  if (
    out['type'] === 'object' &&
    out['properties'] !== undefined &&
    out['additionalProperties'] === undefined &&
    out['patternProperties'] === undefined
  ) {
    out['additionalProperties'] = false;
  }
  return out;
}

/** One response as the server sent it. */
export interface SentResponse {
  method: string;
  /** The route as Fastify registered it: `/v1/tokens/:id`. */
  routeUrl: string;
  status: number;
  contentType: string | undefined;
  payload: unknown;
}

/** What {@link ResponseConformance.check} found wrong with a response. */
export type Mismatch = string;

/** The documented responses of every operation, and the checks of a response against them. */
export class ResponseConformance {
  readonly #document: OpenApiDocument;
  readonly #ajv: Ajv2020;
  readonly #byRoute = new Map<string, { id: string; operation: Operation }>();
  readonly #validators = new Map<string, ValidateFunction>();

  constructor(document: OpenApiDocument = buildOpenApiDocument({ publicUrl: 'http://127.0.0.1' })) {
    this.#document = document;
    this.#ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(this.#ajv);
    for (const [name, schema] of Object.entries(document.components.schemas)) {
      this.#ajv.addSchema({ ...(strict(schema) as JsonObject), $id: `${ROOT}${name}` });
    }
    for (const [id, operation] of Object.entries(operations) as [string, Operation][]) {
      const url = operation.path.replace(/\{(\w+)\}/g, ':$1');
      this.#byRoute.set(`${operation.method} ${url}`, { id, operation });
    }
  }

  /** The mismatch of `response` with the document, or `undefined` when it conforms or is no operation's. */
  check(response: SentResponse): Mismatch | undefined {
    const found = this.#byRoute.get(`${response.method} ${response.routeUrl}`);
    if (found === undefined) return undefined;
    const { operation } = found;
    const where = `${response.method} ${operation.path} answered ${response.status}`;
    const documented = this.#document.paths[operation.path]?.[operation.method.toLowerCase()];
    const responses = documented?.['responses'] as { [status: string]: JsonObject } | undefined;
    const entry = responses?.[String(response.status)];
    if (entry === undefined) return `${where}, a status the document does not list for ${found.id}`;
    const content = entry['content'] as { [media: string]: JsonObject } | undefined;
    if (content === undefined) {
      const empty = response.payload === undefined || response.payload === null || response.payload === '';
      return empty ? undefined : `${where} with a body, documented as having none`;
    }
    const media = (response.contentType ?? '').split(';')[0]!.trim().toLowerCase();
    const described = content[media];
    if (described === undefined) {
      return `${where} as ${media || 'no media type'}; documented: ${Object.keys(content).join(', ')}`;
    }
    if (!media.endsWith('json')) return undefined;
    const text = Buffer.isBuffer(response.payload) ? response.payload.toString('utf8') : response.payload;
    if (typeof text !== 'string') return undefined;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return `${where} with a body that is not JSON`;
    }
    const key = `${found.id} ${response.status} ${media}`;
    let validate = this.#validators.get(key);
    if (validate === undefined) {
      validate = this.#ajv.compile(strict(described['schema'] ?? {}) as JsonObject);
      this.#validators.set(key, validate);
    }
    if (validate(body)) return undefined;
    const errors = (validate.errors ?? [])
      .map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`)
      .join('; ');
    return `${where}: the body does not match the documented schema: ${errors}; body: ${text.slice(0, 500)}`;
  }
}

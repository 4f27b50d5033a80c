import type { Operation } from '@skytells/contract';
import type { TSchema } from '@sinclair/typebox';

type SchemaAt<O, K extends string> = O extends { [key in K]: infer S extends TSchema } ? S : undefined;

/** `{ [K]: S }` when the operation has that part, else nothing: Fastify infers request types from it. */
type Part<K extends string, S> = S extends TSchema ? { [key in K]: S } : unknown;

/** The success responses of `O` that have a JSON body, by status. */
type JsonResponsesOf<O extends Operation> = {
  [S in keyof O['responses'] as O['responses'][S] extends TSchema ? S : never]: O['responses'][S];
};

/** What Fastify needs to register an operation: its method, its URL and its schemas. */
export interface ContractRoute<O extends Operation> {
  method: O['method'];
  /** The path in Fastify's form: `/v1/tokens/:id`. */
  url: string;
  schema: Part<'params', SchemaAt<O, 'params'>> &
    Part<'querystring', SchemaAt<O, 'query'>> &
    Part<'body', O extends { form: true } ? undefined : SchemaAt<O, 'body'>> & {
      response: JsonResponsesOf<O>;
    };
}

/**
 * The route of a contract operation: the server validates what the contract says it takes and
 * serializes what it says it answers, so the routes and `/openapi.json` cannot drift apart.
 * A form body (RFC 6749 §3.2) gets no JSON Schema validator: the OAuth endpoints read it as
 * parameters and refuse it in the OAuth error format.
 */
export function routeOf<O extends Operation>(operation: O): ContractRoute<O> {
  const response: Record<string, TSchema> = {};
  for (const [status, body] of Object.entries(operation.responses)) {
    if (body !== null && body !== 'text') response[status] = body;
  }
  const schema: Record<string, unknown> = { response };
  if (operation.params !== undefined) schema['params'] = operation.params;
  if (operation.query !== undefined) schema['querystring'] = operation.query;
  if (operation.body !== undefined && operation.form !== true) schema['body'] = operation.body;
  return {
    method: operation.method,
    url: operation.path.replace(/\{(\w+)\}/g, ':$1'),
    schema: schema as ContractRoute<O>['schema'],
  };
}

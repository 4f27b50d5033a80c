import type { Static, TSchema } from '@sinclair/typebox';
import type { Operation } from './operation.js';
import { accountsOperations } from './operations/accounts.js';
import { apiKeysOperations } from './operations/api-keys.js';
import { appsOperations } from './operations/apps.js';
import { oauthOperations } from './operations/oauth.js';
import { opsOperations } from './operations/ops.js';
import { resourcesOperations } from './operations/resources.js';
import { securityOperations } from './operations/security.js';
import { sessionsOperations } from './operations/sessions.js';
import { tokensOperations } from './operations/tokens.js';
import { webhooksOperations } from './operations/webhooks.js';
import { workloadsOperations } from './operations/workloads.js';

export type { Operation, OperationAuth } from './operation.js';

/**
 * Every operation of the HTTP API. The server registers its routes from these, `/openapi.json` is
 * generated from them, and the console and CLI derive their request and response types from them:
 * a changed field is a compile error everywhere.
 */
export const operations = {
  ...accountsOperations,
  ...sessionsOperations,
  ...tokensOperations,
  ...apiKeysOperations,
  ...webhooksOperations,
  ...workloadsOperations,
  ...resourcesOperations,
  ...securityOperations,
  ...appsOperations,
  ...oauthOperations,
  ...opsOperations,
} as const satisfies Record<string, Operation>;

/** The name of an operation, e.g. `createToken`. */
export type OperationId = keyof typeof operations;

type Ops = typeof operations;

/** The JSON body `id` answers with `status`. */
export type ResponseOf<
  Id extends OperationId,
  Status extends keyof Ops[Id]['responses'],
> = Ops[Id]['responses'][Status] extends TSchema ? Static<Ops[Id]['responses'][Status]> : undefined;

/** The body of `id`'s success response (`undefined` for a 204). */
export type SuccessOf<Id extends OperationId> = {
  [S in keyof Ops[Id]['responses']]: ResponseOf<Id, S>;
}[keyof Ops[Id]['responses']];

/** The path parameters `id` takes. */
export type ParamsOf<Id extends OperationId> = Ops[Id] extends { params: infer P extends TSchema }
  ? Static<P>
  : undefined;

/** The request body `id` takes. */
export type BodyOf<Id extends OperationId> = Ops[Id] extends { body: infer B extends TSchema }
  ? Static<B>
  : undefined;

/** The query `id` takes. */
export type QueryOf<Id extends OperationId> = Ops[Id] extends { query: infer Q extends TSchema }
  ? Static<Q>
  : undefined;

/** What a client passes to call `id`: exactly the parts the operation has. */
export type CallInput<Id extends OperationId> = (ParamsOf<Id> extends undefined
  ? { params?: undefined }
  : { params: ParamsOf<Id> }) &
  (QueryOf<Id> extends undefined ? { query?: undefined } : { query?: QueryOf<Id> }) &
  (BodyOf<Id> extends undefined
    ? { body?: undefined }
    : Ops[Id] extends { bodyOptional: true }
      ? { body?: BodyOf<Id> }
      : { body: BodyOf<Id> });

/**
 * The method and URL path (with query) of a call to `id`: path parameters filled in and encoded,
 * query parameters that are set appended in order.
 */
export function requestLine<Id extends OperationId>(
  id: Id,
  input: { params?: Record<string, string> | undefined; query?: Record<string, unknown> | undefined },
): { method: Operation['method']; path: string } {
  const operation: Operation = operations[id];
  const path = operation.path.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = input.params?.[name];
    if (value === undefined) throw new TypeError(`${id}: path parameter "${name}" is missing`);
    return encodeURIComponent(value);
  });
  const query = Object.entries(input.query ?? {})
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
    .join('&');
  return { method: operation.method, path: query === '' ? path : `${path}?${query}` };
}

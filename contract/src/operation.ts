import type { TSchema } from '@sinclair/typebox';
import type { ErrorCode } from './errors.js';
import type { Scope } from './scopes.js';

/**
 * Who may call an operation.
 * - `public`: anyone, no credential.
 * - `credential`: an access token holding `scope` (when given), or the console session (every scope);
 *   `via` narrows it to one of the two; `apiKey` admits an API key (`sk_live_…`) too, which is
 *   refused everywhere else (`api_key_not_accepted`).
 * - `client`: an OAuth client (RFC 6749 §2.3); with `scope`, an access token holding it may call
 *   instead (introspection, RFC 7662 §2.1).
 */
export type OperationAuth =
  | { kind: 'public' }
  | { kind: 'credential'; scope?: Scope; via?: 'session' | 'token'; apiKey?: true }
  | { kind: 'client'; scope?: Scope };

/** One HTTP operation of the API: what it takes, what it answers, who may call it. */
export interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** OpenAPI path template, `/v1/tokens/{id}`. */
  path: string;
  summary: string;
  tag: string;
  auth: OperationAuth;
  params?: TSchema;
  query?: TSchema;
  body?: TSchema;
  /** The body may be left out altogether (rotate, deploy). */
  bodyOptional?: boolean;
  /** The body is `application/x-www-form-urlencoded` (RFC 6749 §3.2), not JSON. */
  form?: boolean;
  /** Refusals are OAuth errors (RFC 6749 §5.2, `{error, error_description}`), as on the form endpoints. */
  oauthErrors?: boolean;
  /** Success statuses and their bodies; `null` for none (204), `'text'` for a non-JSON body. */
  responses: Readonly<Record<number, TSchema | null | 'text'>>;
  /**
   * The success answer may instead be server-sent events (`text/event-stream`), when the request
   * asks for a stream.
   */
  eventStream?: boolean;
  /** Problem codes particular to this operation, beyond those every operation of its kind can answer. */
  errors?: readonly ErrorCode[];
}

/** Access with a credential: a token holding `scope`, or the console session; `via` narrows it to one. */
export const credential = (scope?: Scope, via?: 'session' | 'token'): OperationAuth => ({
  kind: 'credential',
  ...(scope === undefined ? {} : { scope }),
  ...(via === undefined ? {} : { via }),
});

/** Access with an API key (`Authorization: Bearer` or `X-API-Key`), or a credential holding `scope`. */
export const apiKeyOrCredential = (scope: Scope): OperationAuth => ({
  kind: 'credential',
  scope,
  apiKey: true,
});

/** Access without any credential. */
export const PUBLIC: OperationAuth = { kind: 'public' };

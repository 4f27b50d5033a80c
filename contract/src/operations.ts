import { type Static, type TSchema, Type } from '@sinclair/typebox';
import type { ErrorCode } from './errors.js';
import type { Scope } from './scopes.js';
import { AccountSchema, SessionSchema, SignInBody, SignUpBody } from './schemas/accounts.js';
import {
  AppListSchema,
  AppSchema,
  AppWithSecretSchema,
  AuthorizedAppListSchema,
  RegisterAppBody,
  UpdateAppBody,
} from './schemas/apps.js';
import { AuditEventSchema, AuditQuery } from './schemas/audit.js';
import { IdParams, PageQuery, PageSchema } from './schemas/common.js';
import { RevokeCredentialsBody, RevokeCredentialsResultSchema } from './schemas/credentials.js';
import {
  AuthorizationServerMetadataSchema,
  DeviceAuthorizationRequestSchema,
  DeviceAuthorizationResponseSchema,
  IntrospectionRequestSchema,
  IntrospectionResponseSchema,
  RevocationRequestSchema,
  TokenRequestSchema,
  TokenResponseSchema,
} from './schemas/oauth.js';
import { HealthSchema, OpenApiDocumentSchema, ReadySchema } from './schemas/ops.js';
import {
  BillingSchema,
  CreateDeploymentBody,
  CreateProjectBody,
  DeploymentSchema,
  ProjectSchema,
} from './schemas/projects.js';
import {
  CreateTokenBody,
  IssuedTokenSchema,
  RotateTokenBody,
  ScopeListSchema,
  TokenListQuery,
  TokenSchema,
} from './schemas/tokens.js';

/**
 * Who may call an operation.
 * - `public`: anyone, no credential.
 * - `credential`: an access token holding `scope` (when given), or the console session (every scope);
 *   `via` narrows it to one of the two.
 * - `client`: an OAuth client (RFC 6749 §2.3); with `scope`, an access token holding it may call
 *   instead (introspection, RFC 7662 §2.1).
 */
export type OperationAuth =
  | { kind: 'public' }
  | { kind: 'credential'; scope?: Scope; via?: 'session' | 'token' }
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
  /** Success statuses and their bodies; `null` for none (204), `'text'` for a non-JSON body. */
  responses: Readonly<Record<number, TSchema | null | 'text'>>;
  /** Problem codes particular to this operation, beyond those every operation of its kind can answer. */
  errors?: readonly ErrorCode[];
}

const credential = (scope?: Scope, via?: 'session' | 'token'): OperationAuth => ({
  kind: 'credential',
  ...(scope === undefined ? {} : { scope }),
  ...(via === undefined ? {} : { via }),
});
const PUBLIC: OperationAuth = { kind: 'public' };
const Paging = Type.Object({ ...PageQuery }, { additionalProperties: false });

/**
 * Every operation of the HTTP API. The server registers its routes from these, `/openapi.json` is
 * generated from them, and the console and CLI derive their request and response types from them:
 * a changed field is a compile error everywhere.
 */
export const operations = {
  signUp: {
    method: 'POST',
    path: '/v1/accounts',
    summary: 'Sign up',
    tag: 'accounts',
    auth: PUBLIC,
    body: SignUpBody,
    responses: { 201: AccountSchema },
    errors: ['email_taken', 'signup_closed'],
  },
  signIn: {
    method: 'POST',
    path: '/v1/sessions',
    summary: 'Sign in to the console; sets the session cookie',
    tag: 'sessions',
    auth: PUBLIC,
    body: SignInBody,
    responses: { 201: SessionSchema },
    errors: ['invalid_credentials', 'rate_limited'],
  },
  getCurrentSession: {
    method: 'GET',
    path: '/v1/sessions/current',
    summary: 'The signed-in account and its CSRF token',
    tag: 'sessions',
    auth: credential(undefined, 'session'),
    responses: { 200: SessionSchema },
  },
  signOut: {
    method: 'DELETE',
    path: '/v1/sessions/current',
    summary: 'Sign out',
    tag: 'sessions',
    auth: credential(undefined, 'session'),
    responses: { 204: null },
  },
  getAccount: {
    method: 'GET',
    path: '/v1/account',
    summary: 'The account',
    tag: 'accounts',
    auth: credential('account:read'),
    responses: { 200: AccountSchema },
  },
  listScopes: {
    method: 'GET',
    path: '/v1/scopes',
    summary: 'The scope catalogue',
    tag: 'tokens',
    auth: PUBLIC,
    responses: { 200: ScopeListSchema },
  },
  listTokens: {
    method: 'GET',
    path: '/v1/tokens',
    summary: 'List tokens, newest first',
    tag: 'tokens',
    auth: credential('tokens:read'),
    query: TokenListQuery,
    responses: { 200: PageSchema(TokenSchema) },
    errors: ['invalid_cursor'],
  },
  createToken: {
    method: 'POST',
    path: '/v1/tokens',
    summary: 'Create a token; its value is in this response only',
    tag: 'tokens',
    auth: credential('tokens:write'),
    body: CreateTokenBody,
    responses: { 201: IssuedTokenSchema },
    errors: ['name_conflict', 'lifetime_exceeds_caller', 'policy_violation'],
  },
  getCallingToken: {
    method: 'GET',
    path: '/v1/tokens/self',
    summary: 'The calling token',
    tag: 'tokens',
    auth: credential(undefined, 'token'),
    responses: { 200: TokenSchema },
  },
  getToken: {
    method: 'GET',
    path: '/v1/tokens/{id}',
    summary: 'One token',
    tag: 'tokens',
    auth: credential('tokens:read'),
    params: IdParams,
    responses: { 200: TokenSchema },
    errors: ['not_found'],
  },
  revokeToken: {
    method: 'DELETE',
    path: '/v1/tokens/{id}',
    summary: 'Revoke a token at once; repeating it succeeds',
    tag: 'tokens',
    auth: credential('tokens:write'),
    params: IdParams,
    responses: { 204: null },
    errors: ['not_found'],
  },
  rotateToken: {
    method: 'POST',
    path: '/v1/tokens/{id}/rotate',
    summary: 'Issue a replacement with the same or fewer scopes',
    tag: 'tokens',
    auth: credential('tokens:write'),
    params: IdParams,
    body: RotateTokenBody,
    bodyOptional: true,
    responses: { 201: IssuedTokenSchema },
    errors: ['not_found', 'name_conflict', 'token_not_active', 'lifetime_exceeds_caller', 'policy_violation'],
  },
  revokeLeakedCredentials: {
    method: 'POST',
    path: '/v1/credentials/revoke',
    summary: 'Revoke leaked credentials: anyone holding one may',
    tag: 'tokens',
    auth: PUBLIC,
    body: RevokeCredentialsBody,
    responses: { 202: RevokeCredentialsResultSchema },
    errors: ['rate_limited'],
  },
  listAuditEvents: {
    method: 'GET',
    path: '/v1/audit',
    summary: 'The audit log, newest first',
    tag: 'audit',
    auth: credential('audit:read'),
    query: AuditQuery,
    responses: { 200: PageSchema(AuditEventSchema) },
    errors: ['invalid_cursor'],
  },
  listProjects: {
    method: 'GET',
    path: '/v1/projects',
    summary: 'List projects',
    tag: 'projects',
    auth: credential('projects:read'),
    query: Paging,
    responses: { 200: PageSchema(ProjectSchema) },
    errors: ['invalid_cursor'],
  },
  createProject: {
    method: 'POST',
    path: '/v1/projects',
    summary: 'Create a project',
    tag: 'projects',
    auth: credential('projects:write'),
    body: CreateProjectBody,
    responses: { 201: ProjectSchema },
  },
  getProject: {
    method: 'GET',
    path: '/v1/projects/{id}',
    summary: 'One project',
    tag: 'projects',
    auth: credential('projects:read'),
    params: IdParams,
    responses: { 200: ProjectSchema },
    errors: ['not_found'],
  },
  deleteProject: {
    method: 'DELETE',
    path: '/v1/projects/{id}',
    summary: 'Delete a project and its deployments',
    tag: 'projects',
    auth: credential('projects:write'),
    params: IdParams,
    responses: { 204: null },
    errors: ['not_found'],
  },
  listDeployments: {
    method: 'GET',
    path: '/v1/projects/{id}/deployments',
    summary: "List a project's deployments",
    tag: 'deployments',
    auth: credential('deployments:read'),
    params: IdParams,
    query: Paging,
    responses: { 200: PageSchema(DeploymentSchema) },
    errors: ['not_found', 'invalid_cursor'],
  },
  createDeployment: {
    method: 'POST',
    path: '/v1/projects/{id}/deployments',
    summary: 'Deploy a project',
    tag: 'deployments',
    auth: credential('deployments:write'),
    params: IdParams,
    body: CreateDeploymentBody,
    bodyOptional: true,
    responses: { 201: DeploymentSchema },
    errors: ['not_found'],
  },
  getBilling: {
    method: 'GET',
    path: '/v1/billing',
    summary: 'Plan and usage of the account',
    tag: 'billing',
    auth: credential('billing:read'),
    responses: { 200: BillingSchema },
  },
  listApps: {
    method: 'GET',
    path: '/v1/apps',
    summary: 'Registered applications',
    tag: 'apps',
    auth: credential('apps:read'),
    responses: { 200: AppListSchema },
  },
  registerApp: {
    method: 'POST',
    path: '/v1/apps',
    summary: 'Register an application; a confidential one gets its secret once',
    tag: 'apps',
    auth: credential('apps:write'),
    body: RegisterAppBody,
    responses: { 201: AppWithSecretSchema },
  },
  getApp: {
    method: 'GET',
    path: '/v1/apps/{id}',
    summary: 'One application',
    tag: 'apps',
    auth: credential('apps:read'),
    params: IdParams,
    responses: { 200: AppSchema },
    errors: ['not_found'],
  },
  updateApp: {
    method: 'PATCH',
    path: '/v1/apps/{id}',
    summary: 'Rename or change redirect URIs',
    tag: 'apps',
    auth: credential('apps:write'),
    params: IdParams,
    body: UpdateAppBody,
    responses: { 200: AppSchema },
    errors: ['not_found'],
  },
  rotateAppSecret: {
    method: 'POST',
    path: '/v1/apps/{id}/secret',
    summary: 'Replace the client secret; shown once',
    tag: 'apps',
    auth: credential('apps:write'),
    params: IdParams,
    responses: { 201: AppWithSecretSchema },
    errors: ['not_found'],
  },
  deleteApp: {
    method: 'DELETE',
    path: '/v1/apps/{id}',
    summary: 'Delete an application and revoke its tokens',
    tag: 'apps',
    auth: credential('apps:write'),
    params: IdParams,
    responses: { 204: null },
    errors: ['not_found'],
  },
  listAuthorizedApps: {
    method: 'GET',
    path: '/v1/authorized-apps',
    summary: 'Applications holding tokens of this account',
    tag: 'apps',
    auth: credential('apps:read'),
    responses: { 200: AuthorizedAppListSchema },
  },
  revokeAuthorizedApp: {
    method: 'DELETE',
    path: '/v1/authorized-apps/{id}',
    summary: "Remove an app's access: revoke all its tokens",
    tag: 'apps',
    auth: credential('apps:write'),
    params: IdParams,
    responses: { 204: null },
    errors: ['not_found'],
  },
  getAuthorizationServerMetadata: {
    method: 'GET',
    path: '/.well-known/oauth-authorization-server',
    summary: 'Authorization server metadata (RFC 8414)',
    tag: 'oauth',
    auth: PUBLIC,
    responses: { 200: AuthorizationServerMetadataSchema },
  },
  oauthToken: {
    method: 'POST',
    path: '/oauth/token',
    summary: 'Token endpoint (RFC 6749 §3.2, RFC 8628 §3.4)',
    tag: 'oauth',
    auth: { kind: 'client' },
    form: true,
    body: TokenRequestSchema,
    responses: { 200: TokenResponseSchema },
  },
  oauthDeviceAuthorization: {
    method: 'POST',
    path: '/oauth/device_authorization',
    summary: 'Device authorization endpoint (RFC 8628 §3.1)',
    tag: 'oauth',
    auth: { kind: 'client' },
    form: true,
    body: DeviceAuthorizationRequestSchema,
    responses: { 200: DeviceAuthorizationResponseSchema },
  },
  oauthRevoke: {
    method: 'POST',
    path: '/oauth/revoke',
    summary: 'Token revocation (RFC 7009)',
    tag: 'oauth',
    auth: { kind: 'client' },
    form: true,
    body: RevocationRequestSchema,
    responses: { 200: Type.Object({}) },
  },
  oauthIntrospect: {
    method: 'POST',
    path: '/oauth/introspect',
    summary: 'Token introspection (RFC 7662); a client, or a token holding tokens:read',
    tag: 'oauth',
    auth: { kind: 'client', scope: 'tokens:read' },
    form: true,
    body: IntrospectionRequestSchema,
    responses: { 200: IntrospectionResponseSchema },
  },
  getHealth: {
    method: 'GET',
    path: '/healthz',
    summary: 'Liveness: the process answers',
    tag: 'operations',
    auth: PUBLIC,
    responses: { 200: HealthSchema },
  },
  getReadiness: {
    method: 'GET',
    path: '/readyz',
    summary: 'Readiness: the database answers',
    tag: 'operations',
    auth: PUBLIC,
    responses: { 200: ReadySchema },
    errors: ['database_unavailable'],
  },
  getMetrics: {
    method: 'GET',
    path: '/metrics',
    summary: 'Prometheus metrics, text exposition format',
    tag: 'operations',
    auth: PUBLIC,
    responses: { 200: 'text' },
  },
  getOpenApiDocument: {
    method: 'GET',
    path: '/openapi.json',
    summary: 'This description of the API (OpenAPI 3.1), generated from the contract',
    tag: 'operations',
    auth: PUBLIC,
    responses: { 200: OpenApiDocumentSchema },
  },
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

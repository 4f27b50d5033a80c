import { type TSchema, Type } from '@sinclair/typebox';
import type { AccessToken, Account, AuditEvent, Deployment, Project } from '../../core/model.js';
import { tokenStatus } from '../../core/model.js';

/** Wire schemas and mappers: core's camelCase objects become the contract's snake_case JSON here. */

const Time = Type.String({ format: 'date-time' });

/**
 * A string or null, as `type: ["string", "null"]` rather than `anyOf`: the serializer then needs no
 * validation pass to pick a branch, which matters on the hot path.
 */
const NullableString = (options: { format?: string } = {}) =>
  Type.Unsafe<string | null>({ type: ['string', 'null'], ...options });
const NullableTime = NullableString({ format: 'date-time' });

/** One of `values`, as a plain string enum (again, no `anyOf` for the serializer). */
const StringEnum = <T extends string>(values: readonly T[]) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values] });

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String(),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details with a stable `code`.' },
);

export const TokenSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    masked: Type.String(),
    scopes: Type.Array(Type.String()),
    status: StringEnum(['active', 'expired', 'revoked'] as const),
    created_at: Time,
    expires_at: NullableTime,
    last_used_at: NullableTime,
    last_used_ip: NullableString(),
    last_used_user_agent: NullableString(),
    revoked_at: NullableTime,
    created_via: StringEnum(['console', 'api', 'oauth'] as const),
    client_id: NullableString(),
    replaces: NullableString(),
    replaced_by: NullableString(),
  },
  { description: 'An access token; never its value.' },
);

export const IssuedTokenSchema = Type.Composite([
  TokenSchema,
  Type.Object({ token: Type.String({ description: 'The token value. Shown in this response only.' }) }),
]);

export const AccountSchema = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  created_at: Time,
});

export const AuditEventSchema = Type.Object({
  id: Type.String(),
  at: Time,
  action: Type.String(),
  actor: Type.Object({
    type: Type.String(),
    id: NullableString(),
    label: Type.Optional(Type.String()),
  }),
  target: Type.Union([Type.Object({ type: Type.String(), id: Type.String() }), Type.Null()]),
  ip: NullableString(),
  user_agent: NullableString(),
  details: Type.Record(Type.String(), Type.Unknown()),
});

export const ProjectSchema = Type.Object({ id: Type.String(), name: Type.String(), created_at: Time });

export const DeploymentSchema = Type.Object({
  id: Type.String(),
  project_id: Type.String(),
  environment: Type.String(),
  ref: NullableString(),
  status: Type.String(),
  created_at: Time,
});

/** A newest-first page of `item`. */
export const PageSchema = <T extends TSchema>(item: T) =>
  Type.Object({ data: Type.Array(item), next_cursor: NullableString() });

/** Query of every paged listing. `limit` is a string so that query parsing never coerces silently. */
export const PageQuery = {
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  limit: Type.Optional(Type.String({ pattern: '^(100|[1-9][0-9]?)$', description: '1 to 100; default 50' })),
};

/** The page size of a listing request. */
export function pageLimit(limit: string | undefined): number {
  return limit === undefined ? 50 : Number(limit);
}

// No control characters: PostgreSQL refuses NUL in text, and no id of ours contains one.
export const IdParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[^\\u0000-\\u001f\\u007f]+$' }),
});

const iso = (date: Date) => date.toISOString();
const isoOrNull = (date: Date | null) => (date === null ? null : date.toISOString());

/** A token as the contract's `Token` object, its status taken at `now`. */
export function tokenJson(token: AccessToken, now: Date) {
  return {
    id: token.id,
    name: token.name,
    masked: token.masked,
    scopes: token.scopes,
    status: tokenStatus(token, now),
    created_at: iso(token.createdAt),
    expires_at: isoOrNull(token.expiresAt),
    last_used_at: isoOrNull(token.lastUsedAt),
    last_used_ip: token.lastUsedIp,
    last_used_user_agent: token.lastUsedUserAgent,
    revoked_at: isoOrNull(token.revokedAt),
    created_via: token.createdVia,
    client_id: token.clientId,
    replaces: token.replaces,
    replaced_by: token.replacedBy,
  };
}

export function accountJson(account: Account) {
  return { id: account.id, email: account.email, name: account.name, created_at: iso(account.createdAt) };
}

export function auditEventJson(event: AuditEvent) {
  return {
    id: event.id,
    at: iso(event.at),
    action: event.action,
    actor: event.actor,
    target: event.target,
    ip: event.ip,
    user_agent: event.userAgent,
    details: event.details,
  };
}

export function projectJson(project: Project) {
  return { id: project.id, name: project.name, created_at: iso(project.createdAt) };
}

export function deploymentJson(deployment: Deployment) {
  return {
    id: deployment.id,
    project_id: deployment.projectId,
    environment: deployment.environment,
    ref: deployment.ref,
    status: deployment.status,
    created_at: iso(deployment.createdAt),
  };
}

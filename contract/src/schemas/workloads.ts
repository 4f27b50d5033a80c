import { type Static, Type } from '@sinclair/typebox';
import { MAX_ALLOWED_IPS } from './tokens.js';
import { NullableTime, Time } from './common.js';

/** RFC 8693 §2.1: the grant type of a token exchange. */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';

/** RFC 8693 §3: the type of the subject token a workload presents, an OIDC ID token. */
export const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';

/** RFC 8693 §3: the type of the token an exchange issues, an ordinary access token. */
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** Shortest and longest life of a token issued by an exchange, in seconds. */
export const MIN_WORKLOAD_TTL_SECONDS = 300;
export const MAX_WORKLOAD_TTL_SECONDS = 3600;

/** Most required claims a workload may name. */
export const MAX_WORKLOAD_CLAIMS = 20;

/** Issuers with a console preset: the claims their ID tokens carry (docs/workloads.md). */
export const WORKLOAD_ISSUER_PRESETS = {
  github: {
    label: 'GitHub Actions',
    issuer: 'https://token.actions.githubusercontent.com',
    subjectExample: 'repo:acme/api:ref:refs/heads/main',
    claims: ['repository', 'repository_owner', 'ref', 'environment', 'workflow'],
  },
  gitlab: {
    label: 'GitLab CI',
    issuer: 'https://gitlab.com',
    subjectExample: 'project_path:acme/api:ref_type:branch:ref:main',
    claims: ['project_path', 'namespace_path', 'ref', 'ref_type', 'environment'],
  },
} as const;

/**
 * A trusted workload: which OIDC ID tokens may be exchanged for a short-lived access token of the
 * account, and what that token may do.
 */
export const WorkloadSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    issuer: Type.String({ description: 'The OIDC issuer, `https://…`, found by discovery.' }),
    audience: Type.String({ description: 'The `aud` the ID token must carry.' }),
    subject: Type.String({
      description:
        'The `sub` the ID token must have; a segment `*` (between `:` or `/`) matches any one segment.',
    }),
    claims: Type.Record(Type.String(), Type.String(), {
      description: 'Further claims the ID token must carry with exactly these values.',
    }),
    scopes: Type.Array(Type.String()),
    allowed_ips: Type.Unsafe<string[] | null>({
      type: ['array', 'null'],
      items: { type: 'string' },
      description: 'Addresses or CIDRs the issued tokens may be used from; null: anywhere.',
    }),
    ttl_seconds: Type.Integer({ description: 'How long an issued token lives.' }),
    created_at: Time,
    last_exchanged_at: NullableTime,
  },
  { $id: 'Workload' },
);
export type Workload = Static<typeof WorkloadSchema>;

export const CreateWorkloadBody = Type.Object(
  {
    name: Type.String({ description: '1 to 100 characters after trimming; unique in the account.' }),
    issuer: Type.String({ maxLength: 2000, description: 'An `https://` URL with OIDC discovery.' }),
    audience: Type.String({ minLength: 1, maxLength: 200 }),
    subject: Type.String({ minLength: 1, maxLength: 400 }),
    claims: Type.Optional(
      Type.Record(Type.String({ minLength: 1, maxLength: 100 }), Type.String({ maxLength: 400 }), {
        maxProperties: MAX_WORKLOAD_CLAIMS,
      }),
    ),
    scopes: Type.Array(Type.String(), { minItems: 1, maxItems: 100 }),
    allowed_ips: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: MAX_ALLOWED_IPS })),
    ttl_seconds: Type.Integer({ minimum: MIN_WORKLOAD_TTL_SECONDS, maximum: MAX_WORKLOAD_TTL_SECONDS }),
  },
  { additionalProperties: false, $id: 'CreateWorkloadRequest' },
);
export type CreateWorkloadBody = Static<typeof CreateWorkloadBody>;

/**
 * What a job needs to ask its CI for an ID token before it has any credential: the public facts
 * of a workload, found by id or by name (`GET /oauth/workloads/{workload}`).
 */
export const WorkloadLookupSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    issuer: Type.String(),
    audience: Type.String(),
  },
  { $id: 'WorkloadLookup' },
);
export type WorkloadLookup = Static<typeof WorkloadLookupSchema>;

export const WorkloadLookupParams = Type.Object({
  workload: Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\u0000-\\u001f\\u007f]+$' }),
});

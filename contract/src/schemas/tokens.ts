import { type Static, Type } from '@sinclair/typebox';
import { MAX_REVOKE_OLD_AFTER_SECONDS, MAX_TOKEN_LIFETIME_DAYS } from '../token-rules.js';
import { NullableString, NullableTime, PageQuery, StringEnum, Time } from './common.js';

/** How a token came to be. */
export const TOKEN_ORIGINS = ['console', 'api', 'oauth', 'workload'] as const;
export type TokenOrigin = (typeof TOKEN_ORIGINS)[number];

/** Where a token stands. */
export const TOKEN_STATUSES = ['active', 'expired', 'revoked'] as const;
export type TokenStatus = (typeof TOKEN_STATUSES)[number];

/** Most addresses or CIDRs in `allowed_ips`, and most projects in `projects`. */
export const MAX_ALLOWED_IPS = 50;
export const MAX_RESTRICTED_PROJECTS = 100;

/** `rate_limit`: at most `requests` per `per_seconds`, across every server process. */
export const RateLimitSchema = Type.Object(
  {
    requests: Type.Integer({ minimum: 1, maximum: 100_000 }),
    per_seconds: Type.Integer({ minimum: 1, maximum: 86_400 }),
  },
  { additionalProperties: false, $id: 'TokenRateLimit' },
);
export type RateLimit = Static<typeof RateLimitSchema>;

/** A rate limit or null, as `type: ["object", "null"]` (no `anyOf` for the serializer). */
const NullableRateLimit = (description: string) =>
  Type.Unsafe<RateLimit | null>({
    type: ['object', 'null'],
    properties: {
      requests: { type: 'integer', minimum: 1, maximum: 100_000 },
      per_seconds: { type: 'integer', minimum: 1, maximum: 86_400 },
    },
    required: ['requests', 'per_seconds'],
    additionalProperties: false,
    description,
  });

/** A list of strings or null, as `type: ["array", "null"]`; a request's list is bounded. */
const NullableStrings = (description: string, bounds: { maxItems?: number; maxLength?: number } = {}) =>
  Type.Unsafe<string[] | null>({
    type: ['array', 'null'],
    items: { type: 'string', ...(bounds.maxLength === undefined ? {} : { maxLength: bounds.maxLength }) },
    ...(bounds.maxItems === undefined ? {} : { maxItems: bounds.maxItems }),
    description,
  });

/**
 * The restrictions a token may carry, set on creation and rotation. Null states "none of this
 * kind"; absent leaves the part to the server (docs/tokens.md, "Rotation and creation keep or
 * narrow"): the old token's on rotation, the calling token's on creation.
 */
const RestrictionFields = {
  allowed_ips: Type.Optional(
    NullableStrings(
      'IPv4/IPv6 addresses or CIDRs the token may be used from; null: anywhere; absent: as the old (rotation) or calling (creation) token.',
      { maxItems: MAX_ALLOWED_IPS, maxLength: 64 },
    ),
  ),
  rate_limit: Type.Optional(
    NullableRateLimit(
      'At most `requests` per `per_seconds`, across every server process; null: no limit; absent: as the old (rotation) or calling (creation) token.',
    ),
  ),
  projects: Type.Optional(
    NullableStrings(
      'Project ids the token may see and act on; null: every project; absent: as the old (rotation) or calling (creation) token.',
      { maxItems: MAX_RESTRICTED_PROJECTS, maxLength: 64 },
    ),
  ),
};

/** An access token; never its value. */
export const TokenSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    masked: Type.String({ description: '`skt_` + first 4 random characters + `…` + last 4.' }),
    scopes: Type.Array(Type.String()),
    status: StringEnum(TOKEN_STATUSES),
    created_at: Time,
    expires_at: NullableTime,
    last_used_at: NullableTime,
    last_used_ip: NullableString(),
    last_used_user_agent: NullableString(),
    revoked_at: NullableTime,
    created_via: StringEnum(TOKEN_ORIGINS),
    client_id: NullableString({ description: 'The OAuth client the token was issued to.' }),
    workload_id: NullableString({ description: 'The trusted workload whose token exchange issued it.' }),
    replaces: NullableString({ description: 'The token this one replaced by rotation.' }),
    replaced_by: NullableString({ description: 'The token that replaced this one by rotation.' }),
    revoke_on_first_use_of: NullableString({
      description:
        'Set on a token rotated with `revoke_old_on_first_use`: the replacement whose first successful use revokes this one.',
    }),
    allowed_ips: NullableStrings('IPv4/IPv6 addresses or CIDRs the token may be used from; null: anywhere.'),
    rate_limit: NullableRateLimit(
      'At most `requests` per `per_seconds`, across every server process; null for none.',
    ),
    projects: NullableStrings('Project ids the token may see and act on; null: every project.'),
  },
  { $id: 'Token', description: 'An access token; never its value.' },
);
export type Token = Static<typeof TokenSchema>;

/** A token with its value: the response that creates it, and only that one. */
export const IssuedTokenSchema = Type.Composite(
  [
    TokenSchema,
    Type.Object({ token: Type.String({ description: 'The token value. Shown in this response only.' }) }),
  ],
  { $id: 'IssuedToken' },
);
export type IssuedToken = Static<typeof IssuedTokenSchema>;

/** The three ways to state an expiration; exactly one is given on creation. */
const ExpirationFields = {
  expires_in_days: Type.Optional(
    Type.Integer({ description: `1 to ${MAX_TOKEN_LIFETIME_DAYS} days from now.` }),
  ),
  expires_at: Type.Optional(
    Type.String({ description: `RFC 3339, in the future, at most ${MAX_TOKEN_LIFETIME_DAYS} days ahead.` }),
  ),
  expires: Type.Optional(Type.Literal('never', { description: 'No expiration.' })),
};

/** How long a new token lives: days, an exact instant, or never. */
export type Expiration = { expires_in_days: number } | { expires_at: string } | { expires: 'never' };

export const CreateTokenBody = Type.Object(
  {
    name: Type.String({ description: '1 to 100 characters after trimming; unique among active tokens.' }),
    scopes: Type.Array(Type.String(), { maxItems: 100 }),
    ...ExpirationFields,
    ...RestrictionFields,
  },
  { additionalProperties: false, $id: 'CreateTokenRequest' },
);
export type CreateTokenBody = Static<typeof CreateTokenBody>;

export const RotateTokenBody = Type.Object(
  {
    name: Type.Optional(Type.String()),
    scopes: Type.Optional(Type.Array(Type.String(), { maxItems: 100 })),
    ...ExpirationFields,
    revoke_old_after_seconds: Type.Optional(
      Type.Integer({ description: `0 to ${MAX_REVOKE_OLD_AFTER_SECONDS}; absent keeps the old token.` }),
    ),
    revoke_old_on_first_use: Type.Optional(
      Type.Boolean({
        description:
          "The old token is revoked at the replacement's first successful use (not with revoke_old_after_seconds).",
      }),
    ),
    ...RestrictionFields,
  },
  { additionalProperties: false, $id: 'RotateTokenRequest' },
);
export type RotateTokenBody = Static<typeof RotateTokenBody>;

export const TokenListQuery = Type.Object(
  { status: Type.Optional(StringEnum([...TOKEN_STATUSES, 'all'] as const)), ...PageQuery },
  { additionalProperties: false },
);
export type TokenListQuery = Static<typeof TokenListQuery>;

/** One entry of `GET /v1/scopes`. */
export const ScopeInfoSchema = Type.Object(
  { name: Type.String(), description: Type.String() },
  { $id: 'ScopeInfo' },
);
export type ScopeInfo = Static<typeof ScopeInfoSchema>;

export const ScopeListSchema = Type.Object({ data: Type.Array(ScopeInfoSchema) });

export const TokenUsageQuery = Type.Object(
  {
    days: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 90, description: 'The window, in days; default 30.' }),
    ),
  },
  { additionalProperties: false },
);
export type TokenUsageQuery = Static<typeof TokenUsageQuery>;

/** What a token actually did in the last `window_days` days, from recorded use. */
export const TokenUsageSchema = Type.Object(
  {
    window_days: Type.Integer(),
    requests: Type.Integer({ description: 'Successful requests in the window.' }),
    scopes_used: Type.Array(Type.String(), { description: 'The scopes those requests exercised.' }),
    unused_scopes: Type.Array(Type.String(), { description: 'Scopes the token holds but never exercised.' }),
    suggested_scopes: Type.Array(Type.String(), {
      description: 'The narrowest set that would have served every request (a write covers its read).',
    }),
    ips: Type.Array(Type.Object({ ip: Type.String(), requests: Type.Integer(), last_at: Time }), {
      description: 'Where the requests came from, most requests first.',
    }),
  },
  { $id: 'TokenUsage' },
);
export type TokenUsage = Static<typeof TokenUsageSchema>;

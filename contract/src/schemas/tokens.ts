import { type Static, Type } from '@sinclair/typebox';
import { MAX_REVOKE_OLD_AFTER_SECONDS, MAX_TOKEN_LIFETIME_DAYS } from '../token-rules.js';
import { NullableString, NullableTime, PageQuery, StringEnum, Time } from './common.js';

/** How a token came to be. */
export const TOKEN_ORIGINS = ['console', 'api', 'oauth'] as const;
export type TokenOrigin = (typeof TOKEN_ORIGINS)[number];

/** Where a token stands. */
export const TOKEN_STATUSES = ['active', 'expired', 'revoked'] as const;
export type TokenStatus = (typeof TOKEN_STATUSES)[number];

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
    replaces: NullableString({ description: 'The token this one replaced by rotation.' }),
    replaced_by: NullableString({ description: 'The token that replaced this one by rotation.' }),
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

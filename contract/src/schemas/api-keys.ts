import { type Static, Type } from '@sinclair/typebox';
import { NullableString, NullableTime, PageQuery, StringEnum, Time } from './common.js';

/** The longest grace a rolled API key may keep working: 7 days. */
export const MAX_API_KEY_GRACE_SECONDS = 604_800;

/** Where an API key stands: a rolled key is `active` until its grace ends, then `expired`. */
export const API_KEY_STATUSES = ['active', 'expired', 'revoked'] as const;
export type ApiKeyStatus = (typeof API_KEY_STATUSES)[number];

/** A legacy API key (`sk_live_…`); never its value. */
export const ApiKeySchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    masked: Type.String({ description: '`sk_live_` + first 4 random characters + `…` + last 4.' }),
    status: StringEnum(API_KEY_STATUSES),
    created_at: Time,
    expires_at: NullableTime,
    last_used_at: NullableTime,
    last_used_ip: NullableString(),
    revoked_at: NullableTime,
    replaces: NullableString({ description: 'The key this one replaced by a roll.' }),
    replaced_by: NullableString({ description: 'The key that replaced this one by a roll.' }),
  },
  {
    $id: 'ApiKey',
    description:
      'An API key; never its value. `expires_at` is set when the key was rolled with a grace period: it stops then.',
  },
);
export type ApiKey = Static<typeof ApiKeySchema>;

/** An API key with its value: the response that creates it, and only that one. */
export const IssuedApiKeySchema = Type.Composite(
  [
    ApiKeySchema,
    Type.Object({ key: Type.String({ description: 'The key value. Shown in this response only.' }) }),
  ],
  { $id: 'IssuedApiKey' },
);
export type IssuedApiKey = Static<typeof IssuedApiKeySchema>;

export const CreateApiKeyBody = Type.Object(
  { name: Type.String({ description: '1 to 100 characters after trimming, no control characters.' }) },
  { additionalProperties: false, $id: 'CreateApiKeyRequest' },
);
export type CreateApiKeyBody = Static<typeof CreateApiKeyBody>;

export const RollApiKeyBody = Type.Object(
  {
    grace_seconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_API_KEY_GRACE_SECONDS,
        description: 'How long the old key keeps working; default 0 (it stops at once).',
      }),
    ),
  },
  { additionalProperties: false, $id: 'RollApiKeyRequest' },
);
export type RollApiKeyBody = Static<typeof RollApiKeyBody>;

export const ApiKeyListQuery = Type.Object(
  { status: Type.Optional(StringEnum([...API_KEY_STATUSES, 'all'] as const)), ...PageQuery },
  { additionalProperties: false },
);
export type ApiKeyListQuery = Static<typeof ApiKeyListQuery>;

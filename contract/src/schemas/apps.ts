import { type Static, Type } from '@sinclair/typebox';
import { StringEnum, Time } from './common.js';
import { TokenSchema } from './tokens.js';

/** `confidential` apps authenticate with a secret; `public` ones (native, single-page) use PKCE alone. */
export const APP_TYPES = ['confidential', 'public'] as const;
export type AppType = (typeof APP_TYPES)[number];

/** An OAuth application registered by the account. */
export const AppSchema = Type.Object(
  {
    client_id: Type.String(),
    name: Type.String(),
    type: StringEnum(APP_TYPES),
    redirect_uris: Type.Array(Type.String()),
    created_at: Time,
    updated_at: Time,
  },
  { $id: 'App' },
);
export type App = Static<typeof AppSchema>;

/** An application with its client secret: the responses that register it or rotate its secret, and only those. */
export const AppWithSecretSchema = Type.Composite(
  [
    AppSchema,
    Type.Object({
      client_secret: Type.Unsafe<string | null>({
        type: ['string', 'null'],
        description: 'Shown in this response only; null for a public application.',
      }),
    }),
  ],
  { $id: 'AppWithSecret' },
);
export type AppWithSecret = Static<typeof AppWithSecretSchema>;

export const RegisterAppBody = Type.Object(
  {
    name: Type.String({ maxLength: 1000 }),
    redirect_uris: Type.Array(Type.String({ maxLength: 2000 }), { maxItems: 20 }),
    type: Type.Optional(StringEnum(APP_TYPES, { description: 'Default `confidential`.' })),
  },
  { additionalProperties: false, $id: 'RegisterAppRequest' },
);
export type RegisterAppBody = Static<typeof RegisterAppBody>;

export const UpdateAppBody = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 1000 })),
    redirect_uris: Type.Optional(Type.Array(Type.String({ maxLength: 2000 }), { maxItems: 20 })),
  },
  { additionalProperties: false, $id: 'UpdateAppRequest' },
);
export type UpdateAppBody = Static<typeof UpdateAppBody>;

export const AppListSchema = Type.Object({ data: Type.Array(AppSchema) });

/** An application holding tokens of the account. */
export const AuthorizedAppSchema = Type.Object(
  {
    client_id: Type.String(),
    name: Type.String(),
    official: Type.Boolean({ description: 'Made by Skytells (the CLI), not registered by a developer.' }),
    tokens: Type.Array(TokenSchema),
  },
  { $id: 'AuthorizedApp' },
);
export type AuthorizedApp = Static<typeof AuthorizedAppSchema>;

export const AuthorizedAppListSchema = Type.Object({ data: Type.Array(AuthorizedAppSchema) });

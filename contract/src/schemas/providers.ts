import { type Static, Type } from '@sinclair/typebox';
import { NullableString, StringEnum, Time } from './common.js';

/** Model providers an account can bring its own key for (BYOK). */
export const PROVIDERS = ['openai', 'anthropic', 'openai_compatible'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** True when `name` is a provider. */
export function isProviderName(name: string): name is ProviderName {
  return (PROVIDERS as readonly string[]).includes(name);
}

/** The outcome of testing a key against its provider (a models call) when it is saved. */
export const ProviderKeyTestSchema = Type.Object(
  {
    ok: Type.Boolean(),
    detail: Type.String({ description: 'What the provider said, in words.' }),
  },
  { $id: 'ProviderKeyTest' },
);
export type ProviderKeyTest = Static<typeof ProviderKeyTestSchema>;

/** A saved provider key: which provider, masked; the key itself is never returned. */
export const ProviderSchema = Type.Object(
  {
    provider: StringEnum(PROVIDERS),
    masked: Type.String({ description: 'At most the last 4 characters of the key, e.g. `…3xYz`.' }),
    base_url: NullableString({ description: 'The API base URL (`openai_compatible` only).' }),
    created_at: Time,
    updated_at: Time,
    test: Type.Optional(ProviderKeyTestSchema),
  },
  { $id: 'Provider', description: 'A provider key saved by the account; never the key.' },
);
export type Provider = Static<typeof ProviderSchema>;

export const ProviderListSchema = Type.Object({ data: Type.Array(ProviderSchema) }, { $id: 'ProviderList' });
export type ProviderList = Static<typeof ProviderListSchema>;

export const ProviderParams = Type.Object({ provider: StringEnum(PROVIDERS) });
export type ProviderParams = Static<typeof ProviderParams>;

export const SaveProviderBody = Type.Object(
  {
    api_key: Type.String({ minLength: 1, maxLength: 1000, description: "The provider's API key." }),
    base_url: Type.Optional(
      Type.String({
        maxLength: 500,
        description: 'http(s) URL of an OpenAI-compatible API (`openai_compatible` only).',
      }),
    ),
    test: Type.Optional(
      Type.Boolean({
        description: 'Try the key against the provider (a models call) and report the result.',
      }),
    ),
  },
  { additionalProperties: false, $id: 'SaveProviderRequest' },
);
export type SaveProviderBody = Static<typeof SaveProviderBody>;

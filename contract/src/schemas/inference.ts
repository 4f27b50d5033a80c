import { type Static, Type } from '@sinclair/typebox';
import { NullableString, StringEnum } from './common.js';
import { PROVIDERS } from './providers.js';

/** One message of a chat, in OpenAI's shape; `content` is text or an array of content parts. */
export const ChatMessageSchema = Type.Object(
  {
    role: StringEnum(['system', 'developer', 'user', 'assistant', 'tool'] as const),
    content: Type.Unsafe<string | unknown[] | null>({ type: ['string', 'array', 'null'] }),
  },
  { additionalProperties: true },
);
export type ChatMessage = Static<typeof ChatMessageSchema>;

/**
 * An OpenAI-compatible chat completion request. `model` names the provider and its model,
 * `<provider>/<model>`; other OpenAI parameters are passed on to the provider.
 */
export const ChatCompletionBody = Type.Object(
  {
    model: Type.String({
      pattern: `^(${PROVIDERS.join('|')})/.+$`,
      maxLength: 200,
      description: '`<provider>/<model>`, e.g. `openai/gpt-4o-mini` or `anthropic/claude-3-5-haiku-latest`.',
    }),
    messages: Type.Array(ChatMessageSchema, { minItems: 1 }),
    stream: Type.Optional(Type.Boolean()),
    max_tokens: Type.Optional(Type.Integer({ minimum: 1 })),
    temperature: Type.Optional(Type.Number({ minimum: 0, maximum: 2 })),
  },
  { additionalProperties: true, $id: 'ChatCompletionRequest' },
);
export type ChatCompletionBody = Static<typeof ChatCompletionBody>;

/** Token counts of one completion. */
export const CompletionUsageSchema = Type.Object({
  prompt_tokens: Type.Integer(),
  completion_tokens: Type.Integer(),
  total_tokens: Type.Integer(),
});

/** An OpenAI-shaped chat completion (non-streaming); providers' extra fields are passed through. */
export const ChatCompletionSchema = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('chat.completion'),
    created: Type.Integer(),
    model: Type.String(),
    choices: Type.Array(
      Type.Object(
        {
          index: Type.Integer(),
          message: Type.Object(
            { role: Type.Literal('assistant'), content: NullableString() },
            { additionalProperties: true },
          ),
          finish_reason: NullableString(),
        },
        { additionalProperties: true },
      ),
    ),
    usage: Type.Optional(CompletionUsageSchema),
  },
  { additionalProperties: true, $id: 'ChatCompletion' },
);
export type ChatCompletion = Static<typeof ChatCompletionSchema>;

/** Inference usage, counted per provider and per credential. */
export const InferenceUsageSchema = Type.Object({
  requests: Type.Integer(),
  prompt_tokens: Type.Integer(),
  completion_tokens: Type.Integer(),
});
export type InferenceUsage = Static<typeof InferenceUsageSchema>;

export const InferenceUsageByProviderSchema = Type.Composite([
  Type.Object({ provider: StringEnum(PROVIDERS) }),
  InferenceUsageSchema,
]);

export const InferenceUsageByKeySchema = Type.Composite([
  Type.Object({
    api_key_id: NullableString({ description: 'The API key; null for calls made with access tokens.' }),
    name: NullableString(),
    masked: NullableString(),
  }),
  InferenceUsageSchema,
]);

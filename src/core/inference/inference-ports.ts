import type { ProviderName } from '@skytells/contract';

export type { ProviderName };

/** A provider key the account saved, decrypted for one call. */
export interface ProviderCredential {
  /** The provider's API key. Never logged, never echoed. */
  apiKey: string;
  /** The API base URL saved with the key (`openai_compatible`), or null for the configured one. */
  baseUrl: string | null;
}

/** The account's own provider keys, as the gateway reads them. */
export interface ProviderCredentials {
  /**
   * The key the account saved for `provider`, if any.
   * @throws ApiError `provider_key_unreadable` when the stored key cannot be decrypted.
   */
  find(accountId: string, provider: ProviderName): Promise<ProviderCredential | undefined>;
}

/** A JSON object as it crosses to or from a provider; the gateway reads a few fields and keeps the rest. */
export type JsonObject = Record<string, unknown>;

/** Tokens one completion used, as the provider reported them. */
export interface TokenCounts {
  promptTokens: number;
  completionTokens: number;
}

/** One chat completion to send to a provider. */
export interface ChatCall {
  credential: ProviderCredential;
  /** The provider's own model name: the part of `<provider>/<model>` after the slash. */
  model: string;
  /** The OpenAI-shaped request as the client sent it; `model` already rewritten. */
  body: JsonObject;
  /** Aborted when the client goes away: the provider call is abandoned with it. */
  signal: AbortSignal;
}

/**
 * What a provider answered, in OpenAI's shapes: a whole `chat.completion`, or `chat.completion.chunk`
 * objects as they arrive. A streamed answer ends with a chunk carrying `usage` (and no choices) when
 * the provider reports usage.
 */
export type ChatAnswer =
  { kind: 'completion'; completion: JsonObject } | { kind: 'stream'; chunks: AsyncIterable<JsonObject> };

/** A model provider reached over its own API, speaking OpenAI's chat completion shapes to the gateway. */
export interface ChatProvider {
  /**
   * Sends `call` and resolves once the provider's answer has started.
   * @throws ApiError `provider_unauthorized` (the key was refused), `provider_error` (any other
   * failure, or an answer that is no chat completion), `provider_timeout` (no answer started in
   * time), `bad_request` (the provider refused the request itself: unknown model, bad parameter).
   */
  complete(call: ChatCall): Promise<ChatAnswer>;
}

/** Counts of inference added together: one row per account, provider and API key. */
export interface InferenceUsageDelta {
  accountId: string;
  provider: ProviderName;
  /** The API key that made the calls; null for access tokens and console sessions. */
  apiKeyId: string | null;
  requests: number;
  promptTokens: number;
  completionTokens: number;
}

/** Requests and tokens of one provider or one credential. */
export interface InferenceTotals {
  requests: number;
  promptTokens: number;
  completionTokens: number;
}

/** An account's inference usage, as billing reports it. */
export interface InferenceUsage {
  byProvider: (InferenceTotals & { provider: ProviderName })[];
  byApiKey: (InferenceTotals & { apiKeyId: string | null; name: string | null; masked: string | null })[];
}

/** Inference usage counters. */
export interface InferenceUsageStore {
  /** Adds every delta to its counters, creating the missing ones, in one batch. */
  add(deltas: readonly InferenceUsageDelta[]): Promise<void>;
  /** The account's counters per provider and per API key (with the key's name and mask when it exists). */
  usage(accountId: string): Promise<InferenceUsage>;
}

import type { ProviderName } from '@skytells/contract';

/** What trying a key against its provider found. */
export interface ProviderKeyTestResult {
  /** Whether the provider accepted the key. */
  ok: boolean;
  /** What the provider said, in words, e.g. "OpenAI accepted the key (12 models)." */
  detail: string;
}

/** Tries a provider key with a cheap call (listing the models), in bounded time. */
export interface ProviderKeyTester {
  /** Never throws: a refusal, an error or a time-out is a result with `ok: false`. */
  test(request: { provider: ProviderName; apiKey: string; baseUrl: string }): Promise<ProviderKeyTestResult>;
}

import { isProviderName } from '@skytells/contract';
import { ApiError, invalidField } from '../errors.js';
import type {
  ChatAnswer,
  ChatProvider,
  JsonObject,
  ProviderCredentials,
  ProviderName,
  TokenCounts,
} from './inference-ports.js';
import type { InferenceCaller, InferenceUsageRecorder } from './inference-usage-recorder.js';

/** Dependencies of {@link InferenceGateway}. */
export interface InferenceGatewayDeps {
  credentials: ProviderCredentials;
  /** The adapter of each provider. */
  providers: Readonly<Record<ProviderName, ChatProvider>>;
  usage: InferenceUsageRecorder;
}

/** `<provider>/<model>` split at its first slash. */
export function parseModelName(name: unknown): { provider: ProviderName; model: string } {
  if (typeof name !== 'string') throw invalidField('model', 'must be "<provider>/<model>"');
  const slash = name.indexOf('/');
  const provider = slash < 0 ? '' : name.slice(0, slash);
  const model = name.slice(slash + 1);
  if (!isProviderName(provider) || model === '') {
    throw invalidField(
      'model',
      'must be "<provider>/<model>", provider one of openai, anthropic, openai_compatible',
    );
  }
  return { provider, model };
}

/** The token counts of an OpenAI `usage` object, if it has them. */
function tokensOf(usage: unknown): TokenCounts | undefined {
  if (typeof usage !== 'object' || usage === null) return undefined;
  const { prompt_tokens: prompt, completion_tokens: completion } = usage as JsonObject;
  if (typeof prompt !== 'number' || typeof completion !== 'number') return undefined;
  return { promptTokens: prompt, completionTokens: completion };
}

/**
 * The model-inference gateway: an OpenAI-shaped chat completion, sent to the provider `model` names
 * with the account's own key, answered in OpenAI's shapes; every call that reaches a provider is
 * counted per account, provider and API key (docs/inference.md).
 */
export class InferenceGateway {
  readonly #deps: InferenceGatewayDeps;

  constructor(deps: InferenceGatewayDeps) {
    this.#deps = deps;
  }

  /**
   * Sends `body` (an OpenAI chat completion request, `model` being `<provider>/<model>`) to its
   * provider for `caller`. The answer's `model` reads `<provider>/<the provider's model>`. A stream's
   * usage chunk reaches the client only when it asked for one (`stream_options.include_usage`).
   * @param signal aborted when the client goes away; the provider call is abandoned with it.
   * @throws ApiError `validation_failed` (model), `provider_not_configured`, `provider_key_unreadable`,
   * and the errors of {@link ChatProvider.complete}.
   */
  async complete(caller: InferenceCaller, body: JsonObject, signal: AbortSignal): Promise<ChatAnswer> {
    const { provider, model } = parseModelName(body['model']);
    const credential = await this.#deps.credentials.find(caller.accountId, provider);
    if (credential === undefined) {
      throw new ApiError('provider_not_configured', {
        detail: `No key is saved for "${provider}". Save one first (docs/inference.md).`,
      });
    }
    const answer = await this.#deps.providers[provider].complete({
      credential,
      model,
      body: { ...body, model },
      signal,
    });
    const named = (upstream: unknown) => `${provider}/${typeof upstream === 'string' ? upstream : model}`;
    if (answer.kind === 'completion') {
      const { completion } = answer;
      this.#deps.usage.record(caller, provider, { requests: 1, ...tokensOf(completion['usage']) });
      return { kind: 'completion', completion: { ...completion, model: named(completion['model']) } };
    }
    this.#deps.usage.record(caller, provider, { requests: 1 });
    const options = body['stream_options'];
    const wantsUsage =
      typeof options === 'object' && options !== null && (options as JsonObject)['include_usage'] === true;
    return { kind: 'stream', chunks: this.#relay(answer.chunks, { caller, provider, named, wantsUsage }) };
  }

  /** The provider's chunks with `model` renamed, counting the usage chunk and keeping it only if asked for. */
  async *#relay(
    chunks: AsyncIterable<JsonObject>,
    options: {
      caller: InferenceCaller;
      provider: ProviderName;
      named: (upstream: unknown) => string;
      wantsUsage: boolean;
    },
  ): AsyncGenerator<JsonObject> {
    let tokens: TokenCounts | undefined;
    // An error event has no `model` to rename.
    const renamed = (chunk: JsonObject) =>
      'model' in chunk ? { ...chunk, model: options.named(chunk['model']) } : chunk;
    try {
      for await (const chunk of chunks) {
        tokens = tokensOf(chunk['usage']) ?? tokens;
        if (options.wantsUsage) {
          yield renamed(chunk);
          continue;
        }
        const choices = chunk['choices'];
        if (Array.isArray(choices) && choices.length === 0 && 'usage' in chunk) continue;
        // Asked for on the client's behalf: the chunks of a stream that did not ask carry no `usage`.
        const { usage: _usage, ...rest } = chunk;
        yield renamed(rest);
      }
    } finally {
      // Counted even when the client left early: the provider billed what it produced.
      if (tokens !== undefined) this.#deps.usage.record(options.caller, options.provider, tokens);
    }
  }
}

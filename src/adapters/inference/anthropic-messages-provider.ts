import type { Clock } from '../../core/clock.js';
import { ApiError } from '../../core/errors.js';
import type { ChatAnswer, ChatCall, ChatProvider, JsonObject } from '../../core/inference/inference-ports.js';
import {
  AnthropicStreamTranslator,
  fromAnthropicMessage,
  toAnthropicRequest,
} from './anthropic-translation.js';
import { isChatCompletion } from './is-chat-completion.js';
import { eventJson, serverSentEvents } from './server-sent-events.js';
import { jsonOf, postUpstream } from './post-upstream.js';

/** The Messages API version the translation is written against. */
export const ANTHROPIC_VERSION = '2023-06-01';

/** Options of {@link AnthropicMessagesProvider}. */
export interface AnthropicMessagesProviderOptions {
  /** The API base URL (`SKYTELLS_ANTHROPIC_BASE_URL`); requests go to `<base>/v1/messages`. */
  baseUrl: string;
  /** How long the provider has to start answering. */
  timeoutMs: number;
  /** Stamps `created` on translated answers. */
  clock: Clock;
}

/** Anthropic's Messages API behind OpenAI's Chat Completions shapes (see anthropic-translation.ts). */
export class AnthropicMessagesProvider implements ChatProvider {
  readonly #options: AnthropicMessagesProviderOptions;

  constructor(options: AnthropicMessagesProviderOptions) {
    this.#options = options;
  }

  async complete(call: ChatCall): Promise<ChatAnswer> {
    const base = (call.credential.baseUrl ?? this.#options.baseUrl).replace(/\/+$/, '');
    const response = await postUpstream({
      provider: 'anthropic',
      url: `${base}/v1/messages`,
      headers: {
        'x-api-key': call.credential.apiKey,
        'anthropic-version': ANTHROPIC_VERSION,
        accept: call.body['stream'] === true ? 'text/event-stream' : 'application/json',
      },
      body: toAnthropicRequest(call.body, call.model),
      signal: call.signal,
      timeoutMs: this.#options.timeoutMs,
      secret: call.credential.apiKey,
    });
    const created = Math.floor(this.#options.clock.now().getTime() / 1000);
    if (call.body['stream'] === true && response.body !== null) {
      return { kind: 'stream', chunks: this.#chunks(response.body, created) };
    }
    const completion = fromAnthropicMessage(await jsonOf(response, 'anthropic'), created);
    if (!isChatCompletion(completion)) {
      throw new ApiError('provider_error', { detail: 'anthropic answered something other than a message.' });
    }
    return { kind: 'completion', completion };
  }

  async *#chunks(body: ReadableStream<Uint8Array>, created: number): AsyncGenerator<JsonObject> {
    const translator = new AnthropicStreamTranslator(created);
    for await (const event of serverSentEvents(body, 'anthropic')) {
      const data = eventJson(event, 'anthropic');
      const type = event.event === 'message' && typeof data['type'] === 'string' ? data['type'] : event.event;
      yield* translator.translate(type, data);
      if (type === 'message_stop' || type === 'error') return;
    }
  }
}

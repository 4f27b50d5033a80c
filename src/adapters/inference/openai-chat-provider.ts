import { ApiError } from '../../core/errors.js';
import type { ChatAnswer, ChatCall, ChatProvider, JsonObject } from '../../core/inference/inference-ports.js';
import { isChatCompletion } from './is-chat-completion.js';
import { eventJson, serverSentEvents } from './server-sent-events.js';
import { jsonOf, postUpstream } from './post-upstream.js';

/** Options of {@link OpenAiChatProvider}. */
export interface OpenAiChatProviderOptions {
  /** The provider's name, for messages: `openai` or `openai_compatible`. */
  name: string;
  /** The API base URL when the saved key has none (`SKYTELLS_OPENAI_BASE_URL`). */
  baseUrl?: string;
  /** How long the provider has to start answering. */
  timeoutMs: number;
}

/** `<base>/chat/completions`, whether or not the base ends in a slash. */
export function chatCompletionsUrl(base: string): string {
  return `${base.replace(/\/+$/, '')}/chat/completions`;
}

/**
 * OpenAI's Chat Completions API, and any server that speaks it (`openai_compatible`): the request is
 * forwarded as the client sent it, unknown parameters included, and the answer comes back as the
 * provider sent it. A stream asks for usage (`stream_options.include_usage`) so that it can be counted.
 */
export class OpenAiChatProvider implements ChatProvider {
  readonly #options: OpenAiChatProviderOptions;

  constructor(options: OpenAiChatProviderOptions) {
    this.#options = options;
  }

  async complete(call: ChatCall): Promise<ChatAnswer> {
    const { name } = this.#options;
    const base = call.credential.baseUrl ?? this.#options.baseUrl;
    if (base === undefined) {
      throw new ApiError('provider_not_configured', {
        detail: `The key saved for "${name}" has no base URL. Save it again with one.`,
      });
    }
    const stream = call.body['stream'] === true;
    const options = call.body['stream_options'];
    const body = stream
      ? {
          ...call.body,
          stream_options: { ...(typeof options === 'object' ? options : {}), include_usage: true },
        }
      : call.body;
    const response = await postUpstream({
      provider: name,
      url: chatCompletionsUrl(base),
      headers: {
        authorization: `Bearer ${call.credential.apiKey}`,
        accept: stream ? 'text/event-stream' : 'application/json',
      },
      body,
      signal: call.signal,
      timeoutMs: this.#options.timeoutMs,
      secret: call.credential.apiKey,
    });
    if (stream && response.body !== null) {
      return { kind: 'stream', chunks: this.#chunks(response.body) };
    }
    const completion = await jsonOf(response, name);
    if (!isChatCompletion(completion)) {
      throw new ApiError('provider_error', {
        detail: `${name} answered something other than a chat completion.`,
      });
    }
    return { kind: 'completion', completion };
  }

  /** The `chat.completion.chunk` objects of an OpenAI stream, up to `data: [DONE]`. */
  async *#chunks(body: ReadableStream<Uint8Array>): AsyncGenerator<JsonObject> {
    const { name } = this.#options;
    for await (const event of serverSentEvents(body, name)) {
      if (event.data === '[DONE]') return;
      yield eventJson(event, name);
    }
  }
}

/**
 * OpenAI Chat Completions ⇄ Anthropic Messages: the request on the way out, the answer (whole or
 * streamed) on the way back. Text and images travel; tools are not translated (docs/inference.md).
 */
import { invalidField } from '../../core/errors.js';
import type { JsonObject } from '../../core/inference/inference-ports.js';

/** Anthropic requires `max_tokens`; this is used when the client sets none. */
export const DEFAULT_MAX_TOKENS = 4096;

/** Anthropic's `stop_reason` as OpenAI's `finish_reason`. */
export function finishReasonOf(stopReason: unknown): string | null {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn':
      return 'stop';
    case 'max_tokens':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return null;
  }
}

type Block = JsonObject;

/** The text of a message's content: a string, or the text of its `text` parts. */
function textOf(content: unknown, field: string): string {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (!Array.isArray(content)) throw invalidField(field, 'must be a string or an array of content parts');
  return content
    .map((part: unknown, i) => {
      const { type, text } = (part ?? {}) as JsonObject;
      if (type !== 'text' || typeof text !== 'string') {
        throw invalidField(`${field}.${i}`, 'only text parts are accepted in a system message');
      }
      return text;
    })
    .join('\n');
}

/** An OpenAI `image_url` part as an Anthropic image block: a data URL inline, any other URL by reference. */
function imageBlock(part: JsonObject, field: string): Block {
  const image = part['image_url'];
  const url = typeof image === 'string' ? image : (image as JsonObject | undefined)?.['url'];
  if (typeof url !== 'string') throw invalidField(field, 'image_url.url must be a string');
  const data = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (data !== null) return { type: 'image', source: { type: 'base64', media_type: data[1], data: data[2] } };
  return { type: 'image', source: { type: 'url', url } };
}

/** A user or assistant message's content as Anthropic content blocks. */
function blocksOf(content: unknown, field: string): Block[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (content === null || content === undefined) return [];
  if (!Array.isArray(content)) throw invalidField(field, 'must be a string or an array of content parts');
  return content.map((part: unknown, i) => {
    const object = (part ?? {}) as JsonObject;
    if (object['type'] === 'text' && typeof object['text'] === 'string') {
      return { type: 'text', text: object['text'] };
    }
    if (object['type'] === 'image_url') return imageBlock(object, `${field}.${i}`);
    throw invalidField(`${field}.${i}`, 'only text and image_url parts reach anthropic models');
  });
}

/**
 * The Anthropic Messages request for an OpenAI chat completion request: system and developer
 * messages become `system`, consecutive messages of one role are merged (Anthropic alternates user
 * and assistant), `stop` becomes `stop_sequences`, `max_tokens` defaults to {@link DEFAULT_MAX_TOKENS}.
 * @throws ApiError `validation_failed` for a `tool` message or a content part other than text and images.
 */
export function toAnthropicRequest(body: JsonObject, model: string): JsonObject {
  const system: string[] = [];
  const messages: { role: 'user' | 'assistant'; content: Block[] }[] = [];
  const input = Array.isArray(body['messages']) ? (body['messages'] as JsonObject[]) : [];
  input.forEach((message, i) => {
    const field = `messages.${i}.content`;
    const role = message['role'];
    if (role === 'system' || role === 'developer') {
      system.push(textOf(message['content'], field));
      return;
    }
    if (role !== 'user' && role !== 'assistant') {
      throw invalidField(`messages.${i}.role`, `"${String(role)}" messages do not reach anthropic models`);
    }
    const content = blocksOf(message['content'], field);
    const last = messages.at(-1);
    if (last?.role === role) last.content.push(...content);
    else messages.push({ role, content });
  });
  const maxTokens = body['max_tokens'] ?? body['max_completion_tokens'] ?? DEFAULT_MAX_TOKENS;
  const stop = body['stop'];
  const user = body['user'];
  return {
    model,
    max_tokens: maxTokens,
    ...(system.length === 0 ? {} : { system: system.join('\n\n') }),
    messages,
    ...(body['temperature'] === undefined ? {} : { temperature: body['temperature'] }),
    ...(body['top_p'] === undefined ? {} : { top_p: body['top_p'] }),
    ...(stop === undefined || stop === null ? {} : { stop_sequences: Array.isArray(stop) ? stop : [stop] }),
    ...(body['stream'] === true ? { stream: true } : {}),
    ...(typeof user === 'string' ? { metadata: { user_id: user } } : {}),
  };
}

/** Anthropic's input tokens, cache reads and writes included: what OpenAI calls the prompt. */
export function promptTokensOf(usage: unknown): number {
  const u = (usage ?? {}) as JsonObject;
  const count = (value: unknown) => (typeof value === 'number' ? value : 0);
  return (
    count(u['input_tokens']) + count(u['cache_creation_input_tokens']) + count(u['cache_read_input_tokens'])
  );
}

/** An OpenAI `usage` object. */
export function openAiUsage(promptTokens: number, completionTokens: number): JsonObject {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

/**
 * The OpenAI `chat.completion` for an Anthropic message: its text blocks joined as the content,
 * `tool_use` blocks as `tool_calls`, `stop_reason` as `finish_reason`, `usage` as OpenAI's.
 * @param created seconds since the epoch (Anthropic's answer has no time).
 */
export function fromAnthropicMessage(message: JsonObject, created: number): JsonObject {
  const content = Array.isArray(message['content']) ? (message['content'] as JsonObject[]) : [];
  const text = content
    .filter((block) => block['type'] === 'text' && typeof block['text'] === 'string')
    .map((block) => block['text'] as string)
    .join('');
  const toolCalls = content
    .filter((block) => block['type'] === 'tool_use')
    .map((block) => ({
      id: block['id'],
      type: 'function',
      function: { name: block['name'], arguments: JSON.stringify(block['input'] ?? {}) },
    }));
  const usage = (message['usage'] ?? {}) as JsonObject;
  const output = typeof usage['output_tokens'] === 'number' ? usage['output_tokens'] : 0;
  return {
    id: typeof message['id'] === 'string' ? message['id'] : 'msg_unknown',
    object: 'chat.completion',
    created,
    model: typeof message['model'] === 'string' ? message['model'] : '',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text === '' && toolCalls.length > 0 ? null : text,
          ...(toolCalls.length === 0 ? {} : { tool_calls: toolCalls }),
        },
        finish_reason: finishReasonOf(message['stop_reason']),
        logprobs: null,
      },
    ],
    usage: openAiUsage(promptTokensOf(usage), output),
  };
}

/**
 * Translates an Anthropic message stream, one event at a time, into OpenAI `chat.completion.chunk`
 * objects: `message_start` opens the assistant's turn, each `text_delta` is a content delta,
 * `message_delta` carries the finish reason, `message_stop` ends with the usage chunk.
 */
export class AnthropicStreamTranslator {
  #id = 'msg_unknown';
  #model = '';
  #promptTokens = 0;
  #completionTokens = 0;
  readonly #created: number;

  constructor(created: number) {
    this.#created = created;
  }

  #chunk(delta: JsonObject, finishReason: string | null = null): JsonObject {
    return {
      id: this.#id,
      object: 'chat.completion.chunk',
      created: this.#created,
      model: this.#model,
      choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
    };
  }

  /** The chunks for one event (`type` being its `event:` name or data `type`); none for pings and block bounds. */
  translate(type: string, data: JsonObject): JsonObject[] {
    switch (type) {
      case 'message_start': {
        const message = (data['message'] ?? {}) as JsonObject;
        if (typeof message['id'] === 'string') this.#id = message['id'];
        if (typeof message['model'] === 'string') this.#model = message['model'];
        const usage = (message['usage'] ?? {}) as JsonObject;
        this.#promptTokens = promptTokensOf(usage);
        if (typeof usage['output_tokens'] === 'number') this.#completionTokens = usage['output_tokens'];
        return [this.#chunk({ role: 'assistant', content: '' })];
      }
      case 'content_block_delta': {
        const delta = (data['delta'] ?? {}) as JsonObject;
        return delta['type'] === 'text_delta' && typeof delta['text'] === 'string'
          ? [this.#chunk({ content: delta['text'] })]
          : [];
      }
      case 'message_delta': {
        const usage = (data['usage'] ?? {}) as JsonObject;
        if (typeof usage['output_tokens'] === 'number') this.#completionTokens = usage['output_tokens'];
        if (typeof usage['input_tokens'] === 'number') this.#promptTokens = promptTokensOf(usage);
        const delta = (data['delta'] ?? {}) as JsonObject;
        const reason = finishReasonOf(delta['stop_reason']);
        return reason === null ? [] : [this.#chunk({}, reason)];
      }
      case 'message_stop':
        return [
          {
            id: this.#id,
            object: 'chat.completion.chunk',
            created: this.#created,
            model: this.#model,
            choices: [],
            usage: openAiUsage(this.#promptTokens, this.#completionTokens),
          },
        ];
      case 'error': {
        const error = (data['error'] ?? {}) as JsonObject;
        return [
          {
            error: {
              message: error['message'] ?? 'The provider reported an error.',
              type: error['type'] ?? 'error',
            },
          },
        ];
      }
      default:
        return [];
    }
  }
}

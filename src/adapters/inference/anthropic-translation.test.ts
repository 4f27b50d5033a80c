import { describe, expect, it } from 'vitest';
import { ApiError } from '../../core/errors.js';
import {
  AnthropicStreamTranslator,
  finishReasonOf,
  fromAnthropicMessage,
  toAnthropicRequest,
} from './anthropic-translation.js';

describe('OpenAI chat requests as Anthropic Messages requests', () => {
  it('maps every Anthropic stop reason to the OpenAI finish reason that means the same', () => {
    expect(
      ['end_turn', 'max_tokens', 'stop_sequence', 'tool_use', 'refusal', null].map(finishReasonOf),
    ).toEqual(['stop', 'length', 'stop', 'tool_calls', 'content_filter', null]);
  });

  it('sends images as image blocks: data URLs inline, other URLs by reference', () => {
    const request = toAnthropicRequest(
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
              { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
            ],
          },
        ],
        max_completion_tokens: 50,
        stop: ['a', 'b'],
        user: 'user-42',
      },
      'claude-sonnet-4-5',
    );
    expect(request).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 50,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
      stop_sequences: ['a', 'b'],
      metadata: { user_id: 'user-42' },
    });
  });

  it('refuses tool messages and unknown content parts as validation errors naming the field', () => {
    const refused = (body: Record<string, unknown>) => {
      try {
        toAnthropicRequest(body, 'm');
      } catch (error) {
        return error instanceof ApiError ? { code: error.code, field: error.errors?.[0]?.field } : error;
      }
      return undefined;
    };
    expect(refused({ messages: [{ role: 'tool', content: 'x', tool_call_id: '1' }] })).toEqual({
      code: 'validation_failed',
      field: 'messages.0.role',
    });
    expect(refused({ messages: [{ role: 'user', content: [{ type: 'input_audio' }] }] })).toEqual({
      code: 'validation_failed',
      field: 'messages.0.content.0',
    });
  });
});

describe('Anthropic answers as OpenAI chat completions', () => {
  it('turns tool_use blocks into tool_calls and counts cache reads and writes as prompt tokens', () => {
    const completion = fromAnthropicMessage(
      {
        id: 'msg_1',
        model: 'claude-sonnet-4-5',
        content: [{ type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Oslo' } }],
        stop_reason: 'tool_use',
        usage: {
          input_tokens: 5,
          cache_creation_input_tokens: 100,
          cache_read_input_tokens: 20,
          output_tokens: 9,
        },
      },
      1_767_225_600,
    );
    expect(completion).toEqual({
      id: 'msg_1',
      object: 'chat.completion',
      created: 1_767_225_600,
      model: 'claude-sonnet-4-5',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'toolu_1',
                type: 'function',
                function: { name: 'weather', arguments: '{"city":"Oslo"}' },
              },
            ],
          },
          finish_reason: 'tool_calls',
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: 125, completion_tokens: 9, total_tokens: 134 },
    });
  });

  it('turns a stream error event into an OpenAI-shaped error chunk', () => {
    const translator = new AnthropicStreamTranslator(0);
    expect(
      translator.translate('error', {
        type: 'error',
        error: { type: 'overloaded_error', message: 'Overloaded' },
      }),
    ).toEqual([{ error: { message: 'Overloaded', type: 'overloaded_error' } }]);
    expect(translator.translate('ping', { type: 'ping' })).toEqual([]);
  });
});

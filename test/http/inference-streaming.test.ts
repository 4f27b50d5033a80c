import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDialect } from '../support/http.js';
import { hello, itLogsNoProviderKey, useInferenceGateway, eventsOf } from '../support/inference-fixture.js';
import { anthropicStream, openAiStream } from '../support/provider-stand-ins.js';

/** Streams relayed and translated event by event, mid-stream failures, and disconnects that abort the provider call. */
describeEachDialect('the inference gateway’s streams', (dialect) => {
  const gateway = useInferenceGateway(dialect);

  it('an OpenAI stream is relayed as server-sent events; the usage the gateway asked for stays out when the client did not', async () => {
    const { user, headers } = await gateway.caller();
    await gateway.saveKey(user, 'openai');
    const response = await gateway.complete(headers, {
      model: 'openai/gpt-4o-mini',
      messages: hello,
      stream: true,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(gateway.openai.last.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    const events = eventsOf(response.body);
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((data) => JSON.parse(data) as Record<string, unknown>);
    expect(chunks.map((chunk) => chunk['model'])).toEqual(Array(chunks.length).fill('openai/gpt-4o-mini'));
    expect(chunks.some((chunk) => 'usage' in chunk)).toBe(false);
    expect(
      chunks
        .map((chunk) => (chunk['choices'] as { delta: { content?: string } }[])[0]?.delta.content ?? '')
        .join(''),
    ).toBe('Hello');
  });

  it('an OpenAI stream keeps its usage chunk when the client asked for it', async () => {
    const { user, headers } = await gateway.caller();
    await gateway.saveKey(user, 'openai');
    const response = await gateway.complete(headers, {
      model: 'openai/gpt-4o-mini',
      messages: hello,
      stream: true,
      stream_options: { include_usage: true },
    });
    const events = eventsOf(response.body);
    expect(JSON.parse(events.at(-2)!)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 },
    });
  });

  it('a provider failing mid-stream ends the stream with an error event and no [DONE]', async () => {
    const { user, headers } = await gateway.caller();
    await gateway.saveKey(user, 'openai');
    gateway.openai.answerNext({ events: openAiStream('gpt-4o-mini', ['Hel', 'lo']), cutAfter: 2 });
    const response = await gateway.complete(headers, {
      model: 'openai/gpt-4o-mini',
      messages: hello,
      stream: true,
    });
    expect(response.statusCode).toBe(200);
    const events = eventsOf(response.body);
    expect(events).toHaveLength(3);
    expect(JSON.parse(events[1]!)).toMatchObject({ choices: [{ delta: { content: 'Hel' } }] });
    expect(JSON.parse(events[2]!)).toEqual({
      error: { message: "openai's stream broke off.", type: 'provider_error', code: 'provider_error' },
    });
  });

  it('an Anthropic error event mid-stream reaches the client as an error event, and no [DONE]', async () => {
    const { user, headers } = await gateway.caller();
    await gateway.saveKey(user, 'anthropic');
    const [start] = anthropicStream('claude-3-5-haiku-latest', []);
    gateway.anthropic.answerNext({
      events: [
        start!,
        `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })}\n\n`,
      ],
    });
    const response = await gateway.complete(headers, {
      model: 'anthropic/claude-3-5-haiku-latest',
      messages: hello,
      stream: true,
    });
    const events = eventsOf(response.body);
    expect(events).toHaveLength(2);
    expect(JSON.parse(events[1]!)).toEqual({ error: { message: 'Overloaded', type: 'overloaded_error' } });
  });

  it('an Anthropic stream is translated into chat.completion.chunk events ending with [DONE]', async () => {
    const { user, headers } = await gateway.caller();
    await gateway.saveKey(user, 'anthropic');
    const response = await gateway.complete(headers, {
      model: 'anthropic/claude-3-5-haiku-latest',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hello' },
      ],
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(response.statusCode).toBe(200);
    expect(gateway.anthropic.last.body).toMatchObject({ stream: true, system: 'Be brief.' });
    const events = eventsOf(response.body);
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((data) => JSON.parse(data) as Record<string, unknown>);
    const base = {
      id: 'msg_standin',
      object: 'chat.completion.chunk',
      model: 'anthropic/claude-3-5-haiku-latest',
    };
    expect(chunks).toEqual([
      {
        ...base,
        created: expect.any(Number),
        choices: [
          { index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null, logprobs: null },
        ],
      },
      {
        ...base,
        created: expect.any(Number),
        choices: [{ index: 0, delta: { content: 'Hel' }, finish_reason: null, logprobs: null }],
      },
      {
        ...base,
        created: expect.any(Number),
        choices: [{ index: 0, delta: { content: 'lo' }, finish_reason: null, logprobs: null }],
      },
      {
        ...base,
        created: expect.any(Number),
        choices: [{ index: 0, delta: {}, finish_reason: 'stop', logprobs: null }],
      },
      {
        ...base,
        created: expect.any(Number),
        choices: [],
        usage: { prompt_tokens: 21, completion_tokens: 12, total_tokens: 33 },
      },
    ]);
  });

  describe('over a listening server', () => {
    let url: string;
    beforeAll(async () => {
      url = await gateway.platform.app.listen({ host: '127.0.0.1', port: 0 });
    });

    it('a stream reaches the client chunk by chunk: the first arrives before the provider sends the last', async () => {
      const { user, headers } = await gateway.caller();
      await gateway.saveKey(user, 'anthropic');
      gateway.anthropic.answerNext({
        events: anthropicStream('claude-3-5-haiku-latest', ['Hel', 'lo']),
        holdAfter: 4,
      });
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'anthropic/claude-3-5-haiku-latest', messages: hello, stream: true }),
      });
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let received = '';
      while (!received.includes('"Hel"')) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended early: ${received}`);
        received += decoder.decode(value, { stream: true });
      }
      // The stand-in is still holding the rest of its events.
      expect(received).not.toContain('[DONE]');
      gateway.anthropic.release();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        received += decoder.decode(value, { stream: true });
      }
      expect(received).toContain('"lo"');
      expect(received.endsWith('data: [DONE]\n\n')).toBe(true);
    });

    it('a client that disconnects mid-stream aborts the provider call', async () => {
      const { user, headers } = await gateway.caller();
      await gateway.saveKey(user, 'openai');
      gateway.openai.answerNext({
        events: openAiStream('gpt-4o-mini', ['Hel', 'lo', ' there']),
        holdAfter: 2,
      });
      const before = gateway.openai.aborts;
      const client = new AbortController();
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: hello, stream: true }),
        signal: client.signal,
      });
      const reader = response.body!.getReader();
      await reader.read();
      client.abort();
      await gateway.openai.waitForAbort(before);
      expect(gateway.openai.aborts).toBe(before + 1);
    });

    it('a client that disconnects before a completion is answered aborts the provider call', async () => {
      const { user, headers } = await gateway.caller();
      await gateway.saveKey(user, 'anthropic');
      gateway.anthropic.answerNext({ hang: true });
      const before = gateway.anthropic.aborts;
      const received = gateway.anthropic.received.length;
      const client = new AbortController();
      const pending = fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'anthropic/claude-3-5-haiku-latest', messages: hello }),
        signal: client.signal,
      }).catch((error: unknown) => error);
      while (gateway.anthropic.received.length === received)
        await new Promise((resolve) => setTimeout(resolve, 10));
      client.abort();
      await pending;
      await gateway.anthropic.waitForAbort(before);
      expect(gateway.anthropic.aborts).toBe(before + 1);
    });
  });

  itLogsNoProviderKey(gateway);
});

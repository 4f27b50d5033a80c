import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderName } from '@skytells/contract';
import { createLogger } from '../../src/main/logger.js';
import {
  bearer,
  createTestPlatform,
  createToken,
  signUpAndSignIn,
  type ConsoleUser,
  type TestPlatform,
} from '../support/harness.js';
import { describeEachDialect, expectProblem } from '../support/http.js';
import { anthropicStream, openAiStream, ProviderStandIn } from '../support/provider-stand-ins.js';

/** Every line pino writes, kept in memory. */
class MemoryLog {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
}

/** The `data:` payloads of a server-sent event stream, in order. */
function eventsOf(text: string): string[] {
  return text
    .split('\n\n')
    .filter((event) => event.startsWith('data: '))
    .map((event) => event.slice('data: '.length));
}

describeEachDialect('the inference gateway, POST /v1/chat/completions', (dialect) => {
  let platform: TestPlatform;
  let openai: ProviderStandIn;
  let anthropic: ProviderStandIn;
  let compatible: ProviderStandIn;
  const log = new MemoryLog();
  /** Every provider key saved by a test: none may ever appear in a response or a log line. */
  const secrets: string[] = [];
  let serial = 0;

  beforeAll(async () => {
    [openai, anthropic, compatible] = await Promise.all([
      ProviderStandIn.start('openai'),
      ProviderStandIn.start('anthropic'),
      ProviderStandIn.start('openai'),
    ]);
    platform = await createTestPlatform({
      dialect,
      logger: createLogger('trace', log),
      env: {
        SKYTELLS_OPENAI_BASE_URL: `${openai.origin}/v1`,
        SKYTELLS_ANTHROPIC_BASE_URL: anthropic.origin,
        SKYTELLS_PROVIDER_TIMEOUT_MS: '1000',
      },
    });
  });
  afterAll(async () => {
    // fetch's connection pool may have opened a socket it never used: it would hold close() up.
    platform.app.server.closeAllConnections();
    await platform.close();
    await Promise.all([openai.close(), anthropic.close(), compatible.close()]);
  });

  /** Saves a fresh key of `user` for `provider` through the API and returns it. */
  async function saveKey(user: ConsoleUser, provider: ProviderName, baseUrl?: string): Promise<string> {
    serial += 1;
    const apiKey = `sk-${provider}-account-key-${serial}-${Math.random().toString(36).slice(2)}`;
    secrets.push(apiKey);
    const response = await platform.app.inject({
      method: 'PUT',
      url: `/v1/providers/${provider}`,
      headers: user.headers,
      payload: { api_key: apiKey, ...(baseUrl === undefined ? {} : { base_url: baseUrl }) },
    });
    expect(response.statusCode).toBe(200);
    return apiKey;
  }

  /** A signed-up user and an access token of theirs holding `inference:use`. */
  async function caller(): Promise<{ user: ConsoleUser; headers: Record<string, string> }> {
    const user = await signUpAndSignIn(platform.app);
    const token = await createToken(platform.app, user, { scopes: ['inference:use', 'billing:read'] });
    return { user, headers: bearer(token.token) };
  }

  async function complete(
    headers: Record<string, string>,
    payload: Record<string, unknown>,
  ): Promise<LightMyRequestResponse> {
    const response = await platform.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers,
      payload,
    } satisfies InjectOptions);
    for (const secret of secrets) expect(response.body).not.toContain(secret);
    return response;
  }

  const hello = [{ role: 'user', content: 'Say hello' }];

  it('an openai/ model is forwarded to OpenAI with the account’s own key, unknown parameters included, and answered as OpenAI answered', async () => {
    const { user, headers } = await caller();
    const key = await saveKey(user, 'openai');
    const response = await complete(headers, {
      model: 'openai/gpt-4o-mini',
      messages: hello,
      seed: 7,
      logit_bias: { '50256': -100 },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toEqual({
      id: 'chatcmpl-standin',
      object: 'chat.completion',
      created: 1_767_225_600,
      model: 'openai/gpt-4o-mini-2026-01-01',
      system_fingerprint: 'fp_standin',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello from the stand-in', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
    });
    expect(openai.last).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      body: { model: 'gpt-4o-mini', messages: hello, seed: 7, logit_bias: { '50256': -100 } },
    });
    expect(openai.last.headers.authorization).toBe(`Bearer ${key}`);
  });

  it('an openai_compatible/ model goes to the base URL saved with the key', async () => {
    const { user, headers } = await caller();
    const key = await saveKey(user, 'openai_compatible', `${compatible.origin}/api/v1/`);
    const response = await complete(headers, { model: 'openai_compatible/llama-3.1-8b', messages: hello });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ model: 'openai_compatible/llama-3.1-8b-2026-01-01' });
    expect(compatible.last).toMatchObject({
      path: '/api/v1/chat/completions',
      body: { model: 'llama-3.1-8b' },
    });
    expect(compatible.last.headers.authorization).toBe(`Bearer ${key}`);
  });

  it('each account’s calls carry its own key', async () => {
    const first = await caller();
    const second = await caller();
    const firstKey = await saveKey(first.user, 'openai');
    const secondKey = await saveKey(second.user, 'openai');
    await complete(second.headers, { model: 'openai/gpt-4o', messages: hello });
    expect(openai.last.headers.authorization).toBe(`Bearer ${secondKey}`);
    await complete(first.headers, { model: 'openai/gpt-4o', messages: hello });
    expect(openai.last.headers.authorization).toBe(`Bearer ${firstKey}`);
  });

  it('an anthropic/ model is translated to the Messages API, system prompt included, and its answer back to a chat completion', async () => {
    const { user, headers } = await caller();
    const key = await saveKey(user, 'anthropic');
    const response = await complete(headers, {
      model: 'anthropic/claude-3-5-haiku-latest',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        { role: 'user', content: 'Bonjour' },
        { role: 'user', content: [{ type: 'text', text: 'Say hello' }] },
        { role: 'assistant', content: 'Salut' },
        { role: 'user', content: 'Again' },
      ],
      temperature: 0.2,
      top_p: 0.9,
      stop: 'END',
    });
    expect(response.statusCode).toBe(200);
    expect(anthropic.last.path).toBe('/v1/messages');
    expect(anthropic.last.headers['x-api-key']).toBe(key);
    expect(anthropic.last.headers['anthropic-version']).toBe('2023-06-01');
    expect(anthropic.last.headers.authorization).toBeUndefined();
    expect(anthropic.last.body).toEqual({
      model: 'claude-3-5-haiku-latest',
      max_tokens: 4096,
      system: 'Be brief.\n\nAnswer in French.',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Bonjour' },
            { type: 'text', text: 'Say hello' },
          ],
        },
        { role: 'assistant', content: [{ type: 'text', text: 'Salut' }] },
        { role: 'user', content: [{ type: 'text', text: 'Again' }] },
      ],
      temperature: 0.2,
      top_p: 0.9,
      stop_sequences: ['END'],
    });
    expect(response.json()).toEqual({
      id: 'msg_standin',
      object: 'chat.completion',
      created: expect.any(Number),
      model: 'anthropic/claude-3-5-haiku-latest',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello from Claude' },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: 13, completion_tokens: 5, total_tokens: 18 },
    });
  });

  it('the client’s max_tokens reaches Anthropic, and its max_tokens stop reads as finish_reason "length"', async () => {
    const { user, headers } = await caller();
    await saveKey(user, 'anthropic');
    anthropic.answerNext({
      json: {
        id: 'msg_cut',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5',
        content: [{ type: 'text', text: 'Once upon' }],
        stop_reason: 'max_tokens',
        usage: { input_tokens: 3, output_tokens: 2 },
      },
    });
    const response = await complete(headers, {
      model: 'anthropic/claude-sonnet-4-5',
      messages: hello,
      max_tokens: 2,
    });
    expect(anthropic.last.body).toMatchObject({ max_tokens: 2 });
    expect(response.json()).toMatchObject({
      choices: [{ finish_reason: 'length', message: { content: 'Once upon' } }],
    });
  });

  it('takes a conversation over the API’s 64 KiB body limit', async () => {
    const { user, headers } = await caller();
    await saveKey(user, 'openai');
    const long = 'All work and no play. '.repeat(20_000);
    const response = await complete(headers, {
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: long }],
    });
    expect(response.statusCode).toBe(200);
    expect(openai.last.body).toMatchObject({ messages: [{ content: long }] });
  });

  it('a console session may call the gateway too', async () => {
    const user = await signUpAndSignIn(platform.app);
    await saveKey(user, 'openai');
    const response = await complete(user.headers, { model: 'openai/gpt-4o-mini', messages: hello });
    expect(response.statusCode).toBe(200);
  });

  describe('refusals and provider failures', () => {
    it('a token without inference:use is refused 403 and no provider is called', async () => {
      const user = await signUpAndSignIn(platform.app);
      await saveKey(user, 'openai');
      const token = await createToken(platform.app, user, { scopes: ['billing:read'] });
      const before = openai.received.length;
      const response = await complete(bearer(token.token), { model: 'openai/gpt-4o-mini', messages: hello });
      expectProblem(response, 403, 'insufficient_scope');
      expect(openai.received.length).toBe(before);
    });

    it('a provider without a saved key is 409 provider_not_configured', async () => {
      const { headers } = await caller();
      const response = await complete(headers, {
        model: 'anthropic/claude-3-5-haiku-latest',
        messages: hello,
      });
      expectProblem(response, 409, 'provider_not_configured');
    });

    it('a model without a known provider is refused before any provider is called', async () => {
      const { headers } = await caller();
      const response = await complete(headers, { model: 'mistral/large', messages: hello });
      expectProblem(response, 400, 'validation_failed');
    });

    it('a key the provider refuses (401, 403) is 502 provider_unauthorized, without the provider’s words that quote it', async () => {
      const { user, headers } = await caller();
      const key = await saveKey(user, 'openai');
      for (const status of [401, 403]) {
        openai.answerNext({
          status,
          json: { error: { message: `Incorrect API key provided: ${key}.`, type: 'invalid_request_error' } },
        });
        const response = await complete(headers, { model: 'openai/gpt-4o-mini', messages: hello });
        const problem = expectProblem(response, 502, 'provider_unauthorized');
        expect(problem.detail).toContain(`HTTP ${status}`);
      }
    });

    it('a provider failure is 502 provider_error with the provider’s message, the key scrubbed from it', async () => {
      const { user, headers } = await caller();
      const key = await saveKey(user, 'anthropic');
      anthropic.answerNext({
        status: 529,
        json: { type: 'error', error: { type: 'overloaded_error', message: `Overloaded (key ${key})` } },
      });
      const response = await complete(headers, {
        model: 'anthropic/claude-3-5-haiku-latest',
        messages: hello,
      });
      const problem = expectProblem(response, 502, 'provider_error');
      expect(problem.detail).toBe('anthropic answered HTTP 529: Overloaded (key [key])');
    });

    it('a request the provider refuses as such (400, 404) is 400 bad_request with the provider’s message', async () => {
      const { user, headers } = await caller();
      await saveKey(user, 'openai');
      openai.answerNext({
        status: 404,
        json: { error: { message: 'The model `gpt-9` does not exist', code: 'model_not_found' } },
      });
      const response = await complete(headers, { model: 'openai/gpt-9', messages: hello });
      const problem = expectProblem(response, 400, 'bad_request');
      expect(problem.detail).toBe('openai refused the request (HTTP 404): The model `gpt-9` does not exist');
    });

    it('an unreachable provider is 502 provider_error', async () => {
      const { user, headers } = await caller();
      const closed = await ProviderStandIn.start('openai');
      const origin = closed.origin;
      await closed.close();
      await saveKey(user, 'openai_compatible', origin);
      const response = await complete(headers, { model: 'openai_compatible/m', messages: hello });
      const problem = expectProblem(response, 502, 'provider_error');
      expect(problem.detail).toBe('openai_compatible could not be reached.');
    });

    it('a provider that does not start answering within the time-out is 504 provider_timeout', async () => {
      const { user, headers } = await caller();
      await saveKey(user, 'openai');
      openai.answerNext({ hang: true });
      const started = Date.now();
      const response = await complete(headers, { model: 'openai/gpt-4o-mini', messages: hello });
      expectProblem(response, 504, 'provider_timeout');
      expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    });

    it('an answer that is no chat completion is 502 provider_error', async () => {
      const { user, headers } = await caller();
      await saveKey(user, 'openai');
      openai.answerNext({ json: { hello: 'world' } });
      const response = await complete(headers, { model: 'openai/gpt-4o-mini', messages: hello });
      expectProblem(response, 502, 'provider_error');
    });
  });

  describe('streaming', () => {
    it('an OpenAI stream is relayed as server-sent events; the usage the gateway asked for stays out when the client did not', async () => {
      const { user, headers } = await caller();
      await saveKey(user, 'openai');
      const response = await complete(headers, {
        model: 'openai/gpt-4o-mini',
        messages: hello,
        stream: true,
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(openai.last.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
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
      const { user, headers } = await caller();
      await saveKey(user, 'openai');
      const response = await complete(headers, {
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
      const { user, headers } = await caller();
      await saveKey(user, 'openai');
      openai.answerNext({ events: openAiStream('gpt-4o-mini', ['Hel', 'lo']), cutAfter: 2 });
      const response = await complete(headers, {
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
      const { user, headers } = await caller();
      await saveKey(user, 'anthropic');
      const [start] = anthropicStream('claude-3-5-haiku-latest', []);
      anthropic.answerNext({
        events: [
          start!,
          `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })}\n\n`,
        ],
      });
      const response = await complete(headers, {
        model: 'anthropic/claude-3-5-haiku-latest',
        messages: hello,
        stream: true,
      });
      const events = eventsOf(response.body);
      expect(events).toHaveLength(2);
      expect(JSON.parse(events[1]!)).toEqual({ error: { message: 'Overloaded', type: 'overloaded_error' } });
    });

    it('an Anthropic stream is translated into chat.completion.chunk events ending with [DONE]', async () => {
      const { user, headers } = await caller();
      await saveKey(user, 'anthropic');
      const response = await complete(headers, {
        model: 'anthropic/claude-3-5-haiku-latest',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Say hello' },
        ],
        stream: true,
        stream_options: { include_usage: true },
      });
      expect(response.statusCode).toBe(200);
      expect(anthropic.last.body).toMatchObject({ stream: true, system: 'Be brief.' });
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
  });

  describe('over a listening server', () => {
    let url: string;
    beforeAll(async () => {
      url = await platform.app.listen({ host: '127.0.0.1', port: 0 });
    });

    it('a stream reaches the client chunk by chunk: the first arrives before the provider sends the last', async () => {
      const { user, headers } = await caller();
      await saveKey(user, 'anthropic');
      anthropic.answerNext({
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
      anthropic.release();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        received += decoder.decode(value, { stream: true });
      }
      expect(received).toContain('"lo"');
      expect(received.endsWith('data: [DONE]\n\n')).toBe(true);
    });

    it('a client that disconnects mid-stream aborts the provider call', async () => {
      const { user, headers } = await caller();
      await saveKey(user, 'openai');
      openai.answerNext({ events: openAiStream('gpt-4o-mini', ['Hel', 'lo', ' there']), holdAfter: 2 });
      const before = openai.aborts;
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
      await openai.waitForAbort(before);
      expect(openai.aborts).toBe(before + 1);
    });

    it('a client that disconnects before a completion is answered aborts the provider call', async () => {
      const { user, headers } = await caller();
      await saveKey(user, 'anthropic');
      anthropic.answerNext({ hang: true });
      const before = anthropic.aborts;
      const received = anthropic.received.length;
      const client = new AbortController();
      const pending = fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'anthropic/claude-3-5-haiku-latest', messages: hello }),
        signal: client.signal,
      }).catch((error: unknown) => error);
      while (anthropic.received.length === received) await new Promise((resolve) => setTimeout(resolve, 10));
      client.abort();
      await pending;
      await anthropic.waitForAbort(before);
      expect(anthropic.aborts).toBe(before + 1);
    });
  });

  it('usage is counted per provider and per credential, and GET /v1/billing reports it', async () => {
    const { user, headers } = await caller();
    await saveKey(user, 'openai');
    await saveKey(user, 'anthropic');
    await complete(headers, { model: 'openai/gpt-4o-mini', messages: hello });
    await complete(headers, { model: 'openai/gpt-4o-mini', messages: hello });
    await complete(headers, { model: 'anthropic/claude-3-5-haiku-latest', messages: hello });
    const streamed = await complete(headers, {
      model: 'anthropic/claude-3-5-haiku-latest',
      messages: hello,
      stream: true,
    });
    expect(streamed.statusCode).toBe(200);
    openai.answerNext({ status: 500, json: { error: { message: 'boom' } } });
    await complete(headers, { model: 'openai/gpt-4o-mini', messages: hello });

    const billing = await platform.app.inject({ method: 'GET', url: '/v1/billing', headers });
    expect(billing.statusCode).toBe(200);
    expect(billing.json()).toMatchObject({
      inference: {
        by_provider: [
          { provider: 'anthropic', requests: 2, prompt_tokens: 13 + 21, completion_tokens: 5 + 12 },
          { provider: 'openai', requests: 2, prompt_tokens: 22, completion_tokens: 14 },
        ],
        by_api_key: [
          {
            api_key_id: null,
            name: null,
            masked: null,
            requests: 4,
            prompt_tokens: 56,
            completion_tokens: 31,
          },
        ],
      },
    });
    const other = await caller();
    const empty = await platform.app.inject({ method: 'GET', url: '/v1/billing', headers: other.headers });
    expect(empty.json()).toMatchObject({ inference: { by_provider: [], by_api_key: [] } });
  });

  it('an API key calls the gateway (Authorization: Bearer or X-API-Key) and its usage is counted under its name', async () => {
    const { user, headers } = await caller();
    await saveKey(user, 'openai');
    const created = await platform.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: user.headers,
      payload: { name: 'batch jobs' },
    });
    expect(created.statusCode).toBe(201);
    const apiKey = created.json<{ id: string; key: string; masked: string }>();
    const byBearer = await complete(bearer(apiKey.key), { model: 'openai/gpt-4o-mini', messages: hello });
    expect(byBearer.statusCode).toBe(200);
    const byHeader = await complete(
      { 'x-api-key': apiKey.key },
      { model: 'openai/gpt-4o-mini', messages: hello },
    );
    expect(byHeader.statusCode).toBe(200);
    await complete(headers, { model: 'openai/gpt-4o-mini', messages: hello });

    const billing = await platform.app.inject({ method: 'GET', url: '/v1/billing', headers });
    expect(billing.json()).toMatchObject({
      inference: {
        by_provider: [{ provider: 'openai', requests: 3, prompt_tokens: 33, completion_tokens: 21 }],
        by_api_key: expect.arrayContaining([
          {
            api_key_id: apiKey.id,
            name: 'batch jobs',
            masked: apiKey.masked,
            requests: 2,
            prompt_tokens: 22,
            completion_tokens: 14,
          },
          {
            api_key_id: null,
            name: null,
            masked: null,
            requests: 1,
            prompt_tokens: 11,
            completion_tokens: 7,
          },
        ]),
      },
    });
  });

  it('an API key works on the gateway only: it cannot read billing', async () => {
    const user = await signUpAndSignIn(platform.app);
    const created = await platform.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: user.headers,
      payload: { name: 'ci' },
    });
    const { key } = created.json<{ key: string }>();
    const response = await platform.app.inject({ method: 'GET', url: '/v1/billing', headers: bearer(key) });
    expectProblem(response, 401, 'api_key_not_accepted');
  });

  it('no provider key ever reaches a log line', () => {
    expect(secrets.length).toBeGreaterThan(10);
    expect(log.lines.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      expect(log.lines.filter((line) => line.includes(secret))).toEqual([]);
    }
  });
});

import { expect, it } from 'vitest';
import { bearer, signUpAndSignIn } from '../support/harness.js';
import { describeEachDialect, expectProblem } from '../support/http.js';
import { hello, itLogsNoProviderKey, useInferenceGateway } from '../support/inference-fixture.js';

/** Completions through each provider, with the account’s own key, and the usage they leave on the bill. */
describeEachDialect('the inference gateway, POST /v1/chat/completions', (dialect) => {
  const gateway = useInferenceGateway(dialect);

  it('an openai/ model is forwarded to OpenAI with the account’s own key, unknown parameters included, and answered as OpenAI answered', async () => {
    const { user, headers } = await gateway.caller();
    const key = await gateway.saveKey(user, 'openai');
    const response = await gateway.complete(headers, {
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
    expect(gateway.openai.last).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      body: { model: 'gpt-4o-mini', messages: hello, seed: 7, logit_bias: { '50256': -100 } },
    });
    expect(gateway.openai.last.headers.authorization).toBe(`Bearer ${key}`);
  });

  it('an openai_compatible/ model goes to the base URL saved with the key', async () => {
    const { user, headers } = await gateway.caller();
    const key = await gateway.saveKey(user, 'openai_compatible', `${gateway.compatible.origin}/api/v1/`);
    const response = await gateway.complete(headers, {
      model: 'openai_compatible/llama-3.1-8b',
      messages: hello,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ model: 'openai_compatible/llama-3.1-8b-2026-01-01' });
    expect(gateway.compatible.last).toMatchObject({
      path: '/api/v1/chat/completions',
      body: { model: 'llama-3.1-8b' },
    });
    expect(gateway.compatible.last.headers.authorization).toBe(`Bearer ${key}`);
  });

  it('each account’s calls carry its own key', async () => {
    const first = await gateway.caller();
    const second = await gateway.caller();
    const firstKey = await gateway.saveKey(first.user, 'openai');
    const secondKey = await gateway.saveKey(second.user, 'openai');
    await gateway.complete(second.headers, { model: 'openai/gpt-4o', messages: hello });
    expect(gateway.openai.last.headers.authorization).toBe(`Bearer ${secondKey}`);
    await gateway.complete(first.headers, { model: 'openai/gpt-4o', messages: hello });
    expect(gateway.openai.last.headers.authorization).toBe(`Bearer ${firstKey}`);
  });

  it('an anthropic/ model is translated to the Messages API, system prompt included, and its answer back to a chat completion', async () => {
    const { user, headers } = await gateway.caller();
    const key = await gateway.saveKey(user, 'anthropic');
    const response = await gateway.complete(headers, {
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
    expect(gateway.anthropic.last.path).toBe('/v1/messages');
    expect(gateway.anthropic.last.headers['x-api-key']).toBe(key);
    expect(gateway.anthropic.last.headers['anthropic-version']).toBe('2023-06-01');
    expect(gateway.anthropic.last.headers.authorization).toBeUndefined();
    expect(gateway.anthropic.last.body).toEqual({
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
    const { user, headers } = await gateway.caller();
    await gateway.saveKey(user, 'anthropic');
    gateway.anthropic.answerNext({
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
    const response = await gateway.complete(headers, {
      model: 'anthropic/claude-sonnet-4-5',
      messages: hello,
      max_tokens: 2,
    });
    expect(gateway.anthropic.last.body).toMatchObject({ max_tokens: 2 });
    expect(response.json()).toMatchObject({
      choices: [{ finish_reason: 'length', message: { content: 'Once upon' } }],
    });
  });

  it('takes a conversation over the API’s 64 KiB body limit', async () => {
    const { user, headers } = await gateway.caller();
    await gateway.saveKey(user, 'openai');
    const long = 'All work and no play. '.repeat(20_000);
    const response = await gateway.complete(headers, {
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: long }],
    });
    expect(response.statusCode).toBe(200);
    expect(gateway.openai.last.body).toMatchObject({ messages: [{ content: long }] });
  });

  it('a console session may call the gateway too', async () => {
    const user = await signUpAndSignIn(gateway.platform.app);
    await gateway.saveKey(user, 'openai');
    const response = await gateway.complete(user.headers, { model: 'openai/gpt-4o-mini', messages: hello });
    expect(response.statusCode).toBe(200);
  });

  it('usage is counted per provider and per credential, and GET /v1/billing reports it', async () => {
    const { user, headers } = await gateway.caller();
    await gateway.saveKey(user, 'openai');
    await gateway.saveKey(user, 'anthropic');
    await gateway.complete(headers, { model: 'openai/gpt-4o-mini', messages: hello });
    await gateway.complete(headers, { model: 'openai/gpt-4o-mini', messages: hello });
    await gateway.complete(headers, { model: 'anthropic/claude-3-5-haiku-latest', messages: hello });
    const streamed = await gateway.complete(headers, {
      model: 'anthropic/claude-3-5-haiku-latest',
      messages: hello,
      stream: true,
    });
    expect(streamed.statusCode).toBe(200);
    gateway.openai.answerNext({ status: 500, json: { error: { message: 'boom' } } });
    await gateway.complete(headers, { model: 'openai/gpt-4o-mini', messages: hello });

    const billing = await gateway.platform.app.inject({ method: 'GET', url: '/v1/billing', headers });
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
    const other = await gateway.caller();
    const empty = await gateway.platform.app.inject({
      method: 'GET',
      url: '/v1/billing',
      headers: other.headers,
    });
    expect(empty.json()).toMatchObject({ inference: { by_provider: [], by_api_key: [] } });
  });

  it('an API key calls the gateway (Authorization: Bearer or X-API-Key) and its usage is counted under its name', async () => {
    const { user, headers } = await gateway.caller();
    await gateway.saveKey(user, 'openai');
    const created = await gateway.platform.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: user.headers,
      payload: { name: 'batch jobs' },
    });
    expect(created.statusCode).toBe(201);
    const apiKey = created.json<{ id: string; key: string; masked: string }>();
    const byBearer = await gateway.complete(bearer(apiKey.key), {
      model: 'openai/gpt-4o-mini',
      messages: hello,
    });
    expect(byBearer.statusCode).toBe(200);
    const byHeader = await gateway.complete(
      { 'x-api-key': apiKey.key },
      { model: 'openai/gpt-4o-mini', messages: hello },
    );
    expect(byHeader.statusCode).toBe(200);
    await gateway.complete(headers, { model: 'openai/gpt-4o-mini', messages: hello });

    const billing = await gateway.platform.app.inject({ method: 'GET', url: '/v1/billing', headers });
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
    const user = await signUpAndSignIn(gateway.platform.app);
    const created = await gateway.platform.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: user.headers,
      payload: { name: 'ci' },
    });
    const { key } = created.json<{ key: string }>();
    const response = await gateway.platform.app.inject({
      method: 'GET',
      url: '/v1/billing',
      headers: bearer(key),
    });
    expectProblem(response, 401, 'api_key_not_accepted');
  });

  itLogsNoProviderKey(gateway);
});

import { expect, it } from 'vitest';
import { bearer, createToken, signUpAndSignIn } from '../support/harness.js';
import { describeEachDialect, expectProblem } from '../support/http.js';
import { hello, itLogsNoProviderKey, useInferenceGateway } from '../support/inference-fixture.js';
import { ProviderStandIn } from '../support/provider-stand-ins.js';

/** What a caller sees when the gateway refuses a call or the provider fails: problems with stable codes. */
describeEachDialect('the inference gateway’s refusals and provider failures', (dialect) => {
  const gateway = useInferenceGateway(dialect);

  it('a token without inference:use is refused 403 and no provider is called', async () => {
    const user = await signUpAndSignIn(gateway.platform.app);
    await gateway.saveKey(user, 'openai');
    const token = await createToken(gateway.platform.app, user, { scopes: ['billing:read'] });
    const before = gateway.openai.received.length;
    const response = await gateway.complete(bearer(token.token), {
      model: 'openai/gpt-4o-mini',
      messages: hello,
    });
    expectProblem(response, 403, 'insufficient_scope');
    expect(gateway.openai.received.length).toBe(before);
  });

  it('a provider without a saved key is 409 provider_not_configured', async () => {
    const { headers } = await gateway.caller();
    const response = await gateway.complete(headers, {
      model: 'anthropic/claude-3-5-haiku-latest',
      messages: hello,
    });
    expectProblem(response, 409, 'provider_not_configured');
  });

  it('a model without a known provider is refused before any provider is called', async () => {
    const { headers } = await gateway.caller();
    const response = await gateway.complete(headers, { model: 'mistral/large', messages: hello });
    expectProblem(response, 400, 'validation_failed');
  });

  it('a key the provider refuses (401, 403) is 502 provider_unauthorized, without the provider’s words that quote it', async () => {
    const { user, headers } = await gateway.caller();
    const key = await gateway.saveKey(user, 'openai');
    for (const status of [401, 403]) {
      gateway.openai.answerNext({
        status,
        json: { error: { message: `Incorrect API key provided: ${key}.`, type: 'invalid_request_error' } },
      });
      const response = await gateway.complete(headers, { model: 'openai/gpt-4o-mini', messages: hello });
      const problem = expectProblem(response, 502, 'provider_unauthorized');
      expect(problem.detail).toContain(`HTTP ${status}`);
    }
  });

  it('a provider failure is 502 provider_error with the provider’s message, the key scrubbed from it', async () => {
    const { user, headers } = await gateway.caller();
    const key = await gateway.saveKey(user, 'anthropic');
    gateway.anthropic.answerNext({
      status: 529,
      json: { type: 'error', error: { type: 'overloaded_error', message: `Overloaded (key ${key})` } },
    });
    const response = await gateway.complete(headers, {
      model: 'anthropic/claude-3-5-haiku-latest',
      messages: hello,
    });
    const problem = expectProblem(response, 502, 'provider_error');
    expect(problem.detail).toBe('anthropic answered HTTP 529: Overloaded (key [key])');
  });

  it('a request the provider refuses as such (400, 404) is 400 bad_request with the provider’s message', async () => {
    const { user, headers } = await gateway.caller();
    await gateway.saveKey(user, 'openai');
    gateway.openai.answerNext({
      status: 404,
      json: { error: { message: 'The model `gpt-9` does not exist', code: 'model_not_found' } },
    });
    const response = await gateway.complete(headers, { model: 'openai/gpt-9', messages: hello });
    const problem = expectProblem(response, 400, 'bad_request');
    expect(problem.detail).toBe('openai refused the request (HTTP 404): The model `gpt-9` does not exist');
  });

  it('an unreachable provider is 502 provider_error', async () => {
    const { user, headers } = await gateway.caller();
    const closed = await ProviderStandIn.start('openai');
    const origin = closed.origin;
    await closed.close();
    await gateway.saveKey(user, 'openai_compatible', origin);
    const response = await gateway.complete(headers, { model: 'openai_compatible/m', messages: hello });
    const problem = expectProblem(response, 502, 'provider_error');
    expect(problem.detail).toBe('openai_compatible could not be reached.');
  });

  it('a provider that does not start answering within the time-out is 504 provider_timeout', async () => {
    const { user, headers } = await gateway.caller();
    await gateway.saveKey(user, 'openai');
    gateway.openai.answerNext({ hang: true });
    const started = Date.now();
    const response = await gateway.complete(headers, { model: 'openai/gpt-4o-mini', messages: hello });
    expectProblem(response, 504, 'provider_timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
  });

  it('an answer that is no chat completion is 502 provider_error', async () => {
    const { user, headers } = await gateway.caller();
    await gateway.saveKey(user, 'openai');
    gateway.openai.answerNext({ json: { hello: 'world' } });
    const response = await gateway.complete(headers, { model: 'openai/gpt-4o-mini', messages: hello });
    expectProblem(response, 502, 'provider_error');
  });

  itLogsNoProviderKey(gateway);
});

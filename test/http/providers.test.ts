import { randomBytes } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { ApiError } from '../../src/core/errors.js';
import {
  bearer,
  createTestPlatform,
  createToken,
  signUpAndSignIn,
  type ConsoleUser,
  type TestPlatform,
} from '../support/harness.js';
import { describeEachDialect, expectFieldError, expectProblem, listAudit } from '../support/http.js';
import { type ProviderStandIn, startProviderStandIn } from '../support/provider-stand-in.js';

const aKey = (prefix = 'sk-proj-') => `${prefix}${randomBytes(24).toString('base64url')}`;

describeEachDialect('provider keys (BYOK) over HTTP', (dialect) => {
  let platform: TestPlatform;
  let clock: ManualClock;
  let standIn: ProviderStandIn;
  const acceptedKey = aKey();
  /** Every response body, to search for keys that must never come back. */
  const bodies: string[] = [];
  const keysSent: string[] = [acceptedKey];

  beforeAll(async () => {
    standIn = await startProviderStandIn({ acceptedKey, modelCount: 12 });
    clock = new ManualClock(new Date());
    platform = await createTestPlatform({
      dialect,
      clock,
      env: {
        SKYTELLS_OPENAI_BASE_URL: standIn.openaiUrl,
        SKYTELLS_ANTHROPIC_BASE_URL: standIn.anthropicUrl,
        // Bounds the test on save as well (at most 10 s, less when configured lower).
        SKYTELLS_PROVIDER_TIMEOUT_MS: '1000',
      },
    });
  });
  afterAll(async () => {
    // No response of the whole file carried a key it was sent.
    for (const key of keysSent) {
      expect(bodies.filter((body) => body.includes(key))).toEqual([]);
    }
    await platform?.close();
    await standIn?.close();
  });

  const inject = async (options: InjectOptions): Promise<LightMyRequestResponse> => {
    const response = await platform.app.inject(options);
    bodies.push(response.body, JSON.stringify(response.headers));
    return response;
  };
  /** `PUT /v1/providers/{provider}` as `caller` (a console user, or `{headers: bearer(token)}`). */
  const save = (
    caller: { headers: Record<string, string> },
    provider: string,
    payload: Record<string, unknown>,
  ) => {
    if (typeof payload['api_key'] === 'string') keysSent.push(payload['api_key']);
    return inject({
      method: 'PUT',
      url: `/v1/providers/${provider}`,
      headers: caller.headers,
      payload,
    });
  };
  const list = async (user: ConsoleUser) => {
    const response = await inject({ method: 'GET', url: '/v1/providers', headers: user.headers });
    expect(response.statusCode).toBe(200);
    return response.json<{ data: { provider: string; masked: string; base_url: string | null }[] }>().data;
  };

  it('a saved key is answered masked, listed, and revealed in full only to the gateway', async () => {
    const user = await signUpAndSignIn(platform.app);
    const key = aKey();
    const saved = await save(user, 'openai', { api_key: key });

    expect(saved.statusCode).toBe(200);
    const now = clock.now().toISOString();
    expect(saved.json()).toEqual({
      provider: 'openai',
      masked: `…${key.slice(-4)}`,
      base_url: null,
      created_at: now,
      updated_at: now,
    });
    expect(await list(user)).toEqual([saved.json()]);
    expect(await platform.services.providerKeys.reveal(user.accountId, 'openai')).toEqual({
      apiKey: key,
      baseUrl: standIn.openaiUrl,
    });
    expect(await platform.services.providerKeys.reveal(user.accountId, 'anthropic')).toBeUndefined();
  });

  it('saving again replaces the key, keeps created_at, and is audited as a replacement without the key', async () => {
    const user = await signUpAndSignIn(platform.app);
    const first = await save(user, 'anthropic', { api_key: aKey('sk-ant-') });
    const created = first.json<{ created_at: string }>().created_at;
    clock.advance(60_000);
    const second = aKey('sk-ant-');
    const replaced = await save(user, 'anthropic', { api_key: second });

    expect(replaced.json()).toMatchObject({
      provider: 'anthropic',
      masked: `…${second.slice(-4)}`,
      created_at: created,
      updated_at: clock.now().toISOString(),
    });
    expect(await list(user)).toHaveLength(1);
    expect((await platform.services.providerKeys.reveal(user.accountId, 'anthropic'))?.apiKey).toBe(second);
    const events = (await listAudit(platform.app, user)).filter((event) => event.action === 'provider.saved');
    expect(events.map((event) => event.details)).toEqual([
      { provider: 'anthropic', replaced: true, masked: `…${second.slice(-4)}`, base_url: null },
      { provider: 'anthropic', replaced: false, masked: expect.stringMatching(/^…/), base_url: null },
    ]);
  });

  it('deleting a key answers 204, then 404 once it is gone, and is audited', async () => {
    const user = await signUpAndSignIn(platform.app);
    await save(user, 'openai', { api_key: aKey() });
    const remove = () => inject({ method: 'DELETE', url: '/v1/providers/openai', headers: user.headers });

    expect((await remove()).statusCode).toBe(204);
    expect(await list(user)).toEqual([]);
    expect(await platform.services.providerKeys.reveal(user.accountId, 'openai')).toBeUndefined();
    expectProblem(await remove(), 404, 'not_found');
    const actions = (await listAudit(platform.app, user)).map((event) => event.action);
    expect(actions.filter((action) => action === 'provider.deleted')).toHaveLength(1);
  });

  it('openai_compatible needs an http(s) base_url without credentials, query or fragment', async () => {
    const user = await signUpAndSignIn(platform.app);
    for (const baseUrl of [
      undefined,
      'not a url',
      'ftp://llm.example.com/v1',
      'https://user:secret@llm.example.com/v1',
      'https://llm.example.com/v1?x=1',
    ]) {
      expectFieldError(
        await save(user, 'openai_compatible', {
          api_key: aKey(),
          ...(baseUrl === undefined ? {} : { base_url: baseUrl }),
        }),
        'base_url',
      );
    }
    const saved = await save(user, 'openai_compatible', {
      api_key: aKey(),
      base_url: 'https://llm.example.com/v1/',
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({
      provider: 'openai_compatible',
      base_url: 'https://llm.example.com/v1',
    });
    expect((await platform.services.providerKeys.reveal(user.accountId, 'openai_compatible'))?.baseUrl).toBe(
      'https://llm.example.com/v1',
    );
  });

  it('openai and anthropic refuse a base_url, and a key with whitespace is refused', async () => {
    const user = await signUpAndSignIn(platform.app);
    expectFieldError(
      await save(user, 'openai', { api_key: aKey(), base_url: 'https://proxy.example.com' }),
      'base_url',
    );
    expectFieldError(
      await save(user, 'anthropic', { api_key: aKey(), base_url: 'https://proxy.example.com' }),
      'base_url',
    );
    expectFieldError(await save(user, 'openai', { api_key: `${aKey()}\n` }), 'api_key');
    expectFieldError(await save(user, 'openai', { api_key: 'sk proj' }), 'api_key');
    expectProblem(await save(user, 'mistral', { api_key: aKey() }), 400, 'validation_failed');
    expect(await list(user)).toEqual([]);
  });

  it('a token needs providers:read to list and providers:write to save or delete', async () => {
    const user = await signUpAndSignIn(platform.app);
    await save(user, 'openai', { api_key: aKey() });
    const reader = await createToken(platform.app, user, { scopes: ['providers:read'] });
    const writer = await createToken(platform.app, user, { scopes: ['providers:write'] });
    const other = await createToken(platform.app, user, { scopes: ['tokens:read'] });

    const listed = await inject({ method: 'GET', url: '/v1/providers', headers: bearer(reader.token) });
    expect(listed.json<{ data: unknown[] }>().data).toHaveLength(1);
    expectProblem(
      await inject({ method: 'GET', url: '/v1/providers', headers: bearer(other.token) }),
      403,
      'insufficient_scope',
    );
    expectProblem(
      await save({ headers: bearer(reader.token) }, 'anthropic', { api_key: aKey() }),
      403,
      'insufficient_scope',
    );
    expectProblem(
      await inject({ method: 'DELETE', url: '/v1/providers/openai', headers: bearer(reader.token) }),
      403,
      'insufficient_scope',
    );
    expect((await list(user)).map((p) => p.provider)).toEqual(['openai']);

    // write implies read.
    expect((await save({ headers: bearer(writer.token) }, 'anthropic', { api_key: aKey() })).statusCode).toBe(
      200,
    );
    expect(
      (await inject({ method: 'GET', url: '/v1/providers', headers: bearer(writer.token) })).statusCode,
    ).toBe(200);
    expect(
      (await inject({ method: 'DELETE', url: '/v1/providers/openai', headers: bearer(writer.token) }))
        .statusCode,
    ).toBe(204);
    expectProblem(await inject({ method: 'GET', url: '/v1/providers' }), 401, 'token_missing');
  });

  it("another account neither sees nor deletes the account's keys", async () => {
    const owner = await signUpAndSignIn(platform.app);
    const stranger = await signUpAndSignIn(platform.app);
    await save(owner, 'openai', { api_key: aKey() });

    expect(await list(stranger)).toEqual([]);
    expectProblem(
      await inject({ method: 'DELETE', url: '/v1/providers/openai', headers: stranger.headers }),
      404,
      'not_found',
    );
    expect(await platform.services.providerKeys.reveal(stranger.accountId, 'openai')).toBeUndefined();
    expect(await list(owner)).toHaveLength(1);
  });

  it('test: true tries the key against OpenAI with a models call and reports the model count', async () => {
    const user = await signUpAndSignIn(platform.app);
    const before = standIn.received.length;
    const saved = await save(user, 'openai', { api_key: acceptedKey, test: true });

    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({
      test: { ok: true, detail: 'OpenAI accepted the key (12 models).' },
    });
    expect(standIn.received.slice(before)).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: '/openai/models',
        headers: expect.objectContaining({ authorization: `Bearer ${acceptedKey}` }),
      }),
    ]);
  });

  it('a key the provider refuses is reported so, and saved all the same', async () => {
    const user = await signUpAndSignIn(platform.app);
    const refused = aKey();
    const saved = await save(user, 'openai', { api_key: refused, test: true });

    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ test: { ok: false, detail: 'OpenAI refused the key (401).' } });
    expect((await platform.services.providerKeys.reveal(user.accountId, 'openai'))?.apiKey).toBe(refused);
  });

  it('test: true tries an Anthropic key with x-api-key and anthropic-version, accepted or refused', async () => {
    const user = await signUpAndSignIn(platform.app);
    const before = standIn.received.length;
    const accepted = await save(user, 'anthropic', { api_key: acceptedKey, test: true });
    const refused = await save(user, 'anthropic', { api_key: aKey('sk-ant-'), test: true });

    expect(accepted.json()).toMatchObject({
      test: { ok: true, detail: 'Anthropic accepted the key (12 models).' },
    });
    expect(refused.json()).toMatchObject({ test: { ok: false, detail: 'Anthropic refused the key (401).' } });
    const request = standIn.received[before];
    expect(request).toMatchObject({ method: 'GET', path: '/anthropic/v1/models' });
    expect(request?.headers).toMatchObject({ 'x-api-key': acceptedKey, 'anthropic-version': '2023-06-01' });
    expect(request?.headers.authorization).toBeUndefined();
  });

  it('test: true tries an OpenAI-compatible key at its own base URL, and says when nothing answers', async () => {
    const user = await signUpAndSignIn(platform.app);
    const accepted = await save(user, 'openai_compatible', {
      api_key: acceptedKey,
      base_url: standIn.openaiUrl,
      test: true,
    });
    expect(accepted.json()).toMatchObject({
      test: { ok: true, detail: 'The provider accepted the key (12 models).' },
    });

    const unreachable = await save(user, 'openai_compatible', {
      api_key: acceptedKey,
      base_url: 'http://127.0.0.1:9/v1',
      test: true,
    });
    expect(unreachable.statusCode).toBe(200);
    expect(unreachable.json()).toMatchObject({
      test: { ok: false, detail: expect.stringMatching(/^The provider could not be reached/) },
    });
  });

  it('a provider that does not answer is given up after the time-out, and the key saved all the same', async () => {
    const user = await signUpAndSignIn(platform.app);
    const started = Date.now();
    const saved = await save(user, 'openai_compatible', {
      api_key: acceptedKey,
      base_url: `${standIn.url}/hang`,
      test: true,
    });

    expect(Date.now() - started).toBeLessThan(5000);
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({
      test: { ok: false, detail: 'The provider did not answer within 1 s.' },
    });
    expect((await list(user)).map((p) => p.provider)).toEqual(['openai_compatible']);
  });

  it('a redirect is not followed: the key goes to the one URL saved', async () => {
    const user = await signUpAndSignIn(platform.app);
    const before = standIn.received.length;
    const saved = await save(user, 'openai_compatible', {
      api_key: acceptedKey,
      base_url: `${standIn.url}/redirect`,
      test: true,
    });

    expect(saved.json()).toMatchObject({ test: { ok: false, detail: 'The provider answered 302.' } });
    expect(standIn.received.slice(before).map((request) => request.path)).toEqual(['/redirect/models']);
  });

  it('saving without test: true makes no call to the provider', async () => {
    const user = await signUpAndSignIn(platform.app);
    const before = standIn.received.length;
    const saved = await save(user, 'openai', { api_key: acceptedKey });
    expect(saved.json()).not.toHaveProperty('test');
    expect(standIn.received.length).toBe(before);
  });

  it('equal keys are sealed into different ciphertexts, under different data keys', async () => {
    const key = aKey();
    const first = await signUpAndSignIn(platform.app);
    const second = await signUpAndSignIn(platform.app);
    await save(first, 'openai', { api_key: key });
    await save(second, 'openai', { api_key: key });
    const earlier = await rowOf(first.accountId);
    await save(first, 'openai', { api_key: key });
    const rows = [earlier, await rowOf(first.accountId), await rowOf(second.accountId)];

    expect(new Set(rows.map((row) => row.ciphertext)).size).toBe(3);
    expect(new Set(rows.map((row) => row.wrapped_dek)).size).toBe(3);
    expect(new Set(rows.map((row) => row.id)).size).toBe(3);
    for (const row of rows) expect(row.ciphertext.includes(key)).toBe(false);
  });

  it('a sealed key that was altered, or moved to another account, row or base URL, does not open', async () => {
    const victim = await signUpAndSignIn(platform.app);
    const thief = await signUpAndSignIn(platform.app);
    await save(victim, 'openai_compatible', { api_key: aKey(), base_url: 'https://llm.example.com/v1' });
    await save(thief, 'openai_compatible', { api_key: aKey(), base_url: 'https://llm.example.com/v1' });
    const sealed = await rowOf(victim.accountId, 'openai_compatible');
    const { db } = platform.database;
    const update = (accountId: string, set: Record<string, string>) =>
      db
        .updateTable('provider_keys')
        .set(set)
        .where('account_id', '=', accountId)
        .where('provider', '=', 'openai_compatible')
        .execute();
    const expectUnreadable = async (accountId: string) => {
      const row = await rowOf(accountId, 'openai_compatible');
      const error = await platform.services.providerKeys
        .reveal(accountId, 'openai_compatible')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ code: 'provider_key_unreadable' });
      // The operator learns which row, and nothing of the key.
      expect((error as ApiError).privateDetail).toContain(row.id);
    };

    // Moved, whole, into another account's row.
    await update(thief.accountId, {
      kek_id: sealed.kek_id,
      wrapped_dek: sealed.wrapped_dek,
      ciphertext: sealed.ciphertext,
    });
    await expectUnreadable(thief.accountId);

    // Pointed at another base URL, where the key would be sent.
    await update(victim.accountId, { base_url: 'https://attacker.example.com/v1' });
    await expectUnreadable(victim.accountId);
    await update(victim.accountId, { base_url: 'https://llm.example.com/v1' });
    expect(await platform.services.providerKeys.reveal(victim.accountId, 'openai_compatible')).toBeDefined();

    // One character of the ciphertext changed (in the middle: a last base64 character may be padding).
    const middle = Math.floor(sealed.ciphertext.length * 0.75);
    const swapped = sealed.ciphertext[middle] === 'A' ? 'B' : 'A';
    await update(victim.accountId, {
      ciphertext: `${sealed.ciphertext.slice(0, middle)}${swapped}${sealed.ciphertext.slice(middle + 1)}`,
    });
    await expectUnreadable(victim.accountId);

    // Moved into another row of the same account (another id).
    await update(victim.accountId, {
      ciphertext: sealed.ciphertext,
      id: `pk_${randomBytes(8).toString('hex')}`,
    });
    await expectUnreadable(victim.accountId);
  });

  if (dialect === 'sqlite') {
    it('the key is not in the SQLite file or its WAL, in plain or encoded', async () => {
      const user = await signUpAndSignIn(platform.app);
      const key = aKey();
      await save(user, 'openai', { api_key: key });
      const target = platform.target;
      if (target.dialect !== 'sqlite') throw new Error('expected SQLite');
      const { existsSync, readFileSync } = await import('node:fs');
      const files = [target.file, `${target.file}-wal`].filter((file) => existsSync(file));
      let sawRow = false;
      for (const file of files) {
        const bytes = readFileSync(file);
        for (const encoded of [
          key,
          Buffer.from(key).toString('base64'),
          Buffer.from(key).toString('base64url'),
          Buffer.from(key).toString('hex'),
        ]) {
          expect(bytes.includes(Buffer.from(encoded)), `${file} holds the key`).toBe(false);
        }
        // The part after the prefix, in case a prefix-stripping encoding were used.
        expect(bytes.includes(Buffer.from(key.slice(8, 30))), `${file} holds part of the key`).toBe(false);
        sawRow ||= bytes.includes(Buffer.from(`…${key.slice(-4)}`));
      }
      // The row is there (its masked form): the search above looked where the key would be.
      expect(sawRow).toBe(true);
    });
  }

  async function rowOf(accountId: string, provider = 'openai') {
    return platform.database.db
      .selectFrom('provider_keys')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('provider', '=', provider)
      .executeTakeFirstOrThrow();
  }
});

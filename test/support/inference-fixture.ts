/**
 * What the gateway's HTTP suites share: a platform whose OpenAI and Anthropic base URLs point at
 * stand-ins (plus a third, OpenAI-shaped, for `openai_compatible`), a one-second provider time-out, a
 * log kept in memory at level trace, and helpers that save provider keys through the API and check
 * that no saved key ever appears in a response or a log line.
 */
import type { ProviderName } from '@skytells/contract';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../src/main/logger.js';
import {
  bearer,
  createTestPlatform,
  createToken,
  signUpAndSignIn,
  type ConsoleUser,
  type TestPlatform,
} from './harness.js';
import { ProviderStandIn } from './provider-stand-ins.js';
import { MemoryLog } from './memory-log.js';

/** A user message that asks for a greeting. */
export const hello = [{ role: 'user', content: 'Say hello' }];

/** The `data:` payloads of a server-sent event stream, in order. */
export function eventsOf(text: string): string[] {
  return text
    .split('\n\n')
    .filter((event) => event.startsWith('data: '))
    .map((event) => event.slice('data: '.length));
}

/** The platform, its stand-ins and helpers; set before the suite's first test runs. */
export interface InferenceFixture {
  platform: TestPlatform;
  openai: ProviderStandIn;
  anthropic: ProviderStandIn;
  compatible: ProviderStandIn;
  /** Saves a fresh key of `user` for `provider` through `PUT /v1/providers/{provider}` and returns it. */
  saveKey(user: ConsoleUser, provider: ProviderName, baseUrl?: string): Promise<string>;
  /** A signed-up user and the headers of an access token of theirs holding `inference:use` and `billing:read`. */
  caller(): Promise<{ user: ConsoleUser; headers: Record<string, string> }>;
  /** `POST /v1/chat/completions`; fails the test if a saved provider key appears in the answer. */
  complete(
    headers: Record<string, string>,
    payload: Record<string, unknown>,
  ): Promise<LightMyRequestResponse>;
}

/** The keys saved and the lines logged by each fixture's suite. */
/** The keys saved and the lines logged by each fixture's suite. */
const internals = new WeakMap<InferenceFixture, { secrets: string[]; lines: string[] }>();

/**
 * Sets up the gateway's platform and stand-ins for the enclosing `describe` on `dialect`; its
 * properties are set once the suite's `beforeAll` ran.
 */
export function useInferenceGateway(dialect: 'sqlite' | 'postgres'): InferenceFixture {
  const log = new MemoryLog();
  /** Every provider key saved by a test: none may ever appear in a response or a log line. */
  const secrets: string[] = [];
  let serial = 0;
  const fixture = {
    async saveKey(user: ConsoleUser, provider: ProviderName, baseUrl?: string): Promise<string> {
      serial += 1;
      const apiKey = `sk-${provider}-account-key-${serial}-${Math.random().toString(36).slice(2)}`;
      secrets.push(apiKey);
      const response = await fixture.platform.app.inject({
        method: 'PUT',
        url: `/v1/providers/${provider}`,
        headers: user.headers,
        payload: { api_key: apiKey, ...(baseUrl === undefined ? {} : { base_url: baseUrl }) },
      });
      expect(response.statusCode).toBe(200);
      return apiKey;
    },
    async caller() {
      const user = await signUpAndSignIn(fixture.platform.app);
      const token = await createToken(fixture.platform.app, user, {
        scopes: ['inference:use', 'billing:read'],
      });
      return { user, headers: bearer(token.token) };
    },
    async complete(headers: Record<string, string>, payload: Record<string, unknown>) {
      const response = await fixture.platform.app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        headers,
        payload,
      } satisfies InjectOptions);
      for (const secret of secrets) expect(response.body).not.toContain(secret);
      return response;
    },
  } as InferenceFixture;

  beforeAll(async () => {
    [fixture.openai, fixture.anthropic, fixture.compatible] = await Promise.all([
      ProviderStandIn.start('openai'),
      ProviderStandIn.start('anthropic'),
      ProviderStandIn.start('openai'),
    ]);
    fixture.platform = await createTestPlatform({
      dialect,
      logger: createLogger('trace', log),
      env: {
        SKYTELLS_OPENAI_BASE_URL: `${fixture.openai.origin}/v1`,
        SKYTELLS_ANTHROPIC_BASE_URL: fixture.anthropic.origin,
        SKYTELLS_PROVIDER_TIMEOUT_MS: '1000',
      },
    });
  });
  afterAll(async () => {
    // fetch's connection pool may have opened a socket it never used: it would hold close() up.
    fixture.platform.app.server.closeAllConnections();
    await fixture.platform.close();
    await Promise.all([fixture.openai.close(), fixture.anthropic.close(), fixture.compatible.close()]);
  });

  internals.set(fixture, { secrets, lines: log.lines });
  return fixture;
}

/** The last test of a gateway suite: no provider key saved by its tests reached a log line. */
export function itLogsNoProviderKey(fixture: InferenceFixture): void {
  it('no provider key ever reaches a log line', () => {
    const { secrets, lines } = internals.get(fixture)!;
    expect(secrets.length).toBeGreaterThan(0);
    expect(lines.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(lines.filter((line) => line.includes(secret))).toEqual([]);
  });
}

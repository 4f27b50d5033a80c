/**
 * Two platforms (as two server processes compose them) sharing one PostgreSQL schema, each with its
 * own verification cache and LISTEN connection: an API key revoked, or whose roll grace ends, through
 * one is refused by the other, though the other had it cached. Lives in test/ because it crosses
 * every layer.
 */
import { operations } from '@skytells/contract';
import { afterEach, expect, it } from 'vitest';
import { authenticate } from '../../src/adapters/http/authenticate.js';
import { ManualClock } from '../../src/core/clock.js';
import { platformsSharingOneDatabase, signUpAndSignIn, TEST_DATABASE_URL } from '../support/harness.js';
import type { Platform } from '../../src/main/compose.js';

const itOnPostgres = TEST_DATABASE_URL === undefined ? it.skip : it;
const POSTGRES_NOTE = TEST_DATABASE_URL === undefined ? ' (skipped: TEST_DATABASE_URL not set)' : '';
/** The documented bound between a revocation and its refusal by every other process. */
const INVALIDATION_BOUND_MS = 1000;
const INFERENCE = '/test/inference';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** Two platforms on one fresh schema with one secret and one clock, each guarding a stand-in inference route. */
async function twoPlatforms(clock: ManualClock): Promise<[Platform, Platform]> {
  const shared = await platformsSharingOneDatabase(2, { clock });
  cleanups.push(() => shared.close());
  for (const platform of shared.platforms) {
    platform.app.post(
      INFERENCE,
      { onRequest: authenticate(platform.services, operations.createChatCompletion.auth) },
      async () => ({ ok: true }),
    );
  }
  return [shared.platforms[0]!, shared.platforms[1]!];
}

const use = async (platform: Platform, key: string) => {
  const response = await platform.app.inject({
    method: 'POST',
    url: INFERENCE,
    headers: { 'x-api-key': key },
  });
  return { status: response.statusCode, code: response.json<{ code?: string }>().code };
};

/** Uses `key` on `platform` until it is refused with `code`; fails past the bound. */
async function refusedWithin(platform: Platform, key: string, code: string): Promise<number> {
  const since = performance.now();
  for (;;) {
    const answer = await use(platform, key);
    if (answer.status === 401) {
      expect(answer.code).toBe(code);
      return performance.now() - since;
    }
    expect(answer.status).toBe(200);
    expect(performance.now() - since).toBeLessThan(INVALIDATION_BOUND_MS);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

itOnPostgres(
  `a key revoked through one process is refused by another that had it cached, within a second${POSTGRES_NOTE}`,
  async () => {
    const clock = new ManualClock(new Date());
    const [one, two] = await twoPlatforms(clock);
    const user = await signUpAndSignIn(one.app);
    const created = await one.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: user.headers,
      payload: { name: 'k' },
    });
    const { id, key } = created.json<{ id: string; key: string }>();
    expect(await use(two, key)).toEqual({ status: 200, code: undefined });
    expect(await use(two, key)).toEqual({ status: 200, code: undefined });

    const revoked = await one.app.inject({
      method: 'DELETE',
      url: `/v1/api-keys/${id}`,
      headers: user.headers,
    });
    expect(revoked.statusCode).toBe(204);

    expect(await use(one, key)).toMatchObject({ status: 401, code: 'token_revoked' });
    await refusedWithin(two, key, 'token_revoked');
  },
  60_000,
);

itOnPostgres(
  `a key rolled with a grace through one process works on another until the grace ends, then is refused${POSTGRES_NOTE}`,
  async () => {
    const clock = new ManualClock(new Date());
    const [one, two] = await twoPlatforms(clock);
    const user = await signUpAndSignIn(one.app);
    const created = await one.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: user.headers,
      payload: { name: 'k' },
    });
    const old = created.json<{ id: string; key: string }>();
    expect((await use(two, old.key)).status).toBe(200);

    const rolled = await one.app.inject({
      method: 'POST',
      url: `/v1/api-keys/${old.id}/roll`,
      headers: user.headers,
      payload: { grace_seconds: 60 },
    });
    expect(rolled.statusCode).toBe(201);
    const fresh = rolled.json<{ key: string }>();
    // The announcement reaches the other process, which then reads the key with its grace end.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await use(two, old.key)).status).toBe(200);
    expect((await use(two, fresh.key)).status).toBe(200);

    clock.advance(60_000);
    expect(await use(two, old.key)).toMatchObject({ status: 401, code: 'token_expired' });
    expect(await use(one, old.key)).toMatchObject({ status: 401, code: 'token_expired' });
    expect((await use(two, fresh.key)).status).toBe(200);
  },
  60_000,
);

itOnPostgres(
  `a key rolled without grace through one process is refused by another at once${POSTGRES_NOTE}`,
  async () => {
    const clock = new ManualClock(new Date());
    const [one, two] = await twoPlatforms(clock);
    const user = await signUpAndSignIn(one.app);
    const created = await one.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: user.headers,
      payload: { name: 'k' },
    });
    const old = created.json<{ id: string; key: string }>();
    expect((await use(two, old.key)).status).toBe(200);

    const rolled = await one.app.inject({
      method: 'POST',
      url: `/v1/api-keys/${old.id}/roll`,
      headers: user.headers,
    });
    expect(rolled.statusCode).toBe(201);

    await refusedWithin(two, old.key, 'token_revoked');
  },
  60_000,
);

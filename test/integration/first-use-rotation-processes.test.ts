/**
 * Rotation that finishes itself across processes: two platforms (as two server processes compose
 * them) sharing one PostgreSQL schema, each with its own verification cache and LISTEN connection.
 * The replacement's first use in one process revokes the old token in both, and first uses seen by
 * both at once revoke it once, with one audit event. Lives in test/ because it crosses every layer.
 */
import { afterEach, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { Platform } from '../../src/main/compose.js';
import {
  bearer,
  createToken,
  signUpAndSignIn,
  TEST_DATABASE_URL,
  type ConsoleUser,
  platformsSharingOneDatabase,
} from '../support/harness.js';
import { listAudit } from '../support/http.js';

const itOnPostgres = TEST_DATABASE_URL === undefined ? it.skip : it;
const POSTGRES_NOTE = TEST_DATABASE_URL === undefined ? ' (skipped: TEST_DATABASE_URL not set)' : '';
/** The documented bound between a revocation and its refusal by every other process. */
const INVALIDATION_BOUND_MS = 1000;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** Two platforms on one fresh schema with one secret and one clock. */
async function twoPlatforms(clock: ManualClock): Promise<[Platform, Platform]> {
  const shared = await platformsSharingOneDatabase(2, { clock });
  cleanups.push(() => shared.close());
  return [shared.platforms[0]!, shared.platforms[1]!];
}

const use = async (platform: Platform, token: string) => {
  const response = await platform.app.inject({
    method: 'GET',
    url: '/v1/tokens/self',
    headers: bearer(token),
  });
  return { status: response.statusCode, code: response.json<{ code?: string }>().code };
};

/** Uses `token` on `platform` until it is refused with `code`; fails past the bound. */
async function refusedWithin(platform: Platform, token: string, code: string): Promise<void> {
  const since = performance.now();
  for (;;) {
    const answer = await use(platform, token);
    if (answer.status === 401) {
      expect(answer.code).toBe(code);
      return;
    }
    expect(answer.status).toBe(200);
    expect(performance.now() - since).toBeLessThan(INVALIDATION_BOUND_MS);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A token of `user` rotated with `revoke_old_on_first_use` through `platform`: the old and new values. */
async function rotatedOnFirstUse(platform: Platform, user: ConsoleUser) {
  const old = await createToken(platform.app, user, { name: 'worker' });
  const response = await platform.app.inject({
    method: 'POST',
    url: `/v1/tokens/${old.id}/rotate`,
    headers: user.headers,
    payload: { revoke_old_on_first_use: true },
  });
  expect(response.statusCode).toBe(201);
  return { old, fresh: response.json<{ id: string; token: string }>() };
}

itOnPostgres(
  `the replacement's first use in one process revokes the old token in another that had it cached${POSTGRES_NOTE}`,
  async () => {
    const clock = new ManualClock(new Date());
    const [one, two] = await twoPlatforms(clock);
    const user = await signUpAndSignIn(one.app);
    const { old, fresh } = await rotatedOnFirstUse(one, user);
    // Both processes have the old token cached, and working.
    expect(await use(one, old.token)).toEqual({ status: 200, code: undefined });
    expect(await use(two, old.token)).toEqual({ status: 200, code: undefined });

    expect((await use(two, fresh.token)).status).toBe(200);

    expect(await use(two, old.token)).toEqual({ status: 401, code: 'token_revoked' });
    await refusedWithin(one, old.token, 'token_revoked');
    expect((await use(one, fresh.token)).status).toBe(200);
    const revocations = (await listAudit(one.app, user)).filter((event) => event.action === 'token.revoked');
    expect(revocations).toEqual([
      expect.objectContaining({
        target: { type: 'token', id: old.id },
        details: expect.objectContaining({ reason: 'replaced' }),
      }),
    ]);
  },
);

itOnPostgres(
  `first uses seen by two processes at once revoke the old token once, with one audit event${POSTGRES_NOTE}`,
  async () => {
    const clock = new ManualClock(new Date());
    const [one, two] = await twoPlatforms(clock);
    const user = await signUpAndSignIn(one.app);
    const { old, fresh } = await rotatedOnFirstUse(one, user);
    // Neither process has seen the replacement: both read it, find its predecessor waiting, and revoke.
    const answers = await Promise.all([
      use(one, fresh.token),
      use(two, fresh.token),
      use(one, fresh.token),
      use(two, fresh.token),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);

    await refusedWithin(one, old.token, 'token_revoked');
    await refusedWithin(two, old.token, 'token_revoked');
    const revocations = (await listAudit(one.app, user)).filter((event) => event.action === 'token.revoked');
    expect(revocations).toHaveLength(1);
    expect(revocations[0]).toMatchObject({ target: { id: old.id }, details: { reason: 'replaced' } });
  },
);

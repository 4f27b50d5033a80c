import { randomBytes } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { loadConfig } from '../../src/config/config.js';
import { composePlatform, type Platform } from '../../src/main/compose.js';
import {
  bearer,
  createTestDatabase,
  createTestPlatform,
  createToken,
  signUpAndSignIn,
  TEST_SCRYPT,
  type ConsoleUser,
  type TestPlatform,
} from '../support/harness.js';
import { DAY_MS, expectProblem, listAudit, listTokens } from '../support/http.js';

/** Drops the harness's default `expires_in_days` from a token-creation body. */
const NO_DAYS = { expires_in_days: undefined };

interface TokenBody {
  id: string;
  name: string;
  token: string;
  expires_at: string | null;
}

/** The instant `ms` after `clock`'s now, as the API writes it. */
function inFuture(clock: ManualClock, ms: number): string {
  return new Date(clock.now().getTime() + ms).toISOString();
}

describe('a token cannot outgrow its creator', () => {
  let platform: TestPlatform;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = new ManualClock(new Date());
    platform = await createTestPlatform({ clock });
  });
  afterAll(async () => platform.close());

  const inject = (options: InjectOptions) => platform.app.inject(options);
  const createWith = (token: string, body: Record<string, unknown>) =>
    inject({ method: 'POST', url: '/v1/tokens', headers: bearer(token), payload: body });
  const rotateWith = (token: string, id: string, body: Record<string, unknown> = {}) =>
    inject({ method: 'POST', url: `/v1/tokens/${id}/rotate`, headers: bearer(token), payload: body });
  const expiryOf = async (user: ConsoleUser, id: string) =>
    (await inject({ method: 'GET', url: `/v1/tokens/${id}`, headers: user.headers })).json<TokenBody>()
      .expires_at;

  it('a token cannot create one that expires after it or never: 403 lifetime_exceeds_caller, nothing written', async () => {
    const user = await signUpAndSignIn(platform.app);
    const caller = await createToken(platform.app, user, { scopes: ['tokens:write'], expires_in_days: 30 });
    const callerExpiry = await expiryOf(user, caller.id);
    clock.advance(DAY_MS);

    for (const expiry of [
      { expires_in_days: 30 },
      { expires_at: new Date(Date.parse(callerExpiry!) + 1000).toISOString() },
      { expires: 'never' },
    ]) {
      const response = await createWith(caller.token, { name: 'longer', scopes: ['tokens:read'], ...expiry });
      const problem = expectProblem(response, 403, 'lifetime_exceeds_caller');
      expect(problem.detail).toContain(callerExpiry);
    }
    expect((await listTokens(platform.app, user)).map((t) => t.id)).toEqual([caller.id]);
    const created = (await listAudit(platform.app, user)).filter((e) => e.action === 'token.created');
    expect(created).toHaveLength(1);
  });

  it('a token may create one that expires with it or earlier', async () => {
    const user = await signUpAndSignIn(platform.app);
    const caller = await createToken(platform.app, user, { scopes: ['tokens:write'], expires_in_days: 30 });
    const callerExpiry = await expiryOf(user, caller.id);
    clock.advance(DAY_MS);

    const sameEnd = await createWith(caller.token, {
      name: 'same end',
      scopes: ['tokens:read'],
      expires_at: callerExpiry,
    });
    expect(sameEnd.statusCode).toBe(201);
    expect(sameEnd.json<TokenBody>().expires_at).toBe(callerExpiry);
    const shorter = await createWith(caller.token, {
      name: 'shorter',
      scopes: ['tokens:read'],
      expires_in_days: 29,
    });
    expect(shorter.statusCode).toBe(201);
  });

  it('a token that never expires may create tokens of any lifetime, "never" included', async () => {
    const user = await signUpAndSignIn(platform.app);
    const caller = await createToken(platform.app, user, {
      scopes: ['tokens:write'],
      expires: 'never',
      ...NO_DAYS,
    });
    for (const expiry of [{ expires: 'never' }, { expires_in_days: 366 }]) {
      const response = await createWith(caller.token, {
        name: `any ${JSON.stringify(expiry)}`,
        scopes: ['tokens:read'],
        ...expiry,
      });
      expect(response.statusCode).toBe(201);
    }
  });

  it('the console may still create a token that never expires', async () => {
    const user = await signUpAndSignIn(platform.app);
    const response = await inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: user.headers,
      payload: { name: 'forever', scopes: ['tokens:read'], expires: 'never' },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json<TokenBody>().expires_at).toBeNull();
  });

  it('a token rotating another cannot state a later expiry, or none: 403 lifetime_exceeds_caller', async () => {
    const user = await signUpAndSignIn(platform.app);
    const caller = await createToken(platform.app, user, { scopes: ['tokens:write'], expires_in_days: 10 });
    const target = await createToken(platform.app, user, { scopes: ['tokens:read'], expires_in_days: 90 });
    for (const expiry of [{ expires_in_days: 11 }, { expires: 'never' }]) {
      expectProblem(await rotateWith(caller.token, target.id, expiry), 403, 'lifetime_exceeds_caller');
    }
    expect(await listTokens(platform.app, user)).toHaveLength(2);
  });

  it('a replacement made by a token without a stated expiry expires no later than that token', async () => {
    const user = await signUpAndSignIn(platform.app);
    const caller = await createToken(platform.app, user, { scopes: ['tokens:write'], expires_in_days: 10 });
    const callerExpiry = await expiryOf(user, caller.id);
    const forever = await createToken(platform.app, user, {
      scopes: ['tokens:read'],
      expires: 'never',
      ...NO_DAYS,
    });
    const long = await createToken(platform.app, user, { scopes: ['tokens:read'], expires_in_days: 90 });
    const short = await createToken(platform.app, user, { scopes: ['tokens:read'], expires_in_days: 2 });
    clock.advance(1000);

    for (const target of [forever, long]) {
      const response = await rotateWith(caller.token, target.id);
      expect(response.statusCode).toBe(201);
      expect(response.json<TokenBody>().expires_at).toBe(callerExpiry);
    }
    // A shorter inherited lifetime is kept as it is.
    const kept = await rotateWith(caller.token, short.id);
    expect(kept.json<TokenBody>().expires_at).toBe(inFuture(clock, 2 * DAY_MS));
  });

  it('a token rotating itself cannot extend its own life', async () => {
    const user = await signUpAndSignIn(platform.app);
    const caller = await createToken(platform.app, user, { scopes: ['tokens:write'], expires_in_days: 30 });
    const callerExpiry = await expiryOf(user, caller.id);
    clock.advance(10 * DAY_MS);

    const response = await rotateWith(caller.token, caller.id);
    expect(response.statusCode).toBe(201);
    expect(response.json<TokenBody>().expires_at).toBe(callerExpiry);
  });

  it('the console rotating a token gives the replacement the old lifetime, counted from now', async () => {
    const user = await signUpAndSignIn(platform.app);
    const target = await createToken(platform.app, user, { scopes: ['tokens:read'], expires_in_days: 90 });
    clock.advance(10 * DAY_MS);
    const response = await inject({
      method: 'POST',
      url: `/v1/tokens/${target.id}/rotate`,
      headers: user.headers,
    });
    expect(response.json<TokenBody>().expires_at).toBe(inFuture(clock, 90 * DAY_MS));
  });
});

describe('instance token policy: SKYTELLS_TOKEN_MAX_LIFETIME_DAYS=30, SKYTELLS_TOKEN_REQUIRE_EXPIRATION=true', () => {
  let platform: TestPlatform;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = new ManualClock(new Date());
    platform = await createTestPlatform({
      clock,
      env: { SKYTELLS_TOKEN_MAX_LIFETIME_DAYS: '30', SKYTELLS_TOKEN_REQUIRE_EXPIRATION: 'true' },
    });
  });
  afterAll(async () => platform.close());

  const inject = (options: InjectOptions) => platform.app.inject(options);

  it('a creation over 30 days, or without expiry, is a 400 policy_violation that writes nothing', async () => {
    const user = await signUpAndSignIn(platform.app);
    for (const [expiry, detail] of [
      [{ expires_in_days: 31 }, 'This server lets a token live at most 30 days.'],
      [{ expires_at: inFuture(clock, 30 * DAY_MS + 1000) }, 'This server lets a token live at most 30 days.'],
      [{ expires: 'never' }, /requires every token to expire, within 30 days/],
    ] as const) {
      const response = await inject({
        method: 'POST',
        url: '/v1/tokens',
        headers: user.headers,
        payload: { name: 'too long', scopes: ['tokens:read'], ...expiry },
      });
      expect(expectProblem(response, 400, 'policy_violation').detail).toMatch(detail);
    }
    expect(await listTokens(platform.app, user)).toEqual([]);
    expect((await listAudit(platform.app, user)).map((e) => e.action)).not.toContain('token.created');
  });

  it('a creation of exactly 30 days is accepted, by days or by date', async () => {
    const user = await signUpAndSignIn(platform.app);
    await createToken(platform.app, user, { expires_in_days: 30 });
    await createToken(platform.app, user, { expires_at: inFuture(clock, 30 * DAY_MS), ...NO_DAYS });
    expect(await listTokens(platform.app, user)).toHaveLength(2);
  });

  it('the policy binds token callers too, before their own limit is considered', async () => {
    const user = await signUpAndSignIn(platform.app);
    const caller = await createToken(platform.app, user, { scopes: ['tokens:write'], expires_in_days: 30 });
    const response = await inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: bearer(caller.token),
      payload: { name: 'never', scopes: ['tokens:read'], expires: 'never' },
    });
    expectProblem(response, 400, 'policy_violation');
  });

  it('a rotation that states a lifetime over 30 days, or none, is a 400 policy_violation', async () => {
    const user = await signUpAndSignIn(platform.app);
    const target = await createToken(platform.app, user, { expires_in_days: 30 });
    for (const expiry of [{ expires_in_days: 31 }, { expires: 'never' }]) {
      const response = await inject({
        method: 'POST',
        url: `/v1/tokens/${target.id}/rotate`,
        headers: user.headers,
        payload: expiry,
      });
      expectProblem(response, 400, 'policy_violation');
    }
    expect(await listTokens(platform.app, user)).toHaveLength(1);
  });
});

describe('a policy lowered after tokens were made', () => {
  const clock = new ManualClock(new Date());
  const secret = randomBytes(32).toString('hex');
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
  });
  afterAll(async () => database.dispose());

  /** The real platform on the shared database, configured by `env`. */
  async function start(env: Record<string, string>): Promise<Platform> {
    return composePlatform({
      config: loadConfig({ SKYTELLS_SECRET: secret, ...env }),
      target: database.target,
      logger: false,
      scrypt: TEST_SCRYPT,
      clock,
    });
  }

  async function stop(platform: Platform): Promise<void> {
    await platform.app.close();
    await platform.database.close();
  }

  it('cuts the lifetime a rotation inherits to the new maximum, and gives "never" one', async () => {
    const before = await start({});
    const user = await signUpAndSignIn(before.app);
    const forever = await createToken(before.app, user, { expires: 'never', ...NO_DAYS });
    const long = await createToken(before.app, user, { expires_in_days: 366 });
    await stop(before);

    const after = await start({
      SKYTELLS_TOKEN_MAX_LIFETIME_DAYS: '30',
      SKYTELLS_TOKEN_REQUIRE_EXPIRATION: 'true',
    });
    try {
      clock.advance(1000);
      for (const old of [forever, long]) {
        const response = await after.app.inject({
          method: 'POST',
          url: `/v1/tokens/${old.id}/rotate`,
          headers: user.headers,
        });
        expect(response.statusCode).toBe(201);
        expect(response.json<TokenBody>().expires_at).toBe(inFuture(clock, 30 * DAY_MS));
      }
    } finally {
      await stop(after);
    }
  });
});

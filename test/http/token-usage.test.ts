/**
 * `GET /v1/tokens/{id}/usage`: what a token's real requests exercised, counted in memory and flushed
 * in batches, and the narrower scopes that would have served them.
 */
import type { TokenUsage } from '@skytells/contract';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import {
  bearer,
  createTestPlatform,
  createToken,
  signUpAndSignIn,
  type ConsoleUser,
  type TestPlatform,
} from '../support/harness.js';
import { DAY_MS, describeEachDialect, expectProblem } from '../support/http.js';

describeEachDialect('token usage over HTTP', (dialect) => {
  let platform: TestPlatform;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = new ManualClock(new Date('2026-03-10T12:00:00Z'));
    platform = await createTestPlatform({ dialect, clock });
  });
  afterAll(async () => platform.close());

  const inject = (options: InjectOptions) => platform.app.inject(options);
  const usage = async (user: ConsoleUser, id: string, query = '') => {
    const response = await inject({
      method: 'GET',
      url: `/v1/tokens/${id}/usage${query}`,
      headers: user.headers,
    });
    expect(response.statusCode).toBe(200);
    return response.json<TokenUsage>();
  };
  const call = async (token: string, method: 'GET' | 'DELETE', url: string, ip: string) => {
    const response = await inject({ method, url, headers: bearer(token), remoteAddress: ip });
    expect(response.statusCode).toBeLessThan(300);
  };

  it('shows the scopes a token exercised, those it never did, narrower scopes and where it was used from', async () => {
    const user = await signUpAndSignIn(platform.app);
    const token = await createToken(platform.app, user, {
      scopes: ['tokens:read', 'tokens:write', 'projects:read', 'billing:read'],
    });
    const spare = await createToken(platform.app, user);
    const first = clock.now();
    await call(token.token, 'GET', '/v1/tokens', '203.0.113.5');
    await call(token.token, 'GET', '/v1/projects', '203.0.113.5');
    await call(token.token, 'GET', '/v1/projects', '203.0.113.5');
    clock.advance(60_000);
    await call(token.token, 'DELETE', `/v1/tokens/${spare.id}`, '198.51.100.7');

    // Nothing flushed yet: the counts in memory are shown.
    const pending = await usage(user, token.id);
    expect(pending).toEqual({
      window_days: 30,
      requests: 4,
      scopes_used: ['tokens:read', 'tokens:write', 'projects:read'],
      unused_scopes: ['billing:read'],
      suggested_scopes: ['tokens:write', 'projects:read'],
      ips: [
        { ip: '203.0.113.5', requests: 3, last_at: first.toISOString() },
        { ip: '198.51.100.7', requests: 1, last_at: new Date(first.getTime() + 60_000).toISOString() },
      ],
    });

    expect(await platform.tokenUsage.flush()).toBeGreaterThan(0);
    expect(await usage(user, token.id)).toEqual(pending);

    // Stored and pending counts add up.
    await call(token.token, 'GET', '/v1/projects', '198.51.100.7');
    await call(token.token, 'GET', '/v1/projects', '198.51.100.7');
    await call(token.token, 'GET', '/v1/projects', '198.51.100.7');
    const after = await usage(user, token.id);
    expect(after.requests).toBe(7);
    expect(after.ips.map((ip) => [ip.ip, ip.requests])).toEqual([
      ['198.51.100.7', 4],
      ['203.0.113.5', 3],
    ]);
  });

  it('a token that only read says so: its write scope is unused and the read alone is suggested', async () => {
    const user = await signUpAndSignIn(platform.app);
    const token = await createToken(platform.app, user, { scopes: ['projects:write', 'tokens:read'] });
    await call(token.token, 'GET', '/v1/projects', '203.0.113.9');
    // The token reads its own usage: that request is counted too, under tokens:read.
    const response = await inject({
      method: 'GET',
      url: `/v1/tokens/${token.id}/usage`,
      headers: bearer(token.token),
    });
    expect(response.json()).toMatchObject({
      requests: 2,
      scopes_used: ['tokens:read', 'projects:read'],
      unused_scopes: ['projects:write'],
      suggested_scopes: ['tokens:read', 'projects:read'],
    });
  });

  it('counts only the requests of the days asked for', async () => {
    const user = await signUpAndSignIn(platform.app);
    const token = await createToken(platform.app, user, { scopes: ['projects:read', 'tokens:read'] });
    await call(token.token, 'GET', '/v1/tokens', '203.0.113.1');
    await platform.tokenUsage.flush();
    clock.advance(10 * DAY_MS);
    await call(token.token, 'GET', '/v1/projects', '203.0.113.2');

    expect(await usage(user, token.id, '?days=5')).toMatchObject({
      window_days: 5,
      requests: 1,
      scopes_used: ['projects:read'],
      unused_scopes: ['tokens:read'],
      ips: [{ ip: '203.0.113.2', requests: 1 }],
    });
    expect(await usage(user, token.id, '?days=11')).toMatchObject({ window_days: 11, requests: 2 });
    expect(await usage(user, token.id, '?days=10')).toMatchObject({ requests: 1 });
    expect(await usage(user, token.id)).toMatchObject({ window_days: 30, requests: 2 });
  });

  it('a token that was never used has every scope unused and nothing to suggest', async () => {
    const user = await signUpAndSignIn(platform.app);
    const token = await createToken(platform.app, user, { scopes: ['billing:read'] });
    expect(await usage(user, token.id)).toEqual({
      window_days: 30,
      requests: 0,
      scopes_used: [],
      unused_scopes: ['billing:read'],
      suggested_scopes: [],
      ips: [],
    });
  });

  it("another account's token is not found, and a window outside 1 to 90 days is refused", async () => {
    const owner = await signUpAndSignIn(platform.app);
    const stranger = await signUpAndSignIn(platform.app);
    const token = await createToken(platform.app, owner);
    const foreign = await inject({
      method: 'GET',
      url: `/v1/tokens/${token.id}/usage`,
      headers: stranger.headers,
    });
    expectProblem(foreign, 404, 'not_found');
    for (const days of ['0', '91', 'many']) {
      const response = await inject({
        method: 'GET',
        url: `/v1/tokens/${token.id}/usage?days=${days}`,
        headers: owner.headers,
      });
      expectProblem(response, 400, 'validation_failed');
    }
  });
});

import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REVOKE_RATE_LIMIT } from '../../src/adapters/http/routes/credential-routes.js';
import {
  bearer,
  createTestPlatform,
  createToken,
  signUpAndSignIn,
  type TestPlatform,
} from '../support/harness.js';
import {
  describeEachDialect,
  expectFieldError,
  expectProblem,
  listAudit,
  unissuedToken,
  withBadChecksum,
} from '../support/http.js';

let address = 0;
/** A client address of its own, so that the endpoint's rate limit never couples two tests. */
const nextAddress = () => `198.18.${Math.floor(++address / 250)}.${(address % 250) + 1}`;

describeEachDialect('reporting leaked credentials over HTTP', (dialect) => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform({ dialect });
  });
  afterAll(async () => platform.close());

  const report = (credentials: unknown, options: Partial<InjectOptions> = {}) =>
    platform.app.inject({
      method: 'POST',
      url: '/v1/credentials/revoke',
      payload: { credentials } as InjectOptions['payload'],
      remoteAddress: nextAddress(),
      ...options,
    });

  it('anyone holding a token can revoke it without authenticating, and it stops working at once', async () => {
    const user = await signUpAndSignIn(platform.app);
    const leaked = await createToken(platform.app, user);
    expect(
      (await platform.app.inject({ method: 'GET', url: '/v1/tokens/self', headers: bearer(leaked.token) }))
        .statusCode,
    ).toBe(200);

    const response = await report([leaked.token]);
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ revoked: 1 });

    const after = await platform.app.inject({
      method: 'GET',
      url: '/v1/tokens/self',
      headers: bearer(leaked.token),
    });
    expectProblem(after, 401, 'token_revoked');
    const shown = await platform.app.inject({
      method: 'GET',
      url: `/v1/tokens/${leaked.id}`,
      headers: user.headers,
    });
    expect(shown.json()).toMatchObject({ status: 'revoked' });
  });

  it('a revocation for a leak is audited with reason leaked, and the owner is told', async () => {
    const user = await signUpAndSignIn(platform.app);
    const leaked = await createToken(platform.app, user);
    await report([leaked.token], { headers: { 'user-agent': 'secret-scanner/2' } });

    const events = await listAudit(platform.app, user);
    const revoked = events.find((e) => e.action === 'token.revoked');
    expect(revoked).toMatchObject({
      actor: { type: 'anonymous', id: null },
      target: { type: 'token', id: leaked.id },
      details: { reason: 'leaked', masked: leaked.masked },
    });
    expect(events.find((e) => e.action === 'token.leak_reported')).toMatchObject({
      target: { type: 'token', id: leaked.id },
    });
    expect(JSON.stringify(events)).not.toContain(leaked.token);
  });

  it('counts only the active tokens it revoked: unknown, malformed, repeated and revoked values count 0', async () => {
    const user = await signUpAndSignIn(platform.app);
    const a = await createToken(platform.app, user);
    const b = await createToken(platform.app, user);
    const gone = await createToken(platform.app, user);
    await platform.app.inject({ method: 'DELETE', url: `/v1/tokens/${gone.id}`, headers: user.headers });

    const response = await report([
      a.token,
      a.token,
      b.token,
      gone.token,
      unissuedToken(),
      withBadChecksum(a.token),
      'hello',
    ]);
    expect(response.json()).toEqual({ revoked: 2 });
    expect((await report([a.token, b.token])).json()).toEqual({ revoked: 0 });
  });

  it('revokes tokens of several accounts in one request, and no other of their tokens', async () => {
    const alice = await signUpAndSignIn(platform.app);
    const bob = await signUpAndSignIn(platform.app);
    const alices = await createToken(platform.app, alice);
    const bobs = await createToken(platform.app, bob);
    const bobsOther = await createToken(platform.app, bob);
    expect((await report([alices.token, bobs.token])).json()).toEqual({ revoked: 2 });
    const other = await platform.app.inject({
      method: 'GET',
      url: '/v1/tokens/self',
      headers: bearer(bobsOther.token),
    });
    expect(other.statusCode).toBe(200);
  });

  it('accepts 1000 values and refuses 1001 with a 400 that revokes nothing', async () => {
    const user = await signUpAndSignIn(platform.app);
    const leaked = await createToken(platform.app, user);
    // The count is what is limited; repeating one unknown value keeps the test fast.
    const filler = Array.from({ length: 1000 }, () => 'skt_unknown');

    const tooMany = await report([leaked.token, ...filler]);
    expectFieldError(tooMany, 'credentials');
    const still = await platform.app.inject({
      method: 'GET',
      url: '/v1/tokens/self',
      headers: bearer(leaked.token),
    });
    expect(still.statusCode).toBe(200);

    const enough = await report([leaked.token, ...filler.slice(1)]);
    expect(enough.json()).toEqual({ revoked: 1 });
  });

  it('refuses bodies of the wrong shape with a 400', async () => {
    for (const payload of [
      {},
      { credentials: 'skt_x' },
      { credentials: [1] },
      { credentials: [], extra: 1 },
    ]) {
      const response = await platform.app.inject({
        method: 'POST',
        url: '/v1/credentials/revoke',
        payload,
        remoteAddress: nextAddress(),
      });
      expectProblem(response, 400, 'validation_failed');
    }
  });

  it('is rate limited per address: past the limit a 429 with Retry-After, and other addresses go on', async () => {
    const remoteAddress = nextAddress();
    for (let i = 0; i < REVOKE_RATE_LIMIT; i++) {
      expect((await report([unissuedToken()], { remoteAddress })).statusCode).toBe(202);
    }
    const user = await signUpAndSignIn(platform.app);
    const leaked = await createToken(platform.app, user);
    const limited = await report([leaked.token], { remoteAddress });
    expectProblem(limited, 429, 'rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    const still = await platform.app.inject({
      method: 'GET',
      url: '/v1/tokens/self',
      headers: bearer(leaked.token),
    });
    expect(still.statusCode).toBe(200);

    expect((await report([leaked.token])).json()).toEqual({ revoked: 1 });
  });
});

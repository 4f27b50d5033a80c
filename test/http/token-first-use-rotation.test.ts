/**
 * Rotation that finishes itself, in one process: the old token keeps working until its replacement
 * is used once, and is then refused, audited `token.revoked` with reason `replaced`, once.
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import {
  bearer,
  createTestPlatform,
  createToken,
  signUpAndSignIn,
  type TestPlatform,
} from '../support/harness.js';
import { describeEachDialect, expectFieldError, expectProblem, listAudit } from '../support/http.js';

describeEachDialect('rotation with revoke_old_on_first_use over HTTP', (dialect) => {
  let platform: TestPlatform;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = new ManualClock(new Date());
    platform = await createTestPlatform({ dialect, clock });
  });
  afterAll(async () => platform.close());

  const inject = (options: InjectOptions) => platform.app.inject(options);
  const self = (token: string) => inject({ method: 'GET', url: '/v1/tokens/self', headers: bearer(token) });

  it("the old token works until the replacement's first use, and is refused as revoked from then on", async () => {
    const user = await signUpAndSignIn(platform.app);
    const old = await createToken(platform.app, user, { name: 'ci', scopes: ['tokens:read'] });
    expect((await self(old.token)).statusCode).toBe(200);
    const rotated = await inject({
      method: 'POST',
      url: `/v1/tokens/${old.id}/rotate`,
      headers: user.headers,
      payload: { revoke_old_on_first_use: true },
    });
    expect(rotated.statusCode).toBe(201);
    const fresh = rotated.json<{ id: string; token: string }>();

    clock.advance(60_000);
    const before = await self(old.token);
    expect(before.statusCode).toBe(200);
    expect(before.json()).toMatchObject({
      status: 'active',
      replaced_by: fresh.id,
      revoke_on_first_use_of: fresh.id,
      revoked_at: null,
    });
    expect((await self(old.token)).statusCode).toBe(200);

    clock.advance(60_000);
    const firstUse = clock.now().toISOString();
    expect((await self(fresh.token)).statusCode).toBe(200);

    expectProblem(await self(old.token), 401, 'token_revoked');
    const shown = await inject({ method: 'GET', url: `/v1/tokens/${old.id}`, headers: user.headers });
    expect(shown.json()).toMatchObject({ status: 'revoked', revoked_at: firstUse });
    expect((await self(fresh.token)).statusCode).toBe(200);

    const revocations = (await listAudit(platform.app, user)).filter(
      (event) => event.action === 'token.revoked',
    );
    expect(revocations).toHaveLength(1);
    expect(revocations[0]).toMatchObject({
      target: { type: 'token', id: old.id },
      actor: { type: 'token', id: fresh.id },
      details: { reason: 'replaced' },
    });
  });

  it('a replacement rotated without the option leaves the old token active after its use', async () => {
    const user = await signUpAndSignIn(platform.app);
    const old = await createToken(platform.app, user);
    const rotated = await inject({
      method: 'POST',
      url: `/v1/tokens/${old.id}/rotate`,
      headers: user.headers,
    });
    expect(rotated.json()).toMatchObject({ revoke_on_first_use_of: null });
    expect((await self(rotated.json<{ token: string }>().token)).statusCode).toBe(200);
    expect((await self(old.token)).json()).toMatchObject({ status: 'active', revoke_on_first_use_of: null });
  });

  it('revocation on first use and a revocation delay together are refused', async () => {
    const user = await signUpAndSignIn(platform.app);
    const old = await createToken(platform.app, user);
    const response = await inject({
      method: 'POST',
      url: `/v1/tokens/${old.id}/rotate`,
      headers: user.headers,
      payload: { revoke_old_on_first_use: true, revoke_old_after_seconds: 60 },
    });
    expect(response.statusCode).toBe(400);
    expectFieldError(response, 'revoke_old_on_first_use');
    expect((await self(old.token)).json()).toMatchObject({ status: 'active', replaced_by: null });
  });
});

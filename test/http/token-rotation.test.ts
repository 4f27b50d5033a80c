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
import {
  DAY_MS,
  describeEachDialect,
  expectFieldError,
  expectProblem,
  listAudit,
  listTokens,
} from '../support/http.js';

describeEachDialect('token rotation over HTTP', (dialect) => {
  let platform: TestPlatform;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = new ManualClock(new Date());
    platform = await createTestPlatform({ dialect, clock });
  });
  afterAll(async () => platform.close());

  const inject = (options: InjectOptions) => platform.app.inject(options);
  const self = (token: string) => inject({ method: 'GET', url: '/v1/tokens/self', headers: bearer(token) });

  it('a rotation without options keeps the scopes, links both tokens, and leaves the old one active', async () => {
    const user = await signUpAndSignIn(platform.app);
    const old = await createToken(platform.app, user, {
      name: 'deploy',
      scopes: ['tokens:read', 'projects:read'],
    });
    clock.advance(1000);
    const response = await inject({
      method: 'POST',
      url: `/v1/tokens/${old.id}/rotate`,
      headers: user.headers,
    });
    expect(response.statusCode).toBe(201);
    const fresh = response.json();
    expect(fresh.token).toMatch(/^skt_[0-9A-Za-z]{38}$/);
    expect(fresh.token).not.toBe(old.token);
    expect(fresh).toMatchObject({
      name: 'deploy-2',
      scopes: ['tokens:read', 'projects:read'],
      status: 'active',
      replaces: old.id,
      replaced_by: null,
    });

    const oldNow = await self(old.token);
    expect(oldNow.statusCode).toBe(200);
    expect(oldNow.json()).toMatchObject({ status: 'active', replaced_by: fresh.id, revoked_at: null });
    expect((await self(fresh.token)).statusCode).toBe(200);
  });

  it('a rotation carries the old lifetime over from now when no expiration is given', async () => {
    const user = await signUpAndSignIn(platform.app);
    const old = await createToken(platform.app, user, { expires_in_days: 30 });
    clock.advance(DAY_MS);
    const response = await inject({
      method: 'POST',
      url: `/v1/tokens/${old.id}/rotate`,
      headers: user.headers,
    });
    expect(response.json().expires_at).toBe(new Date(clock.now().getTime() + 30 * DAY_MS).toISOString());
  });

  it('a rotation may rename the token, narrow its scopes and set a new expiration', async () => {
    const user = await signUpAndSignIn(platform.app);
    const old = await createToken(platform.app, user, { scopes: ['tokens:write', 'billing:read'] });
    const response = await inject({
      method: 'POST',
      url: `/v1/tokens/${old.id}/rotate`,
      headers: user.headers,
      payload: { name: 'narrower', scopes: ['tokens:read'], expires: 'never' },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ name: 'narrower', scopes: ['tokens:read'], expires_at: null });
  });

  it('a rotation refuses scopes the old token does not hold, and rotates nothing', async () => {
    const user = await signUpAndSignIn(platform.app);
    const old = await createToken(platform.app, user, { scopes: ['tokens:read'] });
    const response = await inject({
      method: 'POST',
      url: `/v1/tokens/${old.id}/rotate`,
      headers: user.headers,
      payload: { scopes: ['tokens:read', 'billing:read'] },
    });
    expectFieldError(response, 'scopes');
    const tokens = await listTokens(platform.app, user);
    expect(tokens.map((t) => t.id)).toEqual([old.id]);
    expect((await self(old.token)).json()).toMatchObject({ replaced_by: null });
  });

  it('revoke_old_after_seconds 0 revokes the old token at once', async () => {
    const user = await signUpAndSignIn(platform.app);
    const old = await createToken(platform.app, user);
    expect((await self(old.token)).statusCode).toBe(200);
    const response = await inject({
      method: 'POST',
      url: `/v1/tokens/${old.id}/rotate`,
      headers: user.headers,
      payload: { revoke_old_after_seconds: 0 },
    });
    expect(response.statusCode).toBe(201);
    expectProblem(await self(old.token), 401, 'token_revoked');
    expect((await self(response.json().token)).statusCode).toBe(200);
  });

  it('revoke_old_after_seconds N keeps the old token working for exactly N more seconds', async () => {
    const user = await signUpAndSignIn(platform.app);
    const old = await createToken(platform.app, user);
    const rotatedAt = clock.now().getTime();
    const response = await inject({
      method: 'POST',
      url: `/v1/tokens/${old.id}/rotate`,
      headers: user.headers,
      payload: { revoke_old_after_seconds: 3600 },
    });
    expect(response.statusCode).toBe(201);

    const during = await self(old.token);
    expect(during.statusCode).toBe(200);
    expect(during.json()).toMatchObject({
      status: 'active',
      revoked_at: new Date(rotatedAt + 3_600_000).toISOString(),
    });
    expect((await listTokens(platform.app, user, 'active')).map((t) => t.id)).toContain(old.id);

    clock.advance(3_599_000);
    expect((await self(old.token)).statusCode).toBe(200);
    clock.advance(1000);
    expectProblem(await self(old.token), 401, 'token_revoked');
    expect((await listTokens(platform.app, user, 'revoked')).map((t) => t.id)).toEqual([old.id]);
    expect((await self(response.json().token)).statusCode).toBe(200);
  });

  it('an old token whose revocation is scheduled can still be revoked at once by hand', async () => {
    const user = await signUpAndSignIn(platform.app);
    const old = await createToken(platform.app, user);
    await inject({
      method: 'POST',
      url: `/v1/tokens/${old.id}/rotate`,
      headers: user.headers,
      payload: { revoke_old_after_seconds: 604_800 },
    });
    const revoked = await inject({ method: 'DELETE', url: `/v1/tokens/${old.id}`, headers: user.headers });
    expect(revoked.statusCode).toBe(204);
    expectProblem(await self(old.token), 401, 'token_revoked');
  });

  it('revoke_old_after_seconds outside 0..604800 or not a whole number is a 400 that rotates nothing', async () => {
    const user = await signUpAndSignIn(platform.app);
    const old = await createToken(platform.app, user);
    for (const value of [-1, 604_801, 1.5, '60', null]) {
      const response = await inject({
        method: 'POST',
        url: `/v1/tokens/${old.id}/rotate`,
        headers: user.headers,
        payload: { revoke_old_after_seconds: value },
      });
      expectFieldError(response, 'revoke_old_after_seconds');
    }
    expect((await listTokens(platform.app, user)).map((t) => t.id)).toEqual([old.id]);
  });

  it('a rotation with an invalid expiration is a 400 that rotates nothing', async () => {
    const user = await signUpAndSignIn(platform.app);
    const old = await createToken(platform.app, user);
    for (const payload of [
      { expires_in_days: 0 },
      { expires_in_days: 367 },
      { expires_in_days: 5, expires: 'never' },
      { expires_at: new Date(clock.now().getTime() - 1000).toISOString() },
    ]) {
      const response = await inject({
        method: 'POST',
        url: `/v1/tokens/${old.id}/rotate`,
        headers: user.headers,
        payload,
      });
      expectProblem(response, 400, 'validation_failed');
    }
    expect((await listTokens(platform.app, user)).map((t) => t.id)).toEqual([old.id]);
  });

  it('a revoked token cannot be rotated', async () => {
    const user = await signUpAndSignIn(platform.app);
    const old = await createToken(platform.app, user);
    await inject({ method: 'DELETE', url: `/v1/tokens/${old.id}`, headers: user.headers });
    const response = await inject({
      method: 'POST',
      url: `/v1/tokens/${old.id}/rotate`,
      headers: user.headers,
    });
    expectProblem(response, 409, 'token_not_active');
    expect(await listTokens(platform.app, user, 'active')).toEqual([]);
  });

  it('a token that was already replaced cannot be rotated a second time', async () => {
    const user = await signUpAndSignIn(platform.app);
    const old = await createToken(platform.app, user);
    const first = await inject({ method: 'POST', url: `/v1/tokens/${old.id}/rotate`, headers: user.headers });
    expect(first.statusCode).toBe(201);
    const second = await inject({
      method: 'POST',
      url: `/v1/tokens/${old.id}/rotate`,
      headers: user.headers,
    });
    expectProblem(second, 409, 'token_not_active');
    expect(await listTokens(platform.app, user, 'all')).toHaveLength(2);
  });

  it('concurrent rotations of one token make exactly one replacement', async () => {
    const user = await signUpAndSignIn(platform.app);
    const old = await createToken(platform.app, user);
    const responses = await Promise.all(
      Array.from({ length: 5 }, () =>
        inject({ method: 'POST', url: `/v1/tokens/${old.id}/rotate`, headers: user.headers }),
      ),
    );
    expect(responses.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409, 409]);
    expect(await listTokens(platform.app, user, 'all')).toHaveLength(2);
  });

  it('a rotation to a name an active token holds is a 409 that rotates nothing', async () => {
    const user = await signUpAndSignIn(platform.app);
    await createToken(platform.app, user, { name: 'taken' });
    const old = await createToken(platform.app, user, { name: 'mine' });
    const response = await inject({
      method: 'POST',
      url: `/v1/tokens/${old.id}/rotate`,
      headers: user.headers,
      payload: { name: 'taken' },
    });
    expectProblem(response, 409, 'name_conflict');
    expect(await listTokens(platform.app, user, 'all')).toHaveLength(2);
  });

  it('a token may rotate itself, and a token cannot rotate into scopes it does not hold', async () => {
    const user = await signUpAndSignIn(platform.app);
    const rotator = await createToken(platform.app, user, { scopes: ['tokens:write'] });
    const wide = await createToken(platform.app, user, { scopes: ['billing:read', 'tokens:read'] });

    const refused = await inject({
      method: 'POST',
      url: `/v1/tokens/${wide.id}/rotate`,
      headers: bearer(rotator.token),
    });
    expectProblem(refused, 403, 'insufficient_scope');
    expect(refused.headers['www-authenticate']).toBe(
      'Bearer realm="skytells", error="insufficient_scope", scope="billing:read"',
    );
    expect(await listTokens(platform.app, user, 'all')).toHaveLength(2);

    const itself = await inject({
      method: 'POST',
      url: `/v1/tokens/${rotator.id}/rotate`,
      headers: bearer(rotator.token),
      payload: { revoke_old_after_seconds: 0 },
    });
    expect(itself.statusCode).toBe(201);
    expect(itself.json()).toMatchObject({ created_via: 'api', scopes: ['tokens:write'] });
    expectProblem(await self(rotator.token), 401, 'token_revoked');
  });

  it('a rotation is audited as token.rotated with both masked ids', async () => {
    const user = await signUpAndSignIn(platform.app);
    const old = await createToken(platform.app, user);
    const response = await inject({
      method: 'POST',
      url: `/v1/tokens/${old.id}/rotate`,
      headers: user.headers,
      payload: { revoke_old_after_seconds: 60 },
    });
    const fresh = response.json();
    const events = await listAudit(platform.app, user);
    const rotated = events.find((e) => e.action === 'token.rotated');
    expect(rotated).toMatchObject({
      target: { type: 'token', id: old.id },
      details: { replaced_by: fresh.id, masked: old.masked, new_masked: fresh.masked },
    });
    expect(JSON.stringify(events)).not.toContain(fresh.token);
    expect(JSON.stringify(events)).not.toContain(old.token);
  });
});

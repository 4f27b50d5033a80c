import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestPlatform, createToken, signUpAndSignIn, type TestPlatform } from '../support/harness.js';

describe('token lifecycle over HTTP', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(async () => platform.close());

  it('a created token works until it is revoked, then answers token_revoked', async () => {
    const user = await signUpAndSignIn(platform.app);
    const created = await createToken(platform.app, user, { scopes: ['tokens:read'] });
    const ok = await platform.app.inject({ method: 'GET', url: '/v1/tokens/self', headers: bearer(created.token) });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ id: created.id, status: 'active' });

    const revoked = await platform.app.inject({ method: 'DELETE', url: `/v1/tokens/${created.id}`, headers: user.headers });
    expect(revoked.statusCode).toBe(204);

    const after = await platform.app.inject({ method: 'GET', url: '/v1/tokens/self', headers: bearer(created.token) });
    expect(after.statusCode).toBe(401);
    expect(after.json()).toMatchObject({ code: 'token_revoked' });
    expect(after.headers['www-authenticate']).toMatch(/error="invalid_token"/);
  });
});

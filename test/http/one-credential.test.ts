import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createTestPlatform,
  createToken,
  signUpAndSignIn,
  type TestPlatform,
} from '../support/harness.js';
import { expectProblem, listTokens, verificationCount } from '../support/http.js';

describe('one credential per request', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(async () => platform.close());

  const inject = (options: InjectOptions) => platform.app.inject(options);

  it('two Authorization headers are a 400 invalid_request, even when both carry the same valid token', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { token } = await createToken(platform.app, user);
    const before = await verificationCount(platform.app, 'valid');
    for (const values of [
      [`Bearer ${token}`, `Bearer ${token}`],
      [`Bearer ${token}`, 'Basic dXNlcjpwYXNz'],
    ]) {
      // Each value goes out as a header line of its own, as two proxies or a confused client would send.
      const headers: Record<string, string[]> = { authorization: values };
      const response = await inject({ method: 'GET', url: '/v1/tokens', headers });
      const problem = expectProblem(response, 400, 'invalid_request');
      expect(problem.detail).toMatch(/one Authorization header/);
      expect(response.body).not.toContain(token);
    }
    // Refused before any token was looked at.
    expect(await verificationCount(platform.app, 'valid')).toBe(before);
  });

  it('an Authorization header plus an access_token query parameter is a 400 invalid_request', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { token } = await createToken(platform.app, user);
    for (const url of [`/v1/tokens?access_token=${token}`, '/v1/tokens/self?access_token=']) {
      const response = await inject({ method: 'GET', url, headers: bearer(token) });
      const problem = expectProblem(response, 400, 'invalid_request');
      expect(problem.detail).toMatch(/access_token/);
    }
  });

  it('a refused creation with two credentials creates nothing', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { token } = await createToken(platform.app, user, { scopes: ['tokens:write'] });
    const response = await inject({
      method: 'POST',
      url: `/v1/tokens?access_token=${token}`,
      headers: bearer(token),
      payload: { name: 'second', scopes: ['tokens:read'], expires_in_days: 1 },
    });
    expectProblem(response, 400, 'invalid_request');
    expect((await listTokens(platform.app, user)).map((t) => t.name)).not.toContain('second');
  });

  it('an Authorization header plus an access_token form parameter is refused at token introspection', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { token } = await createToken(platform.app, user, { scopes: ['tokens:read'] });
    const response = await inject({
      method: 'POST',
      url: '/oauth/introspect',
      headers: { ...bearer(token), 'content-type': 'application/x-www-form-urlencoded' },
      payload: `token=${token}&access_token=${token}`,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_request' });
    const single = await inject({
      method: 'POST',
      url: '/oauth/introspect',
      headers: { ...bearer(token), 'content-type': 'application/x-www-form-urlencoded' },
      payload: `token=${token}`,
    });
    expect(single.json()).toMatchObject({ active: true });
  });

  it('a bearer token with a session cookie alongside is still one credential each and accepted', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { token } = await createToken(platform.app, user);
    const response = await inject({
      method: 'GET',
      url: '/v1/tokens',
      headers: { ...user.headers, ...bearer(token) },
    });
    expect(response.statusCode).toBe(200);
  });
});

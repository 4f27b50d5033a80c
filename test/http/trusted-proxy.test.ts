/**
 * `SKYTELLS_TRUST_PROXY`: behind a trusted reverse proxy the client address recorded for a use (last
 * used, audit) is the one its `X-Forwarded-For` names; from anywhere else, and by default, the header is
 * ignored and the socket's address is recorded.
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  bearer,
  createTestPlatform,
  createToken,
  signUpAndSignIn,
  type TestPlatform,
} from '../support/harness.js';
import { describeEachDialect } from '../support/http.js';

const PROXY = '10.0.0.5';

describeEachDialect('client addresses behind a reverse proxy', (dialect) => {
  let behindProxy: TestPlatform;
  let direct: TestPlatform;
  beforeAll(async () => {
    behindProxy = await createTestPlatform({ dialect, env: { SKYTELLS_TRUST_PROXY: `${PROXY}, ::1` } });
    direct = await createTestPlatform({ dialect });
  });
  afterAll(async () => {
    await behindProxy?.close();
    await direct?.close();
  });

  /** Uses `token` once, from `remoteAddress`, with the given `X-Forwarded-For`. */
  const useToken = (platform: TestPlatform, token: string, remoteAddress: string, forwardedFor: string) =>
    platform.app.inject({
      method: 'GET',
      url: '/v1/tokens/self',
      headers: { ...bearer(token), 'x-forwarded-for': forwardedFor },
      remoteAddress,
    } satisfies InjectOptions);

  /** `last_used_ip` as the API shows it, before and after last-used data is written to the database. */
  async function lastUsedIp(platform: TestPlatform, headers: Record<string, string>, id: string) {
    const shown = await platform.app.inject({ method: 'GET', url: `/v1/tokens/${id}`, headers });
    await platform.lastUse.flush();
    const flushed = await platform.app.inject({ method: 'GET', url: `/v1/tokens/${id}`, headers });
    return [
      shown.json<{ last_used_ip: string }>().last_used_ip,
      flushed.json<{ last_used_ip: string }>().last_used_ip,
    ];
  }

  /** The `ip` of `user`'s newest audit event with `action`. */
  async function auditIp(platform: TestPlatform, headers: Record<string, string>, action: string) {
    const response = await platform.app.inject({ method: 'GET', url: '/v1/audit?limit=100', headers });
    expect(response.statusCode).toBe(200);
    return response.json<{ data: { action: string; ip: string }[] }>().data.find((e) => e.action === action)
      ?.ip;
  }

  it('records the X-Forwarded-For address of a trusted proxy as last_used_ip, before and after the flush', async () => {
    const user = await signUpAndSignIn(behindProxy.app);
    const created = await createToken(behindProxy.app, user);

    expect((await useToken(behindProxy, created.token, PROXY, '203.0.113.7')).statusCode).toBe(200);

    expect(await lastUsedIp(behindProxy, user.headers, created.id)).toEqual(['203.0.113.7', '203.0.113.7']);
  });

  it('records the X-Forwarded-For address of a trusted proxy in the audit log', async () => {
    const user = await signUpAndSignIn(behindProxy.app);
    const created = await behindProxy.app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: { ...user.headers, 'x-forwarded-for': '203.0.113.8' },
      remoteAddress: PROXY,
      payload: { name: 'through the proxy', scopes: ['tokens:read'], expires_in_days: 30 },
    });
    expect(created.statusCode).toBe(201);
    const { id, token } = created.json<{ id: string; token: string }>();
    await behindProxy.app.inject({ method: 'DELETE', url: `/v1/tokens/${id}`, headers: user.headers });
    // A refused use is audited with the client's address too.
    expect((await useToken(behindProxy, token, '::1', '203.0.113.9')).statusCode).toBe(401);

    expect(await auditIp(behindProxy, user.headers, 'token.created')).toBe('203.0.113.8');
    expect(await auditIp(behindProxy, user.headers, 'token.auth_failed')).toBe('203.0.113.9');
  });

  it('skips only trusted hops: an address the client wrote before the proxy appended its own is ignored', async () => {
    const user = await signUpAndSignIn(behindProxy.app);
    const created = await createToken(behindProxy.app, user);

    // What nginx's $proxy_add_x_forwarded_for sends for a client that sent "X-Forwarded-For: 192.0.2.1".
    await useToken(behindProxy, created.token, PROXY, '192.0.2.1, 203.0.113.7');

    expect(await lastUsedIp(behindProxy, user.headers, created.id)).toEqual(['203.0.113.7', '203.0.113.7']);
  });

  it('ignores a spoofed X-Forwarded-For from an address that is not a trusted proxy', async () => {
    const user = await signUpAndSignIn(behindProxy.app);
    const created = await createToken(behindProxy.app, user);

    await useToken(behindProxy, created.token, '198.51.100.20', '203.0.113.7');

    expect(await lastUsedIp(behindProxy, user.headers, created.id)).toEqual([
      '198.51.100.20',
      '198.51.100.20',
    ]);
  });

  it('ignores X-Forwarded-For by default, even from loopback', async () => {
    const user = await signUpAndSignIn(direct.app);
    const created = await createToken(direct.app, user);

    await useToken(direct, created.token, '127.0.0.1', '203.0.113.7');

    expect(await lastUsedIp(direct, user.headers, created.id)).toEqual(['127.0.0.1', '127.0.0.1']);
  });
});

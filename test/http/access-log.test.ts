import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/main/logger.js';
import {
  bearer,
  createTestPlatform,
  createToken,
  signUpAndSignIn,
  type TestPlatform,
} from '../support/harness.js';
import { unissuedToken } from '../support/http.js';
import { MemoryLog } from '../support/memory-log.js';

describe('the access log', () => {
  let platform: TestPlatform;
  let quiet: TestPlatform;
  const log = new MemoryLog();
  const warnings = new MemoryLog();
  beforeAll(async () => {
    platform = await createTestPlatform({ logger: createLogger('info', log) });
    quiet = await createTestPlatform({ logger: createLogger('warn', warnings) });
  });
  afterAll(async () => {
    await platform.close();
    await quiet.close();
  });

  it('writes one line per request, when it is done: request id, method, URL, address, status and time', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { token } = await createToken(platform.app, user);
    const response = await platform.app.inject({
      method: 'GET',
      url: '/v1/tokens/self',
      headers: bearer(token),
    });
    expect(response.statusCode).toBe(200);
    const reqId = response.headers['x-request-id'] as string;

    const lines = log.records(reqId);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: { method: 'GET', url: '/v1/tokens/self', remoteAddress: '127.0.0.1' },
      res: { statusCode: 200 },
    });
    expect(lines[0]!['responseTime']).toEqual(expect.any(Number));
    expect(log.records().filter((line) => line['msg'] === 'incoming request')).toEqual([]);
  });

  it('binds the request id to what the request logs on its way, as to its access line', async () => {
    const response = await platform.app.inject({
      method: 'GET',
      url: '/v1/tokens/self',
      headers: bearer(unissuedToken()),
    });
    expect(response.statusCode).toBe(401);
    const reqId = response.headers['x-request-id'] as string;

    expect(log.records(reqId).map((line) => [line['msg'], line['code'] ?? null])).toEqual([
      ['request refused', 'token_invalid'],
      ['request completed', null],
    ]);
    expect(log.records(reqId)[1]).toMatchObject({ res: { statusCode: 401 } });
  });

  it("names the client as SKYTELLS_TRUST_PROXY resolves it, the same address as the token's last use", async () => {
    const behind = new MemoryLog();
    const proxied = await createTestPlatform({
      logger: createLogger('info', behind),
      env: { SKYTELLS_TRUST_PROXY: '127.0.0.1' },
    });
    try {
      const user = await signUpAndSignIn(proxied.app);
      const { token, id } = await createToken(proxied.app, user);
      const response = await proxied.app.inject({
        method: 'GET',
        url: '/v1/tokens/self',
        headers: { ...bearer(token), 'x-forwarded-for': '198.51.100.23' },
      });
      const reqId = response.headers['x-request-id'] as string;

      expect(behind.records(reqId)).toEqual([
        expect.objectContaining({ req: expect.objectContaining({ remoteAddress: '198.51.100.23' }) }),
      ]);
      const shown = await proxied.app.inject({
        method: 'GET',
        url: `/v1/tokens/${id}`,
        headers: user.headers,
      });
      expect(shown.json()).toMatchObject({ last_used_ip: '198.51.100.23' });
    } finally {
      await proxied.close();
    }
  });

  it('writes none below its level (SKYTELLS_LOG_LEVEL=warn)', async () => {
    const response = await quiet.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    await quiet.app.inject({ method: 'GET', url: '/v1/tokens/self', headers: bearer(unissuedToken()) });

    expect(warnings.records().filter((line) => line['reqId'] !== undefined)).toEqual([]);
  });
});

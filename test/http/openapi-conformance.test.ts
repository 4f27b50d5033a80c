/**
 * The error paths the functional suites rarely take, sent to every operation of the contract, are
 * answered only as `/openapi.json` describes: a documented status, media type, code and body.
 */
import { type Operation, operations } from '@skytells/contract';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createTestPlatform,
  createToken,
  signUpAndSignIn,
  type TestPlatform,
} from '../support/harness.js';
import { ResponseConformance } from '../support/openapi-conformance.js';

const CONTRACT = Object.entries(operations) as [string, Operation][];
const conformance = new ResponseConformance();

/** Checks `response` to a request for `operation` against the document, routed or not. */
function mismatchOf(operation: Operation, response: LightMyRequestResponse): string | undefined {
  const contentType = response.headers['content-type'];
  return conformance.check({
    method: operation.method,
    routeUrl: operation.path.replace(/\{(\w+)\}/g, ':$1'),
    status: response.statusCode,
    contentType: typeof contentType === 'string' ? contentType : undefined,
    payload: response.body,
  });
}

describe('responses to unusual requests, against the OpenAPI document', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(async () => platform.close());

  it('answers malformed, oversized and unauthorised requests to every operation only as documented', async () => {
    const mismatches: string[] = [];
    for (const [, operation] of CONTRACT) {
      // Each operation gets its own account: signing out must not spoil the next one.
      const user = await signUpAndSignIn(platform.app);
      const { token } = await createToken(platform.app, user, { scopes: ['tokens:read'] });
      const url = operation.path.replace(/\{(\w+)\}/g, 'nope');
      const json = { ...user.headers, 'content-type': 'application/json' };
      const requests: InjectOptions[] = [
        { headers: json, payload: '{"name":' },
        { headers: { ...user.headers, 'content-type': 'text/plain' }, payload: 'name=x' },
        { headers: json, payload: JSON.stringify({ name: 'x'.repeat(70 * 1024) }) },
        { headers: user.headers, url: `${url}?limit=1&limit=2&cursor=%%%` },
        { headers: user.headers, url: operation.path.replace(/\{(\w+)\}/g, '%E0%A4%A') },
        { headers: user.headers, url: operation.path.replace(/\{(\w+)\}/g, 'x'.repeat(300)) },
        { headers: user.headers, url: operation.path.replace(/\{(\w+)\}/g, 'a%00b') },
        { headers: { cookie: user.cookie } },
        { headers: { authorization: 'Bearer skt_nope' } },
        { headers: { authorization: 'Basic Zm9vOmJhcg==' } },
        { headers: bearer(token) },
        { headers: { ...user.headers, ...bearer(token) } },
      ];
      for (const request of requests) {
        const response = await platform.app.inject({ method: operation.method, url, ...request });
        const mismatch = mismatchOf(operation, response);
        if (mismatch !== undefined) mismatches.push(mismatch);
      }
    }
    expect(mismatches).toEqual([]);
    expect(platform.responseMismatches).toEqual([]);
  });
});

describe('responses while the database is gone, against the OpenAPI document', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(async () => platform.close());

  it('answers every operation only as documented once the database is gone', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { token } = await createToken(platform.app, user, { scopes: ['tokens:read', 'tokens:write'] });
    await platform.database.close();
    const mismatches: string[] = [];
    for (const [, operation] of CONTRACT) {
      const url = operation.path.replace(/\{(\w+)\}/g, 'nope');
      const body =
        operation.method === 'GET'
          ? {}
          : operation.form === true
            ? {
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
                payload: 'client_id=skytells-cli&grant_type=authorization_code&code=c&token=t',
              }
            : { payload: {} };
      for (const headers of [user.headers, bearer(token), {}]) {
        const response = await platform.app.inject({
          method: operation.method,
          url,
          ...body,
          headers: { ...headers, ...('headers' in body ? body.headers : {}) },
        });
        const mismatch = mismatchOf(operation, response);
        if (mismatch !== undefined) mismatches.push(mismatch);
      }
    }
    expect(mismatches).toEqual([]);
    expect(platform.responseMismatches).toEqual([]);
  });
});

/**
 * The server registers exactly the operations of the contract: each one with its method and path,
 * and no API route beside them. Each operation's documented security is what the server enforces.
 */
import { type Operation, operations } from '@skytells/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../support/harness.js';

const CONTRACT = Object.entries(operations) as [string, Operation][];
const fastifyUrl = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

/** Pages a browser navigates (HTML, redirects, their stylesheet): the console's, not the API's. */
const BROWSER_PAGES = new Set(['GET /oauth/authorize', 'POST /oauth/authorize', 'GET /oauth/style.css']);

/** The API's routes: everything under `/v1`, `/oauth` and `/.well-known`, and the operational ones. */
const isApiRoute = (url: string) =>
  /^\/(v1|oauth|\.well-known)\//.test(url) ||
  ['/healthz', '/readyz', '/metrics', '/openapi.json'].includes(url);

/** Every `METHOD /path` in Fastify's route tree (`printRoutes`), HEAD routes left out. */
function registeredRoutes(tree: string): string[] {
  const routes: string[] = [];
  const stack: { column: number; path: string }[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([\s│├└─]*)(\S+)(?: \(([^)]*)\))?$/.exec(line);
    if (match === null) continue;
    const column = match[1]!.length;
    while (stack.length > 0 && stack.at(-1)!.column >= column) stack.pop();
    const path = (stack.at(-1)?.path ?? '') + match[2]!;
    stack.push({ column, path });
    for (const method of (match[3] ?? '').split(',').map((m) => m.trim())) {
      if (method !== '' && method !== 'HEAD') routes.push(`${method} ${path}`);
    }
  }
  return routes;
}

describe('routes and the contract', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
    await platform.app.ready();
  });
  afterAll(async () => platform.close());

  it('registers every operation of the contract with its method and path', () => {
    const missing = CONTRACT.filter(
      ([, operation]) =>
        !platform.app.hasRoute({ method: operation.method, url: fastifyUrl(operation.path) }),
    ).map(([id, operation]) => `${id}: ${operation.method} ${operation.path}`);
    expect(missing).toEqual([]);
  });

  it('registers no API route that the contract does not describe', () => {
    const routes = registeredRoutes(platform.app.printRoutes({ commonPrefix: false }));
    expect(routes).toContain('DELETE /v1/tokens/:id');
    expect(routes).toContain('GET /.well-known/oauth-authorization-server');
    const described = new Set(CONTRACT.map(([, op]) => `${op.method} ${fastifyUrl(op.path)}`));
    const undescribed = routes.filter(
      (route) => isApiRoute(route.split(' ')[1]!) && !described.has(route) && !BROWSER_PAGES.has(route),
    );
    expect(undescribed).toEqual([]);
  });

  it('refuses a request without a credential on every operation documented as needing one', async () => {
    for (const [id, operation] of CONTRACT) {
      if (operation.auth.kind !== 'credential') continue;
      const response = await platform.app.inject({
        method: operation.method,
        url: operation.path.replace(/\{(\w+)\}/g, 'x'),
      });
      expect({ id, status: response.statusCode, code: response.json<{ code: string }>().code }).toEqual({
        id,
        status: 401,
        code: 'token_missing',
      });
    }
  });

  it('asks no credential on the operations documented as public', async () => {
    for (const [id, operation] of CONTRACT) {
      if (operation.auth.kind !== 'public') continue;
      const response = await platform.app.inject({ method: operation.method, url: operation.path });
      expect({ id, status: response.statusCode }).not.toEqual({ id, status: 401 });
      expect({ id, status: response.statusCode }).not.toEqual({ id, status: 403 });
    }
  });
});

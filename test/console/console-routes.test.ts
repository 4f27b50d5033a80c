import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP, consoleRoutes } from '../../src/adapters/http/routes/console-routes.js';
import { createTestPlatform, type TestPlatform } from '../support/harness.js';

const INDEX =
  '<!doctype html><title>console</title><script type="module" src="/assets/app-1234.js"></script>';

describe('console routes', () => {
  let built: string;
  let app: FastifyInstance;
  let unbuilt: FastifyInstance;

  beforeAll(async () => {
    built = mkdtempSync(join(tmpdir(), 'skytells-console-'));
    mkdirSync(join(built, 'assets'));
    writeFileSync(join(built, 'index.html'), INDEX);
    writeFileSync(join(built, 'assets', 'app-1234.js'), 'console.log("console");');
    app = Fastify();
    await app.register(consoleRoutes, { root: built });
    unbuilt = Fastify();
    await unbuilt.register(consoleRoutes, { root: join(built, 'missing') });
  });

  afterAll(async () => {
    await app.close();
    await unbuilt.close();
    rmSync(built, { recursive: true, force: true });
  });

  it.each(['/', '/signin', '/signup', '/settings', '/settings/tokens', '/settings/tokens/tok_123/rotation'])(
    'answers the console path %s with index.html under the console CSP',
    async (url) => {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.body).toBe(INDEX);
    },
  );

  it('serves hashed assets as immutable, under the console CSP', async () => {
    const response = await app.inject({ method: 'GET', url: '/assets/app-1234.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('javascript');
    expect(response.headers['cache-control']).toContain('immutable');
    expect(response.headers['content-security-policy']).toBe(CONSOLE_CSP);
  });

  it('does not serve files outside the assets folder', async () => {
    for (const url of ['/assets/../index.html', '/assets/%2e%2e/index.html', '/index.html']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
    }
  });

  it('answers 503 with the build command when the console was not built', async () => {
    const response = await unbuilt.inject({ method: 'GET', url: '/settings/tokens' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toContain('npm run build');
  });

  it('never allows inline script, framing or foreign origins', () => {
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).toContain("frame-ancestors 'none'");
    expect(CONSOLE_CSP).toContain("base-uri 'none'");
    expect(CONSOLE_CSP).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });
});

describe('console routes inside the API', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(async () => platform.close());

  it.each(['/v1/nothing-here', '/oauth/nothing-here', '/settingsx', '/healthz/x', '/assets/missing.js'])(
    'keeps the JSON 404 problem for %s, outside the console',
    async (url) => {
      const response = await platform.app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({ code: 'not_found' });
    },
  );

  it('serves console pages, OAuth pages and API responses with object-src and base-uri none', async () => {
    for (const url of ['/', '/settings/tokens', '/signin', '/device', '/oauth/authorize', '/healthz']) {
      const response = await platform.app.inject({ method: 'GET', url });
      const csp = String(response.headers['content-security-policy']);
      expect(csp, url).toContain("object-src 'none'");
      expect(csp, url).toContain("base-uri 'none'");
    }
  });

  it('keeps the API CSP on API responses', async () => {
    const response = await platform.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPE_CATALOGUE } from '../../src/core/scopes.js';
import { createTestPlatform, type TestPlatform } from '../support/harness.js';
import { expectProblem } from '../support/http.js';

/** Every `/v1` path of docs/api.md for this stage, in OpenAPI's template form. */
const DOCUMENTED_PATHS = [
  '/v1/accounts',
  '/v1/sessions',
  '/v1/sessions/current',
  '/v1/account',
  '/v1/scopes',
  '/v1/tokens',
  '/v1/tokens/self',
  '/v1/tokens/{id}',
  '/v1/tokens/{id}/rotate',
  '/v1/credentials/revoke',
  '/v1/audit',
  '/v1/projects',
  '/v1/projects/{id}',
  '/v1/projects/{id}/deployments',
  '/v1/billing',
];

describe('operational endpoints', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(async () => platform.close());

  it('GET /healthz answers 200 without authentication', async () => {
    const response = await platform.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers 200 while the database is reachable', async () => {
    const response = await platform.app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
  });

  it('GET /metrics exposes Prometheus text with every verification result from the start', async () => {
    const response = await platform.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.body).toContain('# TYPE skytells_token_verifications_total counter');
    for (const result of ['valid', 'malformed', 'invalid', 'expired', 'revoked']) {
      expect(response.body).toMatch(
        new RegExp(`^skytells_token_verifications_total\\{result="${result}"\\} \\d+$`, 'm'),
      );
    }
    expect(response.body).toContain('skytells_token_verification_duration_seconds_bucket');
  });

  it('GET /openapi.json is an OpenAPI 3.1 document listing every /v1 path of the contract', async () => {
    const response = await platform.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    const paths = Object.keys(document.paths);
    for (const path of DOCUMENTED_PATHS) expect(paths).toContain(path);
    expect(Object.keys(document.paths['/v1/tokens/{id}/rotate'] ?? {})).toContain('post');
    expect(Object.keys(document.paths['/v1/tokens/{id}'] ?? {})).toEqual(
      expect.arrayContaining(['get', 'delete']),
    );
  });

  it('GET /v1/scopes lists the whole catalogue with descriptions, without authentication', async () => {
    const response = await platform.app.inject({ method: 'GET', url: '/v1/scopes' });
    expect(response.statusCode).toBe(200);
    const { data } = response.json<{ data: { name: string; description: string }[] }>();
    expect(data.map((s) => s.name)).toEqual(Object.keys(SCOPE_CATALOGUE));
    expect(data.map((s) => s.name)).toEqual(
      expect.arrayContaining([
        'account:read',
        'account:write',
        'tokens:read',
        'tokens:write',
        'projects:read',
        'projects:write',
        'deployments:read',
        'deployments:write',
        'billing:read',
        'audit:read',
      ]),
    );
    for (const scope of data) {
      expect(scope.description).toBe(SCOPE_CATALOGUE[scope.name as keyof typeof SCOPE_CATALOGUE]);
      expect(scope.description.length).toBeGreaterThan(0);
    }
  });

  it('every /v1 response, success or error, says Cache-Control: no-store', async () => {
    for (const url of ['/v1/scopes', '/v1/tokens', '/v1/nowhere']) {
      const response = await platform.app.inject({ method: 'GET', url });
      expect(response.headers['cache-control']).toBe('no-store');
    }
  });
});

describe('readiness when the database is gone', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(async () => platform.close());

  it('GET /readyz answers 503 database_unavailable once the database cannot be reached', async () => {
    await platform.database.close();
    const response = await platform.app.inject({ method: 'GET', url: '/readyz' });
    expectProblem(response, 503, 'database_unavailable');
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    const health = await platform.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
  });
});

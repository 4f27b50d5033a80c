/**
 * `/openapi.json` is generated from the contract's operations and says what the server does: real
 * statuses, documented errors, the right security, form bodies where OAuth takes them.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { operations } from '@skytells/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenApiDocument } from '../../src/adapters/http/openapi.js';
import { createTestPlatform, type TestPlatform } from '../support/harness.js';
import { ResponseConformance } from '../support/openapi-conformance.js';

type Json = Record<string, unknown>;
type OperationObject = {
  operationId: string;
  security: Record<string, string[]>[];
  parameters?: { name: string; in: string; required: boolean; schema: Json }[];
  requestBody?: { required: boolean; content: Record<string, { schema: Json }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Json }> }>;
};

const PUBLIC_URL = 'https://access.example.com';

describe('the OpenAPI document', () => {
  let platform: TestPlatform;
  let document: OpenApiDocument;
  const op = (path: string, method: string) => document.paths[path]?.[method] as unknown as OperationObject;

  beforeAll(async () => {
    platform = await createTestPlatform({ env: { SKYTELLS_PUBLIC_URL: PUBLIC_URL } });
    const response = await platform.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    document = response.json();
  });
  afterAll(async () => platform.close());

  it('is a valid OpenAPI 3.1 document naming this server', async () => {
    const result = await new Validator().validate(document);
    expect(result).toEqual({ valid: true });
    expect(document.openapi).toBe('3.1.0');
    expect(document['servers']).toEqual([{ url: PUBLIC_URL }]);
  });

  it('is checked by a validator that refuses a broken document', async () => {
    const broken = structuredClone(document);
    // OpenAPI 3.1 §4.8.17.1: a response's description is required.
    delete (broken.paths['/v1/tokens']!['get']!['responses'] as Record<string, Json>)['200']!['description'];
    const result = await new Validator().validate(broken);
    expect(result.valid).toBe(false);
  });

  it('describes every operation of the contract, named by its key', () => {
    for (const [id, operation] of Object.entries(operations)) {
      expect(op(operation.path, operation.method.toLowerCase())?.operationId, id).toBe(id);
    }
  });

  it('documents a DELETE as 204 without content, never 200', () => {
    for (const path of ['/v1/tokens/{id}', '/v1/projects/{id}', '/v1/apps/{id}', '/v1/sessions/current']) {
      const { responses } = op(path, 'delete');
      expect(responses['204'], path).toEqual({ description: 'No content' });
      expect(responses['200'], path).toBeUndefined();
    }
  });

  it('documents creations as 201 and leaked-credential revocation as 202, with their schemas', () => {
    const created = (path: string, method = 'post') => op(path, method).responses['201']?.content;
    expect(created('/v1/apps')).toEqual({
      'application/json': { schema: { $ref: '#/components/schemas/AppWithSecret' } },
    });
    expect(op('/v1/apps', 'post').responses['200']).toBeUndefined();
    expect(created('/v1/tokens')?.['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/IssuedToken',
    });
    expect(created('/v1/accounts')?.['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/Account',
    });
    expect(op('/v1/credentials/revoke', 'post').responses['202']).toBeDefined();
  });

  it('asks no credential of sign-up, sign-in, the scope list, liveness and the token endpoint', () => {
    expect(document['security']).toBeUndefined();
    for (const [path, method] of [
      ['/v1/accounts', 'post'],
      ['/v1/sessions', 'post'],
      ['/v1/scopes', 'get'],
      ['/healthz', 'get'],
      ['/openapi.json', 'get'],
      ['/v1/credentials/revoke', 'post'],
    ] as const) {
      expect(op(path, method).security, path).toEqual([]);
    }
    // RFC 6749 §2.3.1: a confidential client may use HTTP Basic; a public client sends none.
    expect(op('/oauth/token', 'post').security).toEqual([{ client_secret_basic: [] }, {}]);
  });

  it('names the scope of a credential operation, and the session with its CSRF token on writes', () => {
    expect(op('/v1/tokens/{id}', 'get').security).toEqual([{ bearer: ['tokens:read'] }, { session: [] }]);
    expect(op('/v1/tokens', 'post').security).toEqual([
      { bearer: ['tokens:write'] },
      { session: [], csrf: [] },
    ]);
    expect(op('/v1/tokens/self', 'get').security).toEqual([{ bearer: [] }]);
    expect(op('/v1/sessions/current', 'delete').security).toEqual([{ session: [], csrf: [] }]);
    expect(op('/oauth/introspect', 'post').security).toEqual([
      { client_secret_basic: [] },
      { bearer: ['tokens:read'] },
      {},
    ]);
    expect(Object.keys(document.components.securitySchemes)).toEqual(
      expect.arrayContaining(['bearer', 'session', 'csrf', 'client_secret_basic']),
    );
  });

  it('lets a token creation or rotation state null for each restriction, as a type list', () => {
    const { schemas } = document.components;
    for (const name of ['CreateTokenRequest', 'RotateTokenRequest']) {
      const properties = schemas[name]?.['properties'] as Record<string, Json>;
      expect(properties['allowed_ips'], name).toMatchObject({ type: ['array', 'null'], maxItems: 50 });
      expect(properties['rate_limit'], name).toMatchObject({ type: ['object', 'null'] });
      expect(properties['projects'], name).toMatchObject({ type: ['array', 'null'], maxItems: 100 });
      expect(JSON.stringify(properties), name).not.toContain('anyOf');
    }
  });

  it('keeps every named schema in components and refers to it, nested ones too', () => {
    const { schemas } = document.components;
    for (const name of [
      'Token',
      'IssuedToken',
      'Account',
      'Session',
      'Problem',
      'OAuthError',
      'AuditEvent',
    ]) {
      expect(schemas[name], name).toBeDefined();
    }
    expect(schemas['Session']?.['properties']).toMatchObject({
      account: { $ref: '#/components/schemas/Account' },
    });
    const page = op('/v1/tokens', 'get').responses['200']?.content?.['application/json']?.schema;
    expect(page).toMatchObject({
      properties: { data: { type: 'array', items: { $ref: '#/components/schemas/Token' } } },
    });
    const text = JSON.stringify(document);
    expect(text).not.toContain('"$id"');
    for (const [, name] of text.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      expect(schemas[name!], name).toBeDefined();
    }
  });

  it('takes limit as an integer query parameter and the path id from the template', () => {
    for (const path of ['/v1/tokens', '/v1/audit', '/v1/projects', '/v1/projects/{id}/deployments']) {
      const limit = op(path, 'get').parameters?.find((p) => p.name === 'limit');
      expect(limit, path).toMatchObject({ in: 'query', required: false, schema: { type: 'integer' } });
    }
    expect(op('/v1/tokens', 'get').parameters?.map((p) => p.name)).toEqual(['status', 'cursor', 'limit']);
    expect(op('/v1/tokens/{id}', 'delete').parameters).toEqual([
      expect.objectContaining({ name: 'id', in: 'path', required: true }),
    ]);
  });

  it('takes OAuth requests as form bodies and answers their errors in the OAuth format', () => {
    for (const [path, schema] of [
      ['/oauth/token', 'OAuthTokenRequest'],
      ['/oauth/device_authorization', 'DeviceAuthorizationRequest'],
      ['/oauth/revoke', 'RevocationRequest'],
      ['/oauth/introspect', 'IntrospectionRequest'],
    ] as const) {
      const { requestBody, responses } = op(path, 'post');
      expect(requestBody, path).toEqual({
        required: true,
        content: {
          'application/x-www-form-urlencoded': { schema: { $ref: `#/components/schemas/${schema}` } },
        },
      });
      for (const status of ['400', '401', '413']) {
        expect(responses[status]?.content?.['application/json']?.schema, `${path} ${status}`).toEqual({
          $ref: '#/components/schemas/OAuthError',
        });
      }
    }
  });

  it('documents metrics as text and a JSON body as required unless the operation says otherwise', () => {
    expect(op('/metrics', 'get').responses['200']?.content).toEqual({
      'text/plain': { schema: { type: 'string' } },
    });
    expect(op('/v1/tokens', 'post').requestBody?.required).toBe(true);
    expect(op('/v1/tokens/{id}/rotate', 'post').requestBody?.required).toBe(false);
  });

  it('documents every error as a problem naming its possible codes', () => {
    const errors = op('/v1/tokens', 'post').responses;
    expect(Object.keys(errors)).toEqual([
      '201',
      '400',
      '401',
      '403',
      '409',
      '413',
      '415',
      '429',
      '500',
      '503',
      '507',
    ]);
    expect(errors['403']?.description).toContain('`insufficient_scope`');
    expect(errors['403']?.description).toContain('`csrf_token_invalid`');
    expect(errors['403']?.description).toContain('`lifetime_exceeds_caller`');
    expect(errors['409']?.content?.['application/problem+json']?.schema).toEqual({
      allOf: [
        { $ref: '#/components/schemas/Problem' },
        { required: ['code'], properties: { code: { type: 'string', enum: ['name_conflict'] } } },
      ],
    });
    expect(Object.keys(op('/v1/credentials/revoke', 'post').responses)).toContain('429');
    expect(Object.keys(op('/v1/tokens/{id}', 'get').responses)).toContain('404');
    expect(Object.keys(op('/readyz', 'get').responses)).toEqual(['200', '500', '503']);
    // Answered from memory: no database, nothing stored.
    expect(Object.keys(op('/healthz', 'get').responses)).toEqual(['200', '500']);
  });

  it('gives every operation an error response with a schema, so a generated client types its errors', () => {
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const { responses } = operation as unknown as OperationObject;
        const errors = Object.entries(responses).filter(([status]) => Number(status) >= 400);
        expect(errors.length, `${method} ${path}`).toBeGreaterThan(0);
        for (const [status, response] of errors) {
          const schemas = Object.values(response.content ?? {}).map((media) => media.schema);
          expect(schemas.length, `${method} ${path} ${status}`).toBeGreaterThan(0);
          for (const schema of schemas) {
            expect(JSON.stringify(schema), `${method} ${path} ${status}`).toMatch(
              /"#\/components\/schemas\/(Problem|OAuthError)"/,
            );
          }
        }
      }
    }
  });
});

describe('the response check of the test harness', () => {
  const conformance = new ResponseConformance();
  const problem = (code: string, status: number, extra: Json = {}) =>
    JSON.stringify({
      type: `https://skytells.dev/errors/${code}`,
      title: 't',
      status,
      detail: 'd',
      code,
      ...extra,
    });

  it('passes a documented response', () => {
    const ok = conformance.check({
      method: 'GET',
      routeUrl: '/v1/tokens/:id',
      status: 404,
      contentType: 'application/problem+json; charset=utf-8',
      payload: problem('not_found', 404),
    });
    expect(ok).toBeUndefined();
  });

  it('reports an undocumented status, media type, code or field', () => {
    const check = (status: number, contentType: string, payload: string) =>
      conformance.check({ method: 'DELETE', routeUrl: '/v1/tokens/:id', status, contentType, payload });
    expect(check(200, 'application/json', '{}')).toMatch(/does not list/);
    expect(check(404, 'application/json', problem('not_found', 404))).toMatch(
      /documented: application\/problem\+json/,
    );
    expect(check(404, 'application/problem+json', problem('token_missing', 404))).toMatch(/allowed values/);
    expect(check(404, 'application/problem+json', problem('not_found', 404, { hint: 'x' }))).toMatch(
      /additional properties/,
    );
    expect(check(204, 'application/json', '{}')).toMatch(/documented as having none/);
  });
});

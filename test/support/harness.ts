import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyBaseLogger, FastifyInstance, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import type { Clock } from '../../src/core/clock.js';
import { loadConfig } from '../../src/config/config.js';
import type { DatabaseTarget } from '../../src/adapters/storage/database.js';
import { composePlatform, type Platform } from '../../src/main/compose.js';
import { ResponseConformance } from './openapi-conformance.js';

/** Cheap scrypt for tests: behaviour is what they check, not the KDF cost. */
export const TEST_SCRYPT = { N: 2 ** 10, r: 8, p: 1 };

/** The PostgreSQL server tests may use, when `TEST_DATABASE_URL` is set. */
export const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'];

/** A database of its own for one test file: a temporary SQLite file or a fresh PostgreSQL schema. */
export interface TestDatabase {
  target: DatabaseTarget;
  dispose(): Promise<void>;
}

/** Creates an isolated database of `dialect`. */
export async function createTestDatabase(dialect: 'sqlite' | 'postgres'): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'skytells-test-'));
    return {
      target: { dialect: 'sqlite', file: join(dir, 'test.db') },
      dispose: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  if (TEST_DATABASE_URL === undefined) throw new Error('TEST_DATABASE_URL is not set');
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  await client.query(`create schema ${schema}`);
  await client.end();
  return {
    target: { dialect: 'postgres', url: TEST_DATABASE_URL, schema, poolSize: 4 },
    dispose: async () => {
      const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await admin.connect();
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    },
  };
}

/** A composed platform on an isolated database, for `app.inject()` tests. */
export interface TestPlatform extends Platform {
  app: FastifyInstance;
  /** Where the data lives: the SQLite file or the PostgreSQL schema. */
  target: DatabaseTarget;
  /** Responses of contract operations that `/openapi.json` does not describe, so far. */
  responseMismatches: readonly string[];
  close(): Promise<void>;
}

/** Options of {@link createTestPlatform}. */
export interface TestPlatformOptions {
  dialect?: 'sqlite' | 'postgres';
  env?: Record<string, string>;
  clock?: Clock;
  logger?: FastifyBaseLogger | false;
}

let conformance: ResponseConformance | undefined;

/**
 * Records every response of a contract operation that `/openapi.json` does not describe: a status it
 * does not list, another media type, a body that does not match the schema.
 */
function recordMismatches(app: FastifyInstance): string[] {
  conformance ??= new ResponseConformance();
  const checker = conformance;
  const mismatches: string[] = [];
  app.addHook('onSend', async (request, reply, payload) => {
    const routeUrl = request.routeOptions.url;
    if (routeUrl === undefined || request.method === 'HEAD') return payload;
    const contentType = reply.getHeader('content-type');
    try {
      const mismatch = checker.check({
        method: request.method,
        routeUrl,
        status: reply.statusCode,
        contentType: typeof contentType === 'string' ? contentType : undefined,
        payload,
      });
      if (mismatch !== undefined) mismatches.push(mismatch);
    } catch (error) {
      mismatches.push(`${request.method} ${routeUrl}: the check failed: ${String(error)}`);
    }
    return payload;
  });
  return mismatches;
}

/**
 * Composes the real platform (real database, real services) without listening. Every response of a
 * contract operation is checked against `/openapi.json`; `close()` fails the suite on a mismatch.
 */
export async function createTestPlatform(options: TestPlatformOptions = {}): Promise<TestPlatform> {
  const database = await createTestDatabase(options.dialect ?? 'sqlite');
  const config = loadConfig({ SKYTELLS_SECRET: randomBytes(32).toString('hex'), ...options.env });
  const platform = await composePlatform({
    config,
    target: database.target,
    logger: options.logger ?? false,
    scrypt: TEST_SCRYPT,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  const mismatches = recordMismatches(platform.app);
  return {
    ...platform,
    target: database.target,
    responseMismatches: mismatches,
    close: async () => {
      await stopPlatform(platform);
      await database.dispose();
      if (mismatches.length > 0) {
        throw new Error(
          `Responses that /openapi.json does not describe:\n${[...new Set(mismatches)].join('\n')}`,
        );
      }
    },
  };
}

/** Stops everything a composed platform runs and closes its database connections. */
export async function stopPlatform(platform: Platform): Promise<void> {
  await platform.app.close();
  await platform.expiryWarnings.stop();
  await platform.mail.stop();
  await platform.webhooks.stop();
  platform.mailer.close();
  await platform.database.close();
}

/** Server processes sharing one database: composed platforms with one secret (and one clock). */
export interface SharedDatabasePlatforms {
  platforms: Platform[];
  /** Stops every platform, then drops the database. */
  close(): Promise<void>;
}

/**
 * `count` platforms on one fresh database of `dialect` with one server secret, as several
 * `skytells-server` processes share PostgreSQL, optionally on one `clock`.
 */
export async function platformsSharingOneDatabase(
  count: number,
  options: { dialect?: 'sqlite' | 'postgres'; clock?: Clock } = {},
): Promise<SharedDatabasePlatforms> {
  const database = await createTestDatabase(options.dialect ?? 'postgres');
  const config = loadConfig({ SKYTELLS_SECRET: randomBytes(32).toString('hex') });
  const platforms: Platform[] = [];
  for (let i = 0; i < count; i += 1) {
    platforms.push(
      await composePlatform({
        config,
        target: database.target,
        logger: false,
        scrypt: TEST_SCRYPT,
        ...(options.clock === undefined ? {} : { clock: options.clock }),
      }),
    );
  }
  return {
    platforms,
    close: async () => {
      for (const platform of platforms) await stopPlatform(platform);
      await database.dispose();
    },
  };
}

/** A signed-in console user: the cookie and CSRF token to send. */
export interface ConsoleUser {
  accountId: string;
  email: string;
  password: string;
  cookie: string;
  csrf: string;
  /** Headers for a session request; includes the CSRF token. */
  headers: Record<string, string>;
}

let counter = 0;

/** Signs up a fresh account through the API and signs it in. */
export async function signUpAndSignIn(app: FastifyInstance, email?: string): Promise<ConsoleUser> {
  counter += 1;
  const address = email ?? `user${counter}-${randomBytes(4).toString('hex')}@example.com`;
  const password = 'correct horse battery staple';
  const created = await app.inject({
    method: 'POST',
    url: '/v1/accounts',
    payload: { email: address, password },
  });
  if (created.statusCode !== 201) throw new Error(`sign-up failed: ${created.body}`);
  const signedIn = await app.inject({
    method: 'POST',
    url: '/v1/sessions',
    payload: { email: address, password },
  });
  if (signedIn.statusCode !== 201) throw new Error(`sign-in failed: ${signedIn.body}`);
  const cookie = sessionCookie(signedIn);
  const { csrf_token: csrf } = signedIn.json<{ csrf_token: string }>();
  return {
    accountId: created.json<{ id: string }>().id,
    email: address,
    password,
    cookie,
    csrf,
    headers: { cookie, 'x-csrf-token': csrf },
  };
}

/** The `name=value` of the session cookie a response set. */
export function sessionCookie(response: LightMyRequestResponse): string {
  const cookie = response.cookies.find((c) => c.name === 'skytells_session');
  if (cookie === undefined) throw new Error('no session cookie set');
  return `${cookie.name}=${cookie.value}`;
}

/** Creates a token through the API as `user` and returns the response body (with `token`). */
export async function createToken(
  app: FastifyInstance,
  user: ConsoleUser,
  body: Record<string, unknown> = {},
): Promise<{ id: string; token: string; masked: string; scopes: string[]; name: string }> {
  counter += 1;
  const response = await app.inject({
    method: 'POST',
    url: '/v1/tokens',
    headers: user.headers,
    payload: { name: `token-${counter}`, scopes: ['tokens:read'], expires_in_days: 30, ...body },
  });
  if (response.statusCode !== 201) throw new Error(`token creation failed: ${response.body}`);
  return response.json();
}

/** `Authorization` header for `token`. */
export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

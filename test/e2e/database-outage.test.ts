/**
 * PostgreSQL going away under a running server: the server reaches the database through a TCP proxy
 * the test controls, which drops every connection and refuses new ones, then lets them through again.
 * The process stays up, answers 503 `database_unavailable` while the database is gone, never accepts
 * a revoked or unknown token, and serves again by itself once the database is back.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { DatabaseUnavailableError } from '../../src/core/storage-errors.js';
import { composePlatform } from '../../src/main/compose.js';
import {
  bearer,
  createTestDatabase,
  createToken,
  signUpAndSignIn,
  TEST_DATABASE_URL,
  TEST_SCRYPT,
} from '../support/harness.js';
import { unissuedToken } from '../support/http.js';
import {
  call,
  createTokenOn,
  signUpOn,
  type Reply,
  killAllChildren,
  postgresUrlWithSchema,
  type ServerProcess,
  startServerProcess,
} from '../support/processes.js';
import { TcpProxy } from '../support/tcp-proxy.js';

const PASSWORD = 'correct horse battery staple';
const itOnPostgres = TEST_DATABASE_URL === undefined ? it.skip : it;
const POSTGRES_NOTE = TEST_DATABASE_URL === undefined ? ' (skipped: TEST_DATABASE_URL not set)' : '';
/** Real processes on a possibly busy machine: generous, but every wait inside is bounded too. */
const E2E_TIMEOUT = { timeout: 120_000 };

afterAll(killAllChildren);

/** A fresh schema, reached through a proxy the test can cut; both released when the test ends. */
async function proxiedDatabase(onTestFinished: (fn: () => Promise<void>) => void) {
  const direct = new URL(TEST_DATABASE_URL!);
  const proxy = await TcpProxy.start({ host: direct.hostname, port: Number(direct.port || 5432) });
  const database = await createTestDatabase('postgres');
  onTestFinished(async () => {
    await proxy.close();
    await database.dispose();
  });
  if (database.target.dialect !== 'postgres' || database.target.schema === undefined) {
    throw new Error('expected a PostgreSQL schema');
  }
  const proxied = new URL(TEST_DATABASE_URL!);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxy.port);
  return { proxy, url: proxied.toString(), schema: database.target.schema };
}

/** Polls `probe` until it returns a value; bounded, so a server that never gets there fails the test. */
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms`);
}

const signUp = (server: ServerProcess) => signUpOn(server, PASSWORD);
const newToken = createTokenOn;

const useToken = (server: ServerProcess, token: string) =>
  call(server, 'GET', '/v1/tokens/self', { headers: bearer(token) });

/** Asserts the problem a request gets while the database is unreachable. */
function expectUnavailable(reply: Reply): void {
  expect({ status: reply.status, body: reply.body }).toMatchObject({
    status: 503,
    body: { status: 503, code: 'database_unavailable' },
  });
  expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(Number(reply.headers.get('retry-after'))).toBeGreaterThan(0);
}

describe('a server whose PostgreSQL goes away', E2E_TIMEOUT, () => {
  itOnPostgres(
    `stays up, answers 503 database_unavailable, refuses revoked tokens and recovers by itself${POSTGRES_NOTE}`,
    async ({ onTestFinished }) => {
      const { proxy, url, schema } = await proxiedDatabase(onTestFinished);
      const dataDir = mkdtempSync(join(tmpdir(), 'skytells-outage-'));
      onTestFinished(async () => rmSync(dataDir, { recursive: true, force: true }));
      const server = await startServerProcess({
        env: {
          DATABASE_URL: postgresUrlWithSchema(url, schema),
          SKYTELLS_DATA_DIR: dataDir,
          SKYTELLS_LOG_LEVEL: 'warn',
          // Flushes keep failing during the outage: none may end the process.
          SKYTELLS_LAST_USED_FLUSH_MS: '200',
        },
      });
      onTestFinished(async () => {
        if (server.child.exitCode === null && server.child.signalCode === null) await server.stop('SIGKILL');
      });

      const session = await signUp(server);
      const kept = await newToken(server, session, 'kept');
      const revoked = await newToken(server, session, 'revoked');
      expect((await useToken(server, revoked.token)).status).toBe(200);
      expect((await call(server, 'DELETE', `/v1/tokens/${revoked.id}`, { headers: session })).status).toBe(
        204,
      );

      // Traffic runs throughout: every answer is a success or a clean 503, never a 500 or a dropped socket.
      const statuses = new Set<number>();
      let trafficRuns = true;
      const traffic = (async () => {
        while (trafficRuns) {
          // 0 stands for no answer at all: a dropped socket or a dead process.
          statuses.add(
            await useToken(server, kept.token).then(
              (reply) => reply.status,
              () => 0,
            ),
          );
        }
      })();
      const createdJustBefore = await newToken(server, session, 'created-just-before');

      await proxy.cut();
      expectUnavailable(
        await until('a 503 from the server', async () => {
          const reply = await useToken(server, kept.token);
          return reply.status === 503 ? reply : undefined;
        }),
      );
      // The pool saw its connections die, logged it, and the process lived on.
      await until('the lost connection in the log', async () =>
        server.output().includes('database connection lost') ? true : undefined,
      );
      expect(server.child.exitCode).toBeNull();

      expectUnavailable(await useToken(server, kept.token));
      expectUnavailable(await useToken(server, revoked.token));
      expectUnavailable(await useToken(server, unissuedToken()));
      expectUnavailable(await call(server, 'GET', '/v1/tokens', { headers: session }));
      expectUnavailable(
        await call(server, 'POST', '/v1/tokens', {
          headers: session,
          json: { name: 'during-outage', scopes: ['tokens:read'], expires_in_days: 1 },
        }),
      );
      expectUnavailable(await call(server, 'GET', '/readyz'));
      expect((await call(server, 'GET', '/healthz')).status).toBe(200);

      await proxy.restore();
      await until('readiness after the database returns', async () =>
        (await call(server, 'GET', '/readyz')).status === 200 ? true : undefined,
      );
      trafficRuns = false;
      await traffic;
      expect([...statuses].filter((status) => status !== 200 && status !== 503)).toEqual([]);
      expect(statuses.has(503)).toBe(true);

      expect(await useToken(server, kept.token)).toMatchObject({ status: 200, body: { id: kept.id } });
      expect(await useToken(server, revoked.token)).toMatchObject({
        status: 401,
        body: { code: 'token_revoked' },
      });
      expect(await useToken(server, unissuedToken())).toMatchObject({
        status: 401,
        body: { code: 'token_invalid' },
      });
      expect(
        await call(server, 'GET', `/v1/tokens/${createdJustBefore.id}`, { headers: session }),
      ).toMatchObject({ status: 200, body: { name: 'created-just-before', status: 'active' } });
      expect((await useToken(server, createdJustBefore.token)).status).toBe(200);

      expect(server.child.exitCode).toBeNull();
      const output = server.output();
      // Nothing was logged as a fault of the server, and no secret reached the log.
      expect(output).not.toMatch(/"level":(50|60)/);
      for (const secret of [kept.token, revoked.token, createdJustBefore.token, PASSWORD, session.cookie!]) {
        expect(output).not.toContain(secret);
      }
      expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    },
  );

  itOnPostgres(
    `survives its connections being terminated by the server (57P01) and serves the next request${POSTGRES_NOTE}`,
    async ({ onTestFinished }) => {
      const { proxy, url, schema } = await proxiedDatabase(onTestFinished);
      const dataDir = mkdtempSync(join(tmpdir(), 'skytells-outage-'));
      onTestFinished(async () => rmSync(dataDir, { recursive: true, force: true }));
      const server = await startServerProcess({
        env: {
          DATABASE_URL: postgresUrlWithSchema(url, schema),
          SKYTELLS_DATA_DIR: dataDir,
          SKYTELLS_LOG_LEVEL: 'warn',
        },
      });
      onTestFinished(async () => {
        if (server.child.exitCode === null && server.child.signalCode === null) await server.stop('SIGKILL');
      });
      const session = await signUp(server);
      const token = await newToken(server, session, 'survivor');
      expect((await useToken(server, token.token)).status).toBe(200);

      // What `pg_terminate_backend` does on a failover or to an idle session: the pool's idle
      // connections are told "terminating connection due to administrator command" and closed.
      const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await admin.connect();
      let terminated: number;
      try {
        const { rowCount } = await admin.query(
          'select pg_terminate_backend(pid) from pg_stat_activity where client_port = any($1::int[])',
          [proxy.upstreamPorts()],
        );
        terminated = rowCount ?? 0;
      } finally {
        await admin.end();
      }
      expect(terminated).toBeGreaterThan(0);
      // Each idle connection the pool held hears of its end and is dropped.
      await until('every terminated connection in the log', async () =>
        server.output().split('database connection lost').length - 1 >= terminated ? true : undefined,
      );

      expect(server.child.exitCode).toBeNull();
      expect(await useToken(server, token.token)).toMatchObject({ status: 200, body: { id: token.id } });
      expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    },
  );

  itOnPostgres(
    `keeps last-used data observed before the cut and writes it once the database returns${POSTGRES_NOTE}`,
    async ({ onTestFinished }) => {
      const { proxy, url, schema } = await proxiedDatabase(onTestFinished);
      const platform = await composePlatform({
        config: loadConfig({ SKYTELLS_SECRET: randomBytes(32).toString('hex') }),
        target: { dialect: 'postgres', url, schema, poolSize: 4 },
        logger: false,
        scrypt: TEST_SCRYPT,
      });
      onTestFinished(async () => {
        await platform.app.close();
        await platform.database.close();
      });
      const user = await signUpAndSignIn(platform.app);
      const token = await createToken(platform.app, user);
      const used = await platform.app.inject({
        method: 'GET',
        url: '/v1/tokens/self',
        headers: { ...bearer(token.token), 'user-agent': 'before-the-cut/1.0' },
      });
      expect(used.statusCode).toBe(200);

      await proxy.cut();
      await expect(platform.lastUse.flush()).rejects.toBeInstanceOf(DatabaseUnavailableError);
      expect(platform.lastUse.size).toBe(1);

      await proxy.restore();
      expect(await platform.lastUse.flush()).toBe(1);
      const direct = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await direct.connect();
      try {
        const { rows } = await direct.query<{ last_used_user_agent: string | null }>(
          `select last_used_user_agent from ${schema}.access_tokens where id = $1`,
          [token.id],
        );
        expect(rows).toEqual([{ last_used_user_agent: 'before-the-cut/1.0' }]);
      } finally {
        await direct.end();
      }
    },
  );
});

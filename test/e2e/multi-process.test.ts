/**
 * Several `skytells-server` processes on one PostgreSQL schema, each caching verified tokens: a
 * revocation made through one is refused by the others within a second, and a process whose
 * notification connection is cut reads through until it listens again, so it never accepts a token
 * revoked while it could not hear of it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_DATABASE_URL } from '../support/harness.js';
import {
  call,
  createTokenOn,
  signUpOn,
  killAllChildren,
  postgresUrlWithSchema,
  type ServerProcess,
  startServerProcess,
} from '../support/processes.js';

const PASSWORD = 'correct horse battery staple';
const itOnPostgres = TEST_DATABASE_URL === undefined ? it.skip : it;
const POSTGRES_NOTE = TEST_DATABASE_URL === undefined ? ' (skipped: TEST_DATABASE_URL not set)' : '';
/** The documented bound between a revocation and its refusal by every other process. */
const INVALIDATION_BOUND_MS = 1000;
/** Real processes on a possibly busy machine: generous, but every wait inside is bounded too. */
const E2E_TIMEOUT = { timeout: 180_000 };

afterAll(killAllChildren);

/** Three servers on one fresh schema with one secret; all stopped and removed when the test ends. */
async function threeServers(onTestFinished: (fn: () => Promise<void>) => void): Promise<ServerProcess[]> {
  const database = await createTestDatabase('postgres');
  onTestFinished(() => database.dispose());
  if (database.target.dialect !== 'postgres' || database.target.schema === undefined) {
    throw new Error('expected a PostgreSQL schema');
  }
  const env = {
    DATABASE_URL: postgresUrlWithSchema(TEST_DATABASE_URL!, database.target.schema),
    SKYTELLS_SECRET: randomBytes(32).toString('hex'),
    SKYTELLS_LOG_LEVEL: 'info',
  };
  const servers: ServerProcess[] = [];
  for (let i = 0; i < 3; i += 1) {
    const dataDir = mkdtempSync(join(tmpdir(), 'skytells-multi-'));
    onTestFinished(async () => rmSync(dataDir, { recursive: true, force: true }));
    // One after another: the first applies the migrations.
    const server = await startServerProcess({ env: { ...env, SKYTELLS_DATA_DIR: dataDir } });
    onTestFinished(async () => {
      if (server.child.exitCode === null && server.child.signalCode === null) await server.stop('SIGKILL');
    });
    servers.push(server);
  }
  return servers;
}

const signUp = (server: ServerProcess) => signUpOn(server, PASSWORD);
const newToken = createTokenOn;

const useToken = async (server: ServerProcess, token: string) => {
  const reply = await call(server, 'GET', '/v1/tokens/self', {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: reply.status, code: reply.body['code'] };
};

async function revoke(server: ServerProcess, session: Record<string, string>, id: string): Promise<void> {
  expect((await call(server, 'DELETE', `/v1/tokens/${id}`, { headers: session })).status).toBe(204);
}

/**
 * Uses `token` on `server` until it is refused, and how long after `since` that was; fails if that
 * takes longer than `boundMs` or if the answer is anything but 200 or 401 token_revoked.
 */
async function refusedWithin(
  server: ServerProcess,
  token: string,
  since: number,
  boundMs: number,
): Promise<number> {
  for (;;) {
    const reply = await useToken(server, token);
    const elapsed = performance.now() - since;
    if (reply.status === 401) {
      expect(reply.code).toBe('token_revoked');
      return elapsed;
    }
    expect(reply.status).toBe(200);
    if (elapsed > boundMs) throw new Error(`the token was still accepted ${Math.round(elapsed)} ms later`);
  }
}

/** Polls `probe` until it holds; bounded, so a server that never gets there fails the test. */
async function until(what: string, probe: () => Promise<boolean> | boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms`);
}

const LISTENING = 'listening for token revocations';
const timesListening = (server: ServerProcess) => server.output().split(LISTENING).length - 1;

describe('several server processes on one PostgreSQL database', E2E_TIMEOUT, () => {
  itOnPostgres(
    `refuse a token revoked through one of them within ${INVALIDATION_BOUND_MS} ms on the others${POSTGRES_NOTE}`,
    async ({ onTestFinished, annotate }) => {
      const [a, b, c] = (await threeServers(onTestFinished)) as [ServerProcess, ServerProcess, ServerProcess];
      for (const server of [a, b, c]) expect(timesListening(server)).toBe(1);
      const session = await signUp(a);
      const token = await newToken(a, session, 'shared');
      // Used on all three, so each holds it in its cache.
      for (const server of [a, b, c]) expect(await useToken(server, token.token)).toEqual({ status: 200 });

      const revokedAt = performance.now();
      await revoke(a, session, token.id);
      const [delayB, delayC] = await Promise.all([
        refusedWithin(b, token.token, revokedAt, INVALIDATION_BOUND_MS),
        refusedWithin(c, token.token, revokedAt, INVALIDATION_BOUND_MS),
      ]);
      await annotate(
        `refused by the other processes ${Math.round(delayB)} ms and ${Math.round(delayC)} ms after the revocation was sent`,
      );
      expect(await useToken(a, token.token)).toEqual({ status: 401, code: 'token_revoked' });
    },
  );

  itOnPostgres(
    `a process whose notification connection is terminated refuses a token revoked meanwhile, then caches again${POSTGRES_NOTE}`,
    async ({ onTestFinished }) => {
      const [a, , c] = (await threeServers(onTestFinished)) as [ServerProcess, ServerProcess, ServerProcess];
      const session = await signUp(a);
      const first = await newToken(a, session, 'revoked-while-deaf');
      expect(await useToken(c, first.token)).toEqual({ status: 200 });

      const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await admin.connect();
      try {
        const { rows } = await admin.query<{ pid: number }>(
          `select pid from pg_stat_activity where application_name = $1`,
          [`skytells-invalidation-listener pid ${c.child.pid}`],
        );
        expect(rows).toHaveLength(1);
        await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
      } finally {
        await admin.end();
      }
      // Right after the terminate: the revocation's notification cannot reach the process.
      await revoke(a, session, first.id);
      expect(await useToken(c, first.token)).toEqual({ status: 401, code: 'token_revoked' });

      await until('the process listening again', () => timesListening(c) >= 2);
      expect(c.output()).toContain('database connection lost');
      expect(c.child.exitCode).toBeNull();

      // Listening again, with the cache serving: a token cached now is refused once revoked elsewhere.
      const second = await newToken(a, session, 'after-recovery');
      expect(await useToken(c, second.token)).toEqual({ status: 200 });
      const revokedAt = performance.now();
      await revoke(a, session, second.id);
      await refusedWithin(c, second.token, revokedAt, INVALIDATION_BOUND_MS);
      expect(await useToken(c, first.token)).toEqual({ status: 401, code: 'token_revoked' });
      expect(await c.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    },
  );
});

/**
 * The real `skytells-server` as users run it: a child process on a real port, spoken to over real
 * HTTP, stopped with SIGTERM and started again on the same data. Proves that revocations, last-used
 * data, token usage and the generated secret survive a restart, that processes sharing PostgreSQL
 * never honour a token the other revoked, and that the admin commands and configuration checks behave.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_DATABASE_URL } from '../support/harness.js';
import {
  call,
  killAllChildren,
  postgresUrlWithSchema,
  runServerCli,
  type ServerProcess,
  startServerProcess,
} from '../support/processes.js';

const PASSWORD = 'correct horse battery staple';
/** PostgreSQL tests run when `TEST_DATABASE_URL` is set, and otherwise say plainly why they are skipped. */
const itOnPostgres = TEST_DATABASE_URL === undefined ? it.skip : it;
const POSTGRES_NOTE = TEST_DATABASE_URL === undefined ? ' (skipped: TEST_DATABASE_URL not set)' : '';
/** Real processes on a possibly busy machine: generous, but every wait inside is bounded too. */
const E2E_TIMEOUT = { timeout: 120_000 };

afterAll(killAllChildren);

/**
 * What one test owns: temporary directories, PostgreSQL schemas and server processes, all released
 * when the test finishes, whatever its outcome.
 */
class Fixture {
  readonly #cleanups: (() => Promise<void>)[] = [];

  constructor(onTestFinished: (fn: () => Promise<void>) => void) {
    onTestFinished(async () => {
      while (this.#cleanups.length > 0) await this.#cleanups.pop()!().catch(() => undefined);
    });
  }

  tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'skytells-e2e-'));
    this.#cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  /** A fresh PostgreSQL schema, as a `DATABASE_URL` that selects it. */
  async postgresUrl(): Promise<string> {
    const database = await createTestDatabase('postgres');
    this.#cleanups.push(() => database.dispose());
    if (database.target.dialect !== 'postgres' || database.target.schema === undefined) {
      throw new Error('expected a PostgreSQL schema');
    }
    return postgresUrlWithSchema(database.target.url, database.target.schema);
  }

  async start(env: Record<string, string>): Promise<ServerProcess> {
    const server = await startServerProcess({ env });
    this.#cleanups.push(async () => {
      if (server.child.exitCode === null && server.child.signalCode === null) await server.stop('SIGKILL');
    });
    return server;
  }
}

/** A console session: the cookie and CSRF header to send on every request. */
type SessionHeaders = Record<string, string>;

async function signIn(server: ServerProcess, email: string, password = PASSWORD): Promise<SessionHeaders> {
  const response = await fetch(`${server.url}/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json()) as { csrf_token?: string };
  expect(response.status, JSON.stringify(body)).toBe(201);
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0]!)
    .find((pair) => pair.startsWith('skytells_session='));
  if (cookie === undefined || body.csrf_token === undefined) throw new Error('sign-in set no session');
  return { cookie, 'x-csrf-token': body.csrf_token };
}

async function signUpAndSignIn(server: ServerProcess): Promise<{ email: string; session: SessionHeaders }> {
  const email = `e2e-${randomBytes(4).toString('hex')}@example.com`;
  const created = await call(server, 'POST', '/v1/accounts', { json: { email, password: PASSWORD } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { email, session: await signIn(server, email) };
}

async function createToken(server: ServerProcess, session: SessionHeaders, name: string) {
  const created = await call(server, 'POST', '/v1/tokens', {
    headers: session,
    json: { name, scopes: ['tokens:read'], expires_in_days: 30 },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { id: string; token: string };
}

/**
 * Uses `token` on `server` until it is refused with `token_revoked`: at once, or within the 1 s the
 * other processes may take to hear of a revocation; only 200 may come before.
 */
async function refusedAsRevoked(server: ServerProcess, token: string): Promise<void> {
  const deadline = performance.now() + 1000;
  for (;;) {
    const reply = await useToken(server, token);
    if (reply.status !== 200) {
      expect({ status: reply.status, body: reply.body }).toMatchObject({
        status: 401,
        body: { code: 'token_revoked' },
      });
      return;
    }
    if (performance.now() > deadline) throw new Error('the revoked token was still accepted after 1 s');
  }
}

/** `GET /v1/tokens/self` with `token`, as a client announcing `userAgent`. */
function useToken(server: ServerProcess, token: string, userAgent = 'skytells-e2e/1.0') {
  return call(server, 'GET', '/v1/tokens/self', {
    headers: { authorization: `Bearer ${token}`, 'user-agent': userAgent },
  });
}

function lastUseOf(body: Record<string, unknown>) {
  return {
    last_used_at: body['last_used_at'],
    last_used_ip: body['last_used_ip'],
    last_used_user_agent: body['last_used_user_agent'],
  };
}

/**
 * The restart story on one database: tokens created and used, one revoked, SIGTERM, start again.
 * `extraEnv` selects the database.
 */
async function revocationAndLastUseSurviveRestart(fixture: Fixture, extraEnv: Record<string, string>) {
  const dataDir = fixture.tempDir();
  const env = {
    SKYTELLS_DATA_DIR: dataDir,
    SKYTELLS_LOG_LEVEL: 'info',
    // Far beyond the test: only the shutdown flush can write last-used data.
    SKYTELLS_LAST_USED_FLUSH_MS: '3600000',
    ...extraEnv,
  };

  const first = await fixture.start(env);
  const { session } = await signUpAndSignIn(first);
  const kept = await createToken(first, session, 'kept');
  const doomed = await createToken(first, session, 'doomed');
  expect((await useToken(first, kept.token, 'agent-kept/1.0')).status).toBe(200);
  expect((await useToken(first, doomed.token, 'agent-doomed/1.0')).status).toBe(200);
  expect((await call(first, 'DELETE', `/v1/tokens/${doomed.id}`, { headers: session })).status).toBe(204);
  expect((await useToken(first, doomed.token)).body).toMatchObject({ code: 'token_revoked' });

  const keptBefore = lastUseOf(
    (await call(first, 'GET', `/v1/tokens/${kept.id}`, { headers: session })).body,
  );
  const doomedBefore = lastUseOf(
    (await call(first, 'GET', `/v1/tokens/${doomed.id}`, { headers: session })).body,
  );
  expect(keptBefore).toEqual({
    last_used_at: expect.any(String),
    last_used_ip: '127.0.0.1',
    last_used_user_agent: 'agent-kept/1.0',
  });
  expect(doomedBefore.last_used_user_agent).toBe('agent-doomed/1.0');
  const secretFile = join(dataDir, 'secret');
  expect(statSync(secretFile).mode & 0o777).toBe(0o600);
  const secret = readFileSync(secretFile, 'utf8');

  expect(await first.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  expect(first.output()).toContain('skytells server stopped');
  for (const value of [kept.token, doomed.token, secret.trim()]) expect(first.output()).not.toContain(value);

  const second = await fixture.start(env);
  // Read through the session first: using the token again would record a newer last use.
  const keptAfter = await call(second, 'GET', `/v1/tokens/${kept.id}`, { headers: session });
  expect(keptAfter.status).toBe(200);
  expect(lastUseOf(keptAfter.body)).toEqual(keptBefore);
  // Token usage is flushed at SIGTERM too.
  const usage = await call(second, 'GET', `/v1/tokens/${kept.id}/usage`, { headers: session });
  expect(usage.body).toMatchObject({ requests: 1, ips: [{ ip: '127.0.0.1', requests: 1 }] });
  const doomedAfter = await call(second, 'GET', `/v1/tokens/${doomed.id}`, { headers: session });
  expect(doomedAfter.body).toMatchObject({ status: 'revoked', ...doomedBefore });

  const refused = await useToken(second, doomed.token);
  expect(refused.status).toBe(401);
  expect(refused.body).toMatchObject({ code: 'token_revoked' });
  expect(refused.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  // The same secret again, or this token would read as unknown (token_invalid).
  const accepted = await useToken(second, kept.token);
  expect(accepted.status).toBe(200);
  expect(accepted.body).toMatchObject({ id: kept.id, status: 'active' });
  expect(readFileSync(secretFile, 'utf8')).toBe(secret);
  expect(statSync(secretFile).mode & 0o777).toBe(0o600);

  expect(await second.stop('SIGINT')).toEqual({ code: 0, signal: null });
}

describe('skytells-server across a restart', E2E_TIMEOUT, () => {
  it('on SQLite keeps revocations, last-used data flushed at SIGTERM, and the 0600 generated secret', async ({
    onTestFinished,
  }) => {
    await revocationAndLastUseSurviveRestart(new Fixture(onTestFinished), {});
  });

  itOnPostgres(
    `on PostgreSQL keeps revocations, last-used data flushed at SIGTERM, and the 0600 generated secret${POSTGRES_NOTE}`,
    async ({ onTestFinished }) => {
      const fixture = new Fixture(onTestFinished);
      await revocationAndLastUseSurviveRestart(fixture, { DATABASE_URL: await fixture.postgresUrl() });
    },
  );

  itOnPostgres(
    `two processes sharing PostgreSQL refuse a token the other revoked within 1 s${POSTGRES_NOTE}`,
    async ({ onTestFinished }) => {
      const fixture = new Fixture(onTestFinished);
      const env = {
        DATABASE_URL: await fixture.postgresUrl(),
        // One data directory, so both processes use the one generated secret; started at once.
        SKYTELLS_DATA_DIR: fixture.tempDir(),
        SKYTELLS_LOG_LEVEL: 'warn',
      };
      const [a, b] = await Promise.all([fixture.start(env), fixture.start(env)]);

      const { email, session } = await signUpAndSignIn(a);
      for (let round = 0; round < 3; round++) {
        const { id, token } = await createToken(a, session, `shared-${round}`);
        // B has seen the token as valid: a process that cached it would now hold it.
        expect((await useToken(b, token)).status).toBe(200);
        expect((await useToken(b, token)).status).toBe(200);

        expect((await call(a, 'DELETE', `/v1/tokens/${id}`, { headers: session })).status).toBe(204);
        await refusedAsRevoked(b, token);
      }

      // And the other way round, with a session started on B: revoked through B, refused by A.
      const sessionOnB = await signIn(b, email);
      const { id, token } = await createToken(b, sessionOnB, 'from-b');
      expect((await useToken(a, token)).status).toBe(200);
      expect((await call(b, 'DELETE', `/v1/tokens/${id}`, { headers: sessionOnB })).status).toBe(204);
      await refusedAsRevoked(a, token);

      expect(await Promise.all([a.stop(), b.stop()])).toEqual([
        { code: 0, signal: null },
        { code: 0, signal: null },
      ]);
    },
  );
});

describe('skytells-server administration', E2E_TIMEOUT, () => {
  it('create-account takes the password on stdin and makes an account that signs in while sign-up is closed', async ({
    onTestFinished,
  }) => {
    const fixture = new Fixture(onTestFinished);
    const env = {
      SKYTELLS_DATA_DIR: fixture.tempDir(),
      SKYTELLS_SIGNUP: 'closed',
      SKYTELLS_LOG_LEVEL: 'warn',
    };
    const server = await fixture.start(env);

    const refused = await call(server, 'POST', '/v1/accounts', {
      json: { email: 'someone@example.com', password: PASSWORD },
    });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'signup_closed' });

    // The administrator runs it beside the running server, as one would in production.
    const created = await runServerCli(
      ['create-account', '--email', 'Admin@Example.com', '--name', 'Admin'],
      {
        env,
        stdin: `${PASSWORD}\n`,
      },
    );
    expect(created, created.stderr).toMatchObject({ code: 0, signal: null });
    expect(created.stdout).toMatch(/^Created account acc_\w+ for admin@example\.com\.$/m);
    expect(created.stdout + created.stderr).not.toContain(PASSWORD);

    const session = await signIn(server, 'admin@example.com');
    const account = await call(server, 'GET', '/v1/account', { headers: session });
    expect(account.body).toMatchObject({ email: 'admin@example.com', name: 'Admin' });

    const again = await runServerCli(['create-account', '--email', 'admin@example.com'], {
      env,
      stdin: PASSWORD,
    });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^Error: /m);
    expect(again.stderr).not.toMatch(/\n\s+at /);

    expect(await server.stop()).toEqual({ code: 0, signal: null });
  });

  it.for([
    ['PORT', 'abc'],
    ['SKYTELLS_SIGNUP', 'maybe'],
  ] as const)(
    'start fails fast on %s=%s with a non-zero exit naming the variable',
    async ([variable, value], { onTestFinished }) => {
      const dataDir = join(new Fixture(onTestFinished).tempDir(), 'never-created');

      const run = await runServerCli(['start'], {
        env: { SKYTELLS_DATA_DIR: dataDir, PORT: '0', [variable]: value },
        timeoutMs: 15_000,
      });

      expect(run.code).not.toBe(0);
      expect(run.code).not.toBeNull();
      expect(run.stderr).toContain(variable);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      // Configuration is checked before anything is touched.
      expect(() => statSync(dataDir)).toThrow();
    },
  );
});

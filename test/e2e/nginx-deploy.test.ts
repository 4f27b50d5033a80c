/**
 * docs/deploy.md for real: deploy/nginx.conf in front of three `skytells-server` processes on one
 * PostgreSQL schema. Only the ports and nginx's own file paths are changed for the test. Requests are
 * spread over the three, a token revoked through nginx is refused by every process, and the address
 * recorded for a use is the client's as nginx saw it, not one the client wrote itself.
 */
import { randomBytes } from 'node:crypto';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from '../support/harness.js';
import {
  freePort,
  killAllChildren,
  postgresUrlWithSchema,
  REPO_ROOT,
  type ServerProcess,
  startServerProcess,
} from '../support/processes.js';

/** The nginx binary: on the PATH, or where Debian puts it (outside a non-root PATH). */
function findNginx(): string | undefined {
  for (const candidate of ['nginx', '/usr/sbin/nginx']) {
    if (spawnSync(candidate, ['-v'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  return undefined;
}

const NGINX = findNginx();
const SKIPPED =
  TEST_DATABASE_URL === undefined
    ? ' (skipped: TEST_DATABASE_URL not set)'
    : NGINX === undefined
      ? ' (skipped: nginx is not installed)'
      : '';
/** The address the test's client connects to nginx from: a loopback address nginx is not trusted as. */
const CLIENT = '127.0.0.2';
const PASSWORD = 'correct horse battery staple';
/** The documented bound between a revocation and its refusal by every other process. */
const INVALIDATION_BOUND_MS = 1000;

/**
 * deploy/nginx.conf with the upstream ports and the listen address of this test; fails if the
 * shipped file no longer has the lines it replaces, so the test always runs the shipped file.
 */
function renderConfig(upstreamPorts: number[], listenPort: number): string {
  const shipped = readFileSync(join(REPO_ROOT, 'deploy/nginx.conf'), 'utf8');
  let replaced = 0;
  const rendered = shipped
    .replace(/\bserver 127\.0\.0\.1:808([1-3])\b/g, (_match, n: string) => {
      replaced += 1;
      return `server 127.0.0.1:${upstreamPorts[Number(n) - 1]}`;
    })
    .replace(/^(\s*)listen 80;$/m, (_match, indent: string) => {
      replaced += 1;
      return `${indent}listen 127.0.0.1:${listenPort};`;
    });
  expect(replaced, 'deploy/nginx.conf: three upstream servers on 8081-8083 and "listen 80;"').toBe(4);
  return rendered;
}

/** Runs nginx in the foreground with every file it writes under `dir`; resolves once it answers. */
async function startNginx(dir: string, site: string, port: number): Promise<ChildProcess> {
  writeFileSync(join(dir, 'skytells.conf'), site);
  mkdirSync(join(dir, 'logs'), { recursive: true });
  writeFileSync(
    join(dir, 'nginx.conf'),
    [
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${join(dir, 'error.log')} warn;`,
      'events { worker_connections 256; }',
      'http {',
      '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
        (kind) => `  ${kind}_temp_path ${join(dir, kind)};`,
      ),
      `  include ${join(dir, 'skytells.conf')};`,
      '}',
      '',
    ].join('\n'),
  );
  const child = spawn(NGINX!, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${stderr}`);
    try {
      if ((await viaNginx(port, 'GET', '/healthz')).status === 200) return child;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`nginx did not answer in time: ${stderr}`);
}

/** An answer through nginx, its JSON body parsed. */
interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

/** One request to nginx on `port`, from the {@link CLIENT} address. */
function viaNginx(
  port: number,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; json?: unknown } = {},
): Promise<Answer> {
  const body = options.json === undefined ? undefined : JSON.stringify(options.json);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        localAddress: CLIENT,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...options.headers,
        },
        timeout: 15_000,
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: text === '' || !/json/.test(response.headers['content-type'] ?? '') ? {} : JSON.parse(text),
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** The valid-token count in one process's own `/metrics`, read from it directly. */
async function validVerifications(server: ServerProcess): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith('skytells_token_verifications_total{result="valid"}'));
  return Number(line?.split(' ').at(-1));
}

/** Polls `probe` until it holds; bounded, so a deployment that never gets there fails the test. */
async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms`);
}

describe.skipIf(SKIPPED !== '')(`deploy/nginx.conf in front of three server processes${SKIPPED}`, () => {
  let database: TestDatabase;
  let dir: string;
  let servers: ServerProcess[];
  let nginx: ChildProcess | undefined;
  let port: number;
  let session: Record<string, string>;

  const send = (
    method: string,
    path: string,
    options?: { headers?: Record<string, string>; json?: unknown },
  ) => viaNginx(port, method, path, options);
  const useToken = (token: string, headers: Record<string, string> = {}) =>
    send('GET', '/v1/tokens/self', { headers: { authorization: `Bearer ${token}`, ...headers } });
  const createToken = async (name: string) => {
    const created = await send('POST', '/v1/tokens', {
      headers: session,
      json: { name, scopes: ['tokens:read'], expires_in_days: 30 },
    });
    expect(created.status).toBe(201);
    return created.body as { id: string; token: string };
  };

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    if (database.target.dialect !== 'postgres' || database.target.schema === undefined) {
      throw new Error('expected a PostgreSQL schema');
    }
    dir = mkdtempSync(join(tmpdir(), 'skytells-nginx-'));
    port = await freePort();
    const env = {
      DATABASE_URL: postgresUrlWithSchema(TEST_DATABASE_URL!, database.target.schema),
      SKYTELLS_SECRET: randomBytes(32).toString('hex'),
      SKYTELLS_PUBLIC_URL: `http://127.0.0.1:${port}`,
      SKYTELLS_TRUST_PROXY: '127.0.0.1',
      SKYTELLS_LAST_USED_FLUSH_MS: '100',
      SKYTELLS_LOG_LEVEL: 'warn',
    };
    servers = [];
    for (let i = 0; i < 3; i += 1) {
      const dataDir = join(dir, `data-${i}`);
      // One after another: the first applies the migrations.
      servers.push(await startServerProcess({ env: { ...env, SKYTELLS_DATA_DIR: dataDir } }));
    }
    const upstreamPorts = servers.map((server) => Number(new URL(server.url).port));
    nginx = await startNginx(dir, renderConfig(upstreamPorts, port), port);

    const email = `user-${randomBytes(4).toString('hex')}@example.com`;
    expect((await send('POST', '/v1/accounts', { json: { email, password: PASSWORD } })).status).toBe(201);
    const signedIn = await send('POST', '/v1/sessions', { json: { email, password: PASSWORD } });
    expect(signedIn.status).toBe(201);
    const cookie = [signedIn.headers['set-cookie'] ?? []]
      .flat()
      .map((header) => header.split(';')[0]!)
      .find((pair) => pair.startsWith('skytells_session='));
    session = { cookie: cookie!, 'x-csrf-token': String(signedIn.body['csrf_token']) };
  }, 180_000);

  afterAll(async () => {
    if (nginx !== undefined && nginx.exitCode === null) {
      const exited = new Promise((resolve) => nginx!.once('exit', resolve));
      nginx.kill('SIGTERM');
      await exited;
    }
    await killAllChildren();
    await database?.dispose();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('spreads requests over all three processes', async () => {
    const token = await createToken('spread');
    const before = await Promise.all(servers.map(validVerifications));

    for (let i = 0; i < 30; i += 1) expect((await useToken(token.token)).status).toBe(200);

    const after = await Promise.all(servers.map(validVerifications));
    const served = after.map((count, i) => count - before[i]!);
    expect(served.reduce((sum, n) => sum + n, 0)).toBe(30);
    for (const n of served) expect(n).toBeGreaterThan(0);
  });

  it(`refuses a token revoked through nginx on every process, within ${INVALIDATION_BOUND_MS} ms`, async ({
    annotate,
  }) => {
    const token = await createToken('revoked-through-nginx');
    // Three uses, one per process: each has it cached.
    for (let i = 0; i < 3; i += 1) expect(await useToken(token.token)).toMatchObject({ status: 200 });

    const revokedAt = performance.now();
    expect((await send('DELETE', `/v1/tokens/${token.id}`, { headers: session })).status).toBe(204);
    let accepted = 0;
    let refusedInARow = 0;
    // Two full rounds of refusals in a row: every process has refused it, twice.
    while (refusedInARow < 6) {
      const answer = await useToken(token.token);
      if (answer.status === 200) {
        accepted += 1;
        refusedInARow = 0;
        expect(performance.now() - revokedAt).toBeLessThan(INVALIDATION_BOUND_MS);
      } else {
        expect(answer).toMatchObject({ status: 401, body: { code: 'token_revoked' } });
        refusedInARow += 1;
      }
    }
    await annotate(
      `accepted ${accepted} times after the revocation answered, by processes yet to hear of it`,
    );
    for (const server of servers) {
      const direct = await fetch(`${server.url}/v1/tokens/self`, {
        headers: { authorization: `Bearer ${token.token}` },
      });
      expect(direct.status).toBe(401);
    }
  });

  it("records the client's address as nginx saw it, not an X-Forwarded-For the client wrote", async () => {
    const token = await createToken('through-nginx');
    // nginx sends "X-Forwarded-For: 203.0.113.7, 127.0.0.2"; the servers trust 127.0.0.1 only.
    expect((await useToken(token.token, { 'x-forwarded-for': '203.0.113.7' })).status).toBe(200);

    // Any process answers: the one that served the use at once, the others after its flush.
    let seen: unknown[] = [];
    await until('every process showing the use', async () => {
      seen = await Promise.all(
        [0, 1, 2].map(async () => (await send('GET', `/v1/tokens/${token.id}`, { headers: session })).body),
      );
      return seen.every((shown) => (shown as { last_used_ip: unknown }).last_used_ip !== null);
    });
    for (const shown of seen) expect(shown).toMatchObject({ last_used_ip: CLIENT });

    await send('DELETE', `/v1/tokens/${token.id}`, { headers: session });
    await useToken(token.token, { 'x-forwarded-for': '203.0.113.7' });
    const audit = await send('GET', '/v1/audit?limit=100', { headers: session });
    const entries = audit.body['data'] as { action: string; target: { id: string }; ip: string }[];
    const failed = entries.filter((e) => e.action === 'token.auth_failed' && e.target.id === token.id);
    expect(failed.map((e) => e.ip)).toEqual([CLIENT]);
    expect(entries.find((e) => e.action === 'token.created' && e.target.id === token.id)?.ip).toBe(CLIENT);
  });
});

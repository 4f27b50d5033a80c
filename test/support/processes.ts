/**
 * Real `skytells-server` processes for end-to-end tests: spawned with `node --import tsx`, talked
 * to over real HTTP, and always reaped, even when a test fails.
 */
import { randomBytes } from 'node:crypto';
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The repository root: the working directory of every child. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SERVER_CLI = fileURLToPath(new URL('../../src/main/server-cli.ts', import.meta.url));

const children = new Set<ChildProcess>();

/**
 * The parent's environment without any variable the server reads, so a developer's own settings
 * never leak into a test; `env` then sets exactly what the test means.
 */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const inherited: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(SKYTELLS_|DATABASE_URL$|HOST$|PORT$|TEST_DATABASE_URL$)/.test(key)) continue;
    inherited[key] = value;
  }
  return { ...inherited, NO_COLOR: '1', ...env };
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** How a child process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The command line that runs `skytells-server` with `args`: Node.js and its arguments. */
export function serverCommand(args: string[]): [string, string[]] {
  return [process.execPath, ['--conditions=source', '--import', 'tsx', SERVER_CLI, ...args]];
}

function spawnCli(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(...serverCommand(args), {
    cwd: REPO_ROOT,
    env: childEnv(env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function exitOf(child: ChildProcess): Promise<Exit> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The outcome of a `skytells-server` command that ran to completion. */
export interface CliRun extends Exit {
  stdout: string;
  stderr: string;
}

/** Runs `skytells-server <args>` to completion, feeding `stdin` if given. */
export async function runServerCli(
  args: string[],
  options: { env: Record<string, string>; stdin?: string; timeoutMs?: number },
): Promise<CliRun> {
  const child = spawnCli(args, options.env);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin?.end(options.stdin ?? '');
  try {
    const exit = await within(
      exitOf(child),
      options.timeoutMs ?? 20_000,
      `skytells-server ${args.join(' ')}`,
    );
    return { ...exit, stdout, stderr };
  } finally {
    child.kill('SIGKILL');
  }
}

/** A running `skytells-server start`. */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything it wrote so far, stdout and stderr. */
  output(): string;
  /** Sends `signal` and waits for the process to exit. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

/**
 * Starts `skytells-server start` on a free port and waits until `/healthz` answers.
 * @throws when the process exits or does not become healthy within `timeoutMs`.
 */
export async function startServerProcess(options: {
  env: Record<string, string>;
  timeoutMs?: number;
}): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawnCli(['start'], { HOST: '127.0.0.1', PORT: String(port), ...options.env });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stdin?.end();
  const server: ServerProcess = {
    url,
    child,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      const exit = exitOf(child);
      child.kill(signal);
      return within(exit, 15_000, `server shutdown on ${signal}`);
    },
  };

  const deadline = Date.now() + (options.timeoutMs ?? 45_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited before it was healthy:\n${output}`);
    }
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return server;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not become healthy in time:\n${output}`);
}

/** Kills every child still running; for `afterEach`/`afterAll`, so a failed test leaves none behind. */
export async function killAllChildren(): Promise<void> {
  await Promise.all(
    [...children].map(async (child) => {
      const exit = exitOf(child);
      child.kill('SIGKILL');
      await within(exit, 5000, 'killing a child process').catch(() => undefined);
    }),
  );
}

/** A PostgreSQL URL whose connections use `schema`, via libpq's `options` parameter. */
export function postgresUrlWithSchema(url: string, schema: string): string {
  const separator = url.includes('?') ? '&' : '?';
  return `${url}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

/** A server's answer, its JSON body parsed. */
export interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** One request to a server process, with an optional JSON body; the answer's body parsed. */
export async function call(
  server: ServerProcess,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; json?: unknown } = {},
): Promise<Reply> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(options.json === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
  };
}

/** Signs up a fresh account on `server` and signs in: the session cookie and CSRF header to send. */
export async function signUpOn(server: ServerProcess, password: string): Promise<Record<string, string>> {
  const email = `user-${randomBytes(4).toString('hex')}@example.com`;
  const created = await call(server, 'POST', '/v1/accounts', { json: { email, password } });
  if (created.status !== 201) throw new Error(`sign-up failed: ${created.status}`);
  const response = await fetch(`${server.url}/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = (await response.json()) as { csrf_token: string };
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0]!)
    .find((pair) => pair.startsWith('skytells_session='));
  if (response.status !== 201 || cookie === undefined) throw new Error('sign-in failed');
  return { cookie, 'x-csrf-token': body.csrf_token };
}

/** Creates a 30-day `tokens:read` token named `name` through `server`'s API. */
export async function createTokenOn(
  server: ServerProcess,
  session: Record<string, string>,
  name: string,
): Promise<{ id: string; token: string }> {
  const created = await call(server, 'POST', '/v1/tokens', {
    headers: session,
    json: { name, scopes: ['tokens:read'], expires_in_days: 30 },
  });
  if (created.status !== 201) throw new Error(`token creation failed: ${JSON.stringify(created.body)}`);
  return created.body as { id: string; token: string };
}

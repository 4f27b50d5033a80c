/**
 * End-to-end support for the `skytells` CLI suites: a real server listening on a real port, real
 * CLI processes (`node --import tsx cli/src/main.ts`), and a "browser" that is plain HTTP with a
 * signed-in console session.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createTestPlatform, type TestPlatform } from '../support/harness.js';
import { childEnv, freePort, REPO_ROOT } from '../support/processes.js';

const CLI = fileURLToPath(new URL('../../cli/src/main.ts', import.meta.url));
// tsx by absolute URL: `--import tsx` would be resolved from the child's working directory.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const TOKEN_LIKE = /skt_[0-9A-Za-z]{38}/;

/** A composed platform listening on `url`, with `SKYTELLS_PUBLIC_URL` (the OAuth issuer) set to it. */
export interface TestServer {
  url: string;
  platform: TestPlatform;
  close(): Promise<void>;
}

/** Options of {@link startTestServer}. */
export interface TestServerOptions {
  /** Called with the method and path (with query) of every request the server receives. */
  onRequest?: (method: string, url: string) => void;
  /** Configuration variables (docs/configuration.md) on top of `SKYTELLS_PUBLIC_URL`. */
  env?: Record<string, string>;
}

/** Starts the real server on a free loopback port. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const platform = await createTestPlatform({ env: { ...options.env, SKYTELLS_PUBLIC_URL: url } });
  const { onRequest } = options;
  if (onRequest !== undefined) {
    platform.app.addHook('onRequest', (request, _reply, done) => {
      onRequest(request.method, request.url);
      done();
    });
  }
  await platform.app.listen({ host: '127.0.0.1', port });
  return { url, platform, close: () => platform.close() };
}

/** A signed-in console user, as a browser holds it. */
export interface WebUser {
  email: string;
  cookie: string;
  csrf: string;
}

let users = 0;

/** Signs up and signs in through `/v1/accounts` and `/v1/sessions`. */
export async function signUp(url: string): Promise<WebUser> {
  users += 1;
  const email = `cli-user-${users}-${process.pid}-${Date.now()}@example.com`;
  const password = 'correct horse battery staple';
  const json = { 'content-type': 'application/json' };
  const created = await fetch(`${url}/v1/accounts`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ email, password }),
  });
  if (created.status !== 201) throw new Error(`sign-up failed: ${await created.text()}`);
  const session = await fetch(`${url}/v1/sessions`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ email, password }),
  });
  if (session.status !== 201) throw new Error(`sign-in failed: ${await session.text()}`);
  const cookie = session.headers
    .getSetCookie()
    .map((line) => line.split(';')[0]!)
    .find((pair) => pair.startsWith('skytells_session='));
  if (cookie === undefined) throw new Error('no session cookie');
  const { csrf_token: csrf } = (await session.json()) as { csrf_token: string };
  return { email, cookie, csrf };
}

/** The wire `Token`, as the tests read it. */
export interface TokenJson {
  id: string;
  name: string;
  masked: string;
  scopes: string[];
  status: string;
  created_via: string;
  client_id: string | null;
  expires_at: string | null;
}

/** A console-session API call as `user`; returns status and parsed body. */
export async function asUser<T = unknown>(
  url: string,
  user: WebUser,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      cookie: user.cookie,
      'x-csrf-token': user.csrf,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
}

let tokens = 0;

/** Creates a token in the console as `user` (default: every CLI scope, 30 days). */
export async function createToken(
  url: string,
  user: WebUser,
  body: Record<string, unknown> = {},
): Promise<TokenJson & { token: string }> {
  tokens += 1;
  const response = await asUser<TokenJson & { token: string }>(url, user, 'POST', '/v1/tokens', {
    name: `cli-test-${tokens}`,
    scopes: ['account:read', 'tokens:write', 'projects:write', 'deployments:write'],
    expires_in_days: 30,
    ...body,
  });
  if (response.status !== 201) throw new Error(`token creation failed: ${JSON.stringify(response.body)}`);
  return response.body;
}

/** Every token of `user`'s account, any status. */
export async function allTokens(url: string, user: WebUser): Promise<TokenJson[]> {
  const response = await asUser<{ data: TokenJson[] }>(url, user, 'GET', '/v1/tokens?status=all&limit=100');
  return response.body.data;
}

/** A temporary home directory for one CLI user: `HOME` and `XDG_CONFIG_HOME` point into it. */
export interface CliHome {
  dir: string;
  configDir: string;
  /** The environment of a CLI process of this home against `host`. */
  env(host: string, extra?: Record<string, string>): Record<string, string>;
  dispose(): void;
}

/** Makes a fresh home directory. */
export function makeHome(): CliHome {
  const dir = mkdtempSync(join(tmpdir(), 'skytells-cli-home-'));
  const configDir = join(dir, 'config');
  return {
    dir,
    configDir,
    env: (host, extra = {}) => ({
      HOME: dir,
      XDG_CONFIG_HOME: configDir,
      SKYTELLS_HOST: host,
      // Tests play the browser themselves (docs/cli.md).
      SKYTELLS_NO_BROWSER: '1',
      ...extra,
    }),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The outcome of a CLI run. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A CLI process still running. */
export interface RunningCli {
  child: ChildProcess;
  /** Resolves with the first match of `pattern` in stderr so far or to come. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves when the process exits. */
  done: Promise<CliRun>;
}

/** Every argv the suites gave the CLI (but the one testing the refusal): checked to hold no token. */
export const argvSeen: string[][] = [];

const running = new Set<ChildProcess>();

/** The variables a developer's shell (or a CI job running the suites) might hold that would change what the CLI does. */
const SCRUBBED =
  /^(SSH_|DISPLAY$|WAYLAND_DISPLAY$|BROWSER$|XDG_CONFIG_HOME$|NO_COLOR$|RUNNER_TEMP$|CI_JOB_ID$|ACTIONS_ID_TOKEN_|SKYTELLS_WORKLOAD$)/;

/**
 * Starts `skytells <args>` with exactly `env` on top of a scrubbed parent environment. Refuses an
 * argv holding a token unless `allowTokenInArgs` (the test of the CLI's own refusal).
 */
export function startCli(
  args: string[],
  options: { env: Record<string, string>; stdin?: string; cwd?: string; allowTokenInArgs?: boolean },
): RunningCli {
  if (options.allowTokenInArgs !== true) {
    if (args.some((arg) => TOKEN_LIKE.test(arg))) throw new Error('a test put a token on the command line');
    argvSeen.push(args);
  }
  const base = childEnv({});
  for (const key of Object.keys(base)) if (SCRUBBED.test(key)) delete base[key];
  const child = spawn(process.execPath, ['--conditions=source', '--import', TSX, CLI, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...base, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    for (const wake of waiters) wake();
  });
  child.stdin?.end(options.stdin ?? '');
  const done = new Promise<CliRun>((resolve) => {
    child.once('close', (code) => {
      running.delete(child);
      for (const wake of waiters) wake();
      resolve({ code, stdout, stderr });
    });
  });
  const waitForStderr = (pattern: RegExp, timeoutMs = 20_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(stderr);
        if (match !== null) {
          finish();
          resolve(match);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          finish();
          reject(new Error(`skytells exited (${child.exitCode}) before printing ${pattern}:\n${stderr}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`skytells did not print ${pattern} within ${timeoutMs} ms:\n${stderr}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  return { child, waitForStderr, done };
}

/** Runs `skytells <args>` to completion (at most `timeoutMs`). */
export async function runCli(
  args: string[],
  options: {
    env: Record<string, string>;
    stdin?: string;
    cwd?: string;
    allowTokenInArgs?: boolean;
    timeoutMs?: number;
  },
): Promise<CliRun> {
  const cli = startCli(args, options);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      cli.child.kill('SIGKILL');
      reject(new Error(`skytells ${args.join(' ')} did not finish in time`));
    }, options.timeoutMs ?? 20_000);
  });
  try {
    return await Promise.race([cli.done, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Kills every CLI process still running, for `afterAll`. */
export function killRunningClis(): void {
  for (const child of running) child.kill('SIGKILL');
}

const unescapeHtml = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The hidden inputs and checked `granted_scope` boxes of the first form in `html`. */
function formFields(html: string): URLSearchParams {
  const fields = new URLSearchParams();
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g))
    fields.append(match[1]!, unescapeHtml(match[2]!));
  for (const match of html.matchAll(/name="granted_scope" value="([^"]+)"/g))
    fields.append('granted_scope', match[1]!);
  return fields;
}

async function postForm(url: string, user: WebUser, fields: URLSearchParams): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { cookie: user.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: fields.toString(),
    redirect: 'manual',
  });
}

/**
 * Plays the browser of `skytells login --web`: opens the authorization URL with `user`'s session,
 * approves the consent form, and follows the redirect to the CLI's loopback listener.
 * @returns the page the CLI's listener answered with.
 */
export async function approveInBrowser(authorizeUrl: string, user: WebUser): Promise<string> {
  const consent = await fetch(authorizeUrl, { headers: { cookie: user.cookie }, redirect: 'manual' });
  const html = await consent.text();
  if (consent.status !== 200) throw new Error(`consent page: ${consent.status} ${html}`);
  const fields = formFields(html);
  fields.set('decision', 'approve');
  const approved = await postForm(new URL('/oauth/authorize', authorizeUrl).href, user, fields);
  const location = approved.headers.get('location');
  if (approved.status !== 302 || location === null) throw new Error(`approval: ${approved.status}`);
  const callback = await fetch(location);
  return callback.text();
}

/**
 * Plays the person approving a device code at `/device`: enters the code, then approves every
 * requested scope.
 */
export async function approveDeviceCode(url: string, user: WebUser, userCode: string): Promise<void> {
  const entry = await fetch(`${url}/device`, { headers: { cookie: user.cookie } });
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(await entry.text())?.[1];
  if (csrf === undefined) throw new Error('no csrf_token on /device');
  const review = await postForm(
    `${url}/device`,
    user,
    new URLSearchParams({ csrf_token: csrf, user_code: userCode }),
  );
  const reviewHtml = await review.text();
  if (review.status !== 200) throw new Error(`device review: ${review.status} ${reviewHtml}`);
  const fields = formFields(reviewHtml);
  fields.set('decision', 'approve');
  const done = await postForm(`${url}/device`, user, fields);
  const doneHtml = await done.text();
  if (!doneHtml.includes('Device connected')) throw new Error(`device approval: ${done.status} ${doneHtml}`);
}

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** The bench folder. */
export const BENCH_DIR = fileURLToPath(new URL('../', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Pinning: with two CPUs or more, every server runs on CPU 0 and the load generator on CPU 1, as the
 * figures of the issue were taken (one core each); on one CPU nothing is pinned.
 */
export const PINNED = cpus().length >= 2;
export const SERVER_CPU = '0';
export const LOAD_CPU = '1';

/** How the processes are placed, for the report. */
export function placement(): string {
  return PINNED
    ? 'Servers pinned to CPU 0 and the load generator to CPU 1 (`taskset`).'
    : 'One CPU: servers and load generator share it (nothing pinned).';
}

/** `command args` run on `cpu` when pinning applies. */
export function pinned(cpu: string, command: string, args: string[]): [string, string[]] {
  return PINNED ? ['taskset', ['-c', cpu, command, ...args]] : [command, args];
}

/** A benchmark server in a process of its own, talking to this one over IPC. */
export interface BenchServer {
  child: ChildProcess;
  url: string;
  /** Sends `message` and resolves with the first reply that has `key`. */
  ask<T>(message: string, key: string): Promise<T>;
  /** With BENCH_PROFILE set: starts or stops its CPU profile (see profile.ts). */
  profile(command: 'start' | 'stop'): Promise<void>;
  /** Resident memory now and at its peak, from /proc. */
  memory(): { rss: number; peak: number };
  /**
   * CPU time the process has used so far (user and system, all its threads), in microseconds, from
   * /proc (clock ticks). Time the hypervisor gave to another machine is not in it: divided by the
   * requests served, it is steadier than req/s on a shared machine.
   */
  cpuMicroseconds(): number;
  stop(): Promise<void>;
}

/** Clock ticks per second, the unit of /proc/<pid>/stat's times (`getconf CLK_TCK`; 100 on Linux). */
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

const running = new Set<ChildProcess>();
const scratch = new Set<string>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** A new temporary directory, removed when this process exits (a million tokens' SQLite file is 1 GB). */
export function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'skytells-bench-'));
  scratch.add(dir);
  return dir;
}
/** Schemas still to drop; dropped on failure too, so that a failed run leaves nothing behind. */
const schemas = new Map<string, () => Promise<void>>();
const fail = (error: unknown) => {
  console.error(error);
  for (const child of running) child.kill('SIGKILL');
  void Promise.allSettled([...schemas.values()].map((drop) => drop())).then(() => process.exit(1));
};
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const child of running) child.kill('SIGKILL');
    process.exit(130);
  });
}

/** The environment without the server's own variables, so that only what a benchmark sets counts. */
function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (
      /^(SKYTELLS_|DATABASE_URL$|TEST_DATABASE_URL$|BENCH_DATABASE_URL$|TOKENS_FILE$|TOKEN_COUNT$)/.test(key)
    )
      continue;
    out[key] = value;
  }
  return { ...out, ...env };
}

/**
 * Starts `script` (a file in bench/) and waits for its `{ready: url}` message; on the server CPU
 * unless `pin` is false (then wherever the system puts it); under `run.launcher` (a command and its
 * arguments that runs Node.js, such as valgrind) and with `run.nodeFlags` if given.
 * @throws when it exits first.
 */
export function startServer(
  script: string,
  env: Record<string, string> = {},
  pin = true,
  run: { launcher?: readonly string[]; nodeFlags?: readonly string[] } = {},
): Promise<BenchServer> {
  const node = [
    ...(run.launcher ?? []),
    process.execPath,
    ...(run.nodeFlags ?? []),
    '--conditions=source',
    '--import',
    'tsx',
    '--expose-gc',
    `${BENCH_DIR}${script}`,
  ];
  const [command, args] = pin ? pinned(SERVER_CPU, node[0]!, node.slice(1)) : [node[0]!, node.slice(1)];
  // The server's data (the SQLite file), removed when it stops.
  const dataDir = scratchDir();
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: cleanEnv({ BENCH_DATA_DIR: dataDir, ...env }),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => running.delete(child));
  const server = (url: string): BenchServer => ({
    child,
    url,
    ask: <T>(message: string, key: string) =>
      new Promise<T>((resolve) => {
        const listener = (reply: Record<string, unknown>) => {
          if (typeof reply !== 'object' || reply === null || !(key in reply)) return;
          child.off('message', listener);
          resolve(reply[key] as T);
        };
        child.on('message', listener);
        child.send(message);
      }),
    profile: (command) =>
      new Promise<void>((resolve) => {
        const done = command === 'start' ? 'started' : 'stopped';
        const listener = (reply: unknown) => {
          if (reply !== done) return;
          child.off('message', listener);
          resolve();
        };
        child.on('message', listener);
        child.send(command);
      }),
    memory: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kib = (field: string) =>
        Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
      return { rss: kib('VmRSS') * 1024, peak: kib('VmHWM') * 1024 };
    },
    cpuMicroseconds: () => {
      // Fields 14 and 15 of /proc/<pid>/stat, counted after the command name's closing parenthesis.
      const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS;
    },
    stop: async () => {
      child.kill('SIGKILL');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
  return new Promise((resolve, reject) => {
    const onReady = (message: { ready?: string }) => {
      if (message.ready === undefined) return;
      child.off('message', onReady);
      resolve(server(message.ready));
    };
    child.on('message', onReady);
    child.once('exit', (code, signal) =>
      reject(new Error(`${script} exited (${code ?? signal}) before it was ready`)),
    );
  });
}

/** A fresh PostgreSQL schema, and how to drop it. */
export async function freshSchema(url: string): Promise<{ schema: string; drop: () => Promise<void> }> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`create schema ${schema}`);
  await client.end();
  const drop = async () => {
    schemas.delete(schema);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  };
  schemas.set(schema, drop);
  return { schema, drop };
}

/** What a seeding token-server.ts wrote to its TOKENS_FILE. */
export interface SeededTokens {
  values: string[];
  ids: string[];
  /** A token with `tokens:write` that never expires. */
  writer: string;
  seedMs: number;
  databaseFile?: string;
}

/**
 * Starts token-server.ts seeding `tokenCount` tokens (`env` adds to it) and reads what it wrote.
 * @param sample how many values and ids to read back, spread evenly; default all.
 */
export async function startSeeded(
  tokenCount: number,
  env: Record<string, string> = {},
  sample = tokenCount,
  pin = true,
): Promise<{ server: BenchServer; tokens: SeededTokens }> {
  const file = join(scratchDir(), 'tokens.json');
  const server = await startServer(
    'token-server.ts',
    { ...env, TOKEN_COUNT: String(tokenCount), BENCH_SAMPLE: String(sample), TOKENS_FILE: file },
    pin,
  );
  return { server, tokens: JSON.parse(readFileSync(file, 'utf8')) as SeededTokens };
}

/**
 * Three processes on one fresh PostgreSQL schema with one secret: A seeds `tokenCount` tokens, then B
 * and C start on the same database; each caches verified tokens and hears the others' revocations.
 * Not pinned: three servers, PostgreSQL and the clients share the CPUs as the system sees fit.
 */
export async function startCluster(url: string, tokenCount: number) {
  const { schema, drop } = await freshSchema(url);
  const shared = {
    BENCH_DATABASE_URL: url,
    BENCH_SCHEMA: schema,
    SKYTELLS_SECRET: randomBytes(32).toString('hex'),
  };
  // One after another: the first applies the migrations.
  const { server: a, tokens } = await startSeeded(tokenCount, shared, tokenCount, false);
  const b = await startServer('token-server.ts', shared, false);
  const c = await startServer('token-server.ts', shared, false);
  return {
    a,
    b,
    c,
    tokens,
    stop: async () => {
      for (const server of [a, b, c]) await server.stop();
      await drop();
    },
  };
}

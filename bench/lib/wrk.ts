import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { BENCH_DIR, LOAD_CPU, pinned } from './processes.js';

/** What one wrk run measured. */
export interface LoadFigures {
  /** Completed requests per second. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  /** Answers with a status of 400 or more (wrk's count). */
  statusErrors: number;
  /** Connect, read, write errors and timeouts. */
  socketErrors: number;
}

/** Stops the run with a clear message when wrk is not installed. */
export function requireWrk(): void {
  const probe = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined && 'code' in probe.error && probe.error.code === 'ENOENT') {
    console.error(
      'These benchmarks generate load with wrk, which is not installed: `apt-get install wrk` ' +
        '(Debian, Ubuntu) or `brew install wrk`, then run again.',
    );
    process.exit(2);
  }
}

/** Writes `values` one per line to `file`, for {@link cycleTokens}. */
export function writeValues(file: string, values: readonly string[]): string {
  writeFileSync(file, `${values.join('\n')}\n`);
  return file;
}

/** Runs wrk with one thread and `connections` connections, on the load CPU, with `script` and `args`. */
export async function wrk(options: {
  url: string;
  script: 'cycle-tokens.lua' | 'create-tokens.lua';
  args: string[];
  connections: number;
  seconds: number;
}): Promise<LoadFigures> {
  const [command, args] = pinned(LOAD_CPU, 'wrk', [
    '-t1',
    `-c${options.connections}`,
    `-d${options.seconds}s`,
    '--timeout',
    '10s',
    '-s',
    `${BENCH_DIR}lib/${options.script}`,
    options.url,
    '--',
    ...options.args,
  ]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const line = output.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !line.startsWith('{')) throw new Error(`wrk failed (exit ${code}):\n${output}`);
  const raw = JSON.parse(line) as {
    requests: number;
    duration_us: number;
    p50_us: number;
    p99_us: number;
    max_us: number;
    status_errors: number;
    socket_errors: number;
  };
  return {
    rps: raw.requests / (raw.duration_us / 1e6),
    p50Ms: raw.p50_us / 1000,
    p99Ms: raw.p99_us / 1000,
    maxMs: raw.max_us / 1000,
    requests: raw.requests,
    statusErrors: raw.status_errors,
    socketErrors: raw.socket_errors,
  };
}

/** GET `path` of `url` with the values in `tokensFile` in turn. */
export function cycleTokens(
  url: string,
  path: string,
  tokensFile: string,
  connections: number,
  seconds: number,
): Promise<LoadFigures> {
  return wrk({ url: `${url}${path}`, script: 'cycle-tokens.lua', args: [tokensFile], connections, seconds });
}

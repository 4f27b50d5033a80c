import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

/**
 * Token verification over HTTP against a bare Fastify route, in the same run on the same machine.
 * Each server runs in its own process; the load comes from this one. Valid tokens are drawn in turn
 * from a set of TOKEN_COUNT (default 10,000).
 */
const DURATION = Number(process.env['BENCH_SECONDS'] ?? 10);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 50);
const here = new URL('.', import.meta.url).pathname;

function start(script: string, env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(join(here, script), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: 'inherit',
  });
  return new Promise((resolve, reject) => {
    child.once('message', (message: { ready: string }) => resolve({ child, url: message.ready }));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

async function load(url: string, tokens: string[]): Promise<Figures> {
  let next = 0;
  const run = async (limit: { duration: number } | { amount: number }) =>
    autocannon({
      url: `${url}/v1/tokens/self`,
      connections: CONNECTIONS,
      ...limit,
      requests: [
        {
          setupRequest: (request) => {
            const token = tokens[next++ % tokens.length] ?? '';
            return { ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } };
          },
        },
      ],
    });
  // Warm-up: every token once (a server in steady state has verified them before), and the JIT.
  await run({ amount: Math.max(tokens.length, 5_000) });
  const result = await run({ duration: DURATION });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
  };
}

function line(name: string, f: Figures): string {
  return `${name.padEnd(34)} ${f.rps.toFixed(0).padStart(8)} req/s   p50 ${String(f.p50).padStart(3)} ms   p99 ${String(f.p99).padStart(3)} ms   non-2xx ${f.non2xx}`;
}

const dir = mkdtempSync(join(tmpdir(), 'skytells-bench-'));
const results: [string, Figures][] = [];

const bare = await start('bare-server.ts', {});
results.push(['bare Fastify route', await load(bare.url, ['unused'])]);
bare.child.kill();

const variants: [string, Record<string, string>][] = [['Skytells, SQLite (cached)', {}]];
if (process.env['TEST_DATABASE_URL'] !== undefined) {
  variants.push([
    'Skytells, PostgreSQL (read-through)',
    { BENCH_DATABASE_URL: process.env['TEST_DATABASE_URL'] },
  ]);
}
for (const [name, env] of variants) {
  const tokensFile = join(dir, `${results.length}.json`);
  const server = await start('token-server.ts', { ...env, TOKENS_FILE: tokensFile });
  const tokens = JSON.parse(readFileSync(tokensFile, 'utf8')) as string[];
  results.push([`${name}, ${tokens.length} tokens`, await load(server.url, tokens)]);
  server.child.kill();
}

const baseline = results[0]![1];
console.log(`\n${CONNECTIONS} connections, ${DURATION} s per run, GET /v1/tokens/self\n`);
for (const [name, figures] of results) {
  console.log(`${line(name, figures)}   ratio ${(figures.rps / baseline.rps).toFixed(2)}`);
}

import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { secureRandom } from '../src/core/random.js';
import { generateTokenValue } from '../src/core/token-format.js';

/**
 * Token verification over HTTP against a bare Fastify route, in the same run on the same machine.
 * Each server runs in its own process; the load comes from this one. Valid tokens are drawn in turn
 * from a set of TOKEN_COUNT (default 10,000). Runs alternate between the servers for BENCH_ROUNDS
 * rounds and the median is reported, so that a noisy neighbour affects both alike. One more load
 * presents 1,000 unknown values (valid checksum, no such token) to the SQLite server, and in process
 * the server counts its database look-ups for repeated unknown values and its memory after two floods
 * of 100,000 distinct ones.
 */
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 50);
const here = new URL('.', import.meta.url).pathname;

interface Server {
  name: string;
  child: ChildProcess;
  url: string;
  /** One request template per token; autocannon cycles through them. */
  requests: autocannon.Request[];
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

function start(script: string, env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(join(here, script), [], {
    execArgv: ['--conditions=source', '--import', 'tsx', '--expose-gc'],
    env: { ...process.env, ...env },
    stdio: 'inherit',
  });
  return new Promise((resolve, reject) => {
    child.once('message', (message: { ready: string }) => resolve({ child, url: message.ready }));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

function templates(tokens: string[]): autocannon.Request[] {
  return tokens.map((token) => ({
    method: 'GET',
    path: '/v1/tokens/self',
    headers: { authorization: `Bearer ${token}` },
  }));
}

async function load(server: Server, limit: { duration: number } | { amount: number }): Promise<Figures> {
  const result = await autocannon({
    url: server.url,
    connections: CONNECTIONS,
    requests: server.requests,
    ...limit,
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
  };
}

function median(runs: Figures[]): Figures {
  const sorted = [...runs].sort((a, b) => a.rps - b.rps);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const dir = mkdtempSync(join(tmpdir(), 'skytells-bench-'));
const servers: Server[] = [];
const bare = await start('bare-server.ts', {});
servers.push({ name: 'bare Fastify route', ...bare, requests: templates(['none']) });

const variants: [string, Record<string, string>][] = [['Skytells, SQLite (cached)', {}]];
if (process.env['TEST_DATABASE_URL'] !== undefined) {
  variants.push([
    'Skytells, PostgreSQL (cached, LISTEN/NOTIFY)',
    { BENCH_DATABASE_URL: process.env['TEST_DATABASE_URL'] },
  ]);
}
const tokenServers: Server[] = [];
for (const [name, env] of variants) {
  const tokensFile = join(dir, `${servers.length}.json`);
  const server = await start('token-server.ts', { ...env, TOKENS_FILE: tokensFile });
  const tokens = JSON.parse(readFileSync(tokensFile, 'utf8')) as string[];
  const entry = { name: `${name}, ${tokens.length} tokens`, ...server, requests: templates(tokens) };
  servers.push(entry);
  tokenServers.push(entry);
}
const sqlite = tokenServers[0]!;
const unknownValues = Array.from({ length: 1_000 }, () => generateTokenValue(secureRandom));
servers.push({
  ...sqlite,
  name: 'Skytells, SQLite, 1000 unknown tokens (401)',
  requests: templates(unknownValues),
});

// Warm-up: every token once (a server in steady state has verified them before), and the JIT.
for (const server of servers) await load(server, { amount: Math.max(server.requests.length, 5_000) });
const runs = new Map<Server, Figures[]>(servers.map((server) => [server, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const server of servers) runs.get(server)!.push(await load(server, { duration: SECONDS }));
}
const micro = await Promise.all(
  tokenServers.map(
    (server) =>
      new Promise<number>((resolve) => {
        server.child.on('message', (message: { microNanoseconds?: number }) => {
          if (message.microNanoseconds !== undefined) resolve(message.microNanoseconds);
        });
        server.child.send('micro');
      }),
  ),
);
interface UnknownFigures {
  calls: number;
  repeatNanoseconds: number;
  repeatLookUps: number;
  rssBefore: number;
  floods: { lookUps: number; rssBytes: number; heapBytes: number }[];
}
const unknown = await new Promise<UnknownFigures>((resolve) => {
  sqlite.child.on('message', (message: { unknown?: UnknownFigures }) => {
    if (message.unknown !== undefined) resolve(message.unknown);
  });
  sqlite.child.send('unknown');
});
for (const server of tokenServers) server.child.kill();
servers[0]!.child.kill();

const baseline = median(runs.get(servers[0]!)!);
console.log(
  `\n${CONNECTIONS} connections, GET /v1/tokens/self, median of ${ROUNDS} alternating runs of ${SECONDS} s\n`,
);
for (const server of servers) {
  const f = median(runs.get(server)!);
  const all = runs
    .get(server)!
    .map((run) => run.rps.toFixed(0))
    .join(' / ');
  console.log(
    `${server.name.padEnd(42)} ${f.rps.toFixed(0).padStart(7)} req/s  p50 ${String(f.p50).padStart(3)} ms  p99 ${String(f.p99).padStart(3)} ms  ` +
      `non-2xx ${f.non2xx}  ratio ${(f.rps / baseline.rps).toFixed(2)}  (runs: ${all})`,
  );
}
tokenServers.forEach((server, i) => {
  const ns = micro[i]!;
  console.log(
    `${server.name}: TokenVerifier.verify in process ${(ns / 1000).toFixed(1)} µs per call, ${Math.round(1e9 / ns)} calls/s on one core`,
  );
});
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
console.log(
  `${sqlite.name}: ${unknown.calls} verifications of 1000 repeated unknown values, ` +
    `${unknown.repeatLookUps} database look-ups (${(100 * (1 - unknown.repeatLookUps / unknown.calls)).toFixed(1)} % avoided), ` +
    `${(unknown.repeatNanoseconds / 1000).toFixed(1)} µs per call`,
);
unknown.floods.forEach((flood, i) => {
  console.log(
    `${sqlite.name}: after flood ${i + 1} of 100000 distinct unknown values: ${flood.lookUps} look-ups, ` +
      `RSS ${mb(flood.rssBytes)} (before the floods ${mb(unknown.rssBefore)}), heap used ${mb(flood.heapBytes)}`,
  );
});

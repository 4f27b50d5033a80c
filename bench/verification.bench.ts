import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { secureRandom } from '../src/core/random.js';
import { generateTokenValue } from '../src/core/token-format.js';
import { knob, postgresSkipped, postgresUrl, reportStart } from './lib/machine.js';
import { count, markdownTable, mib, ms, ratio } from './lib/markdown.js';
import { type BenchServer, freshSchema, placement, scratchDir, startServer } from './lib/processes.js';
import { medianBy } from './lib/stats.js';
import { cycleTokens, type LoadFigures, requireWrk, writeValues } from './lib/wrk.js';

/**
 * `GET /v1/tokens/self` side by side in one run: (a) a bare Fastify route answering a Token-shaped
 * body, (b) a minimal correct verifier (minimal-verifier-server.ts), (c) Skytells on SQLite and
 * (d) on PostgreSQL, each with valid tokens (TOKEN_COUNT, cycled) and with 1,000 unknown ones (valid
 * checksum, no such token), and (e) on SQLite and (f) on PostgreSQL with restricted tokens
 * (BENCH_RESTRICTED: an `allowed_ips` and a `rate_limit` on each); (c) to (f) log nothing, and (g) is
 * (c) writing the access line of every request as `skytells-server` does by default (BENCH_LOG=info).
 * wrk drives each in turn; rounds alternate between them and the median
 * is reported, so that a noisy neighbour affects all alike. Then, in process, the cost of one
 * verification and what repeated and distinct unknown values cost.
 */
requireWrk();
const SECONDS = knob('BENCH_SECONDS', 5);
const ROUNDS = knob('BENCH_ROUNDS', 3);
const CONNECTIONS = knob('BENCH_CONNECTIONS', 10);
const WARM_UP_SECONDS = knob('BENCH_WARMUP_SECONDS', 2);
const TOKENS = knob('TOKEN_COUNT', 10_000);
const FLUSH_MS = knob('BENCH_FLUSH_MS', 60_000);
const TOGETHER_ROUNDS = knob('BENCH_TOGETHER_ROUNDS', 6);
const url = postgresUrl();
const finish = reportStart(
  'Token verification: `GET /v1/tokens/self`',
  'verification',
  `wrk, 1 thread, ${CONNECTIONS} connections, ${SECONDS} s per run, median of ${ROUNDS} rounds alternating ` +
    `between the servers after a ${WARM_UP_SECONDS} s warm-up of each. ${placement()} Valid tokens: ` +
    `${count(TOKENS)} per server, cycled. Unknown tokens: 1,000 values with a valid checksum that no server issued.`,
);

const dir = scratchDir();
const unknownFile = writeValues(
  join(dir, 'unknown.txt'),
  Array.from({ length: 1_000 }, () => generateTokenValue(secureRandom)),
);

interface Load {
  label: string;
  /** The server's letter in the report: ratios are taken to (a) and to (b) with the same kind of token. */
  letter: 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g';
  kind: 'valid' | 'unknown';
  server: BenchServer;
  file: string;
  runs: Run[];
}

/** One wrk run, and the server's CPU time per request answered over it. */
type Run = LoadFigures & { cpuMicroseconds: number };

async function withTokens(script: string, env: Record<string, string>): Promise<[BenchServer, string]> {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  const server = await startServer(script, { ...env, TOKEN_COUNT: String(TOKENS), TOKENS_FILE: file });
  const { values } = JSON.parse(readFileSync(file, 'utf8')) as { values: string[] };
  return [server, writeValues(file.replace(/json$/, 'txt'), values)];
}

const bare = await startServer('bare-server.ts');
const [minimal, minimalFile] = await withTokens('minimal-verifier-server.ts', {});
const [sqlite, sqliteFile] = await withTokens('token-server.ts', {});
const [restricted, restrictedFile] = await withTokens('token-server.ts', { BENCH_RESTRICTED: '1' });
// As `skytells-server` runs by default: an access line per request at SKYTELLS_LOG_LEVEL=info.
const [logged, loggedFile] = await withTokens('token-server.ts', { BENCH_LOG: 'info' });
const schema = url === undefined ? undefined : await freshSchema(url);
const postgres =
  url === undefined || schema === undefined
    ? undefined
    : await withTokens('token-server.ts', { BENCH_DATABASE_URL: url, BENCH_SCHEMA: schema.schema });
const restrictedSchema = url === undefined ? undefined : await freshSchema(url);
const restrictedPostgres =
  url === undefined || restrictedSchema === undefined
    ? undefined
    : await withTokens('token-server.ts', {
        BENCH_DATABASE_URL: url,
        BENCH_SCHEMA: restrictedSchema.schema,
        BENCH_RESTRICTED: '1',
      });

const loads: Load[] = [];
const add = (label: string, letter: Load['letter'], kind: Load['kind'], server: BenchServer, file: string) =>
  loads.push({ label, letter, kind, server, file, runs: [] });
add('(a) bare Fastify route, no verification', 'a', 'valid', bare, unknownFile);
add('(b) minimal verifier, valid tokens', 'b', 'valid', minimal, minimalFile);
add('(b) minimal verifier, unknown tokens (401)', 'b', 'unknown', minimal, unknownFile);
add('(c) Skytells on SQLite, valid tokens', 'c', 'valid', sqlite, sqliteFile);
add('(c) Skytells on SQLite, unknown tokens (401)', 'c', 'unknown', sqlite, unknownFile);
if (postgres !== undefined) {
  add('(d) Skytells on PostgreSQL, valid tokens', 'd', 'valid', postgres[0], postgres[1]);
  add('(d) Skytells on PostgreSQL, unknown tokens (401)', 'd', 'unknown', postgres[0], unknownFile);
}
add('(e) Skytells on SQLite, restricted tokens', 'e', 'valid', restricted, restrictedFile);
add('(g) Skytells on SQLite, access log at info (the default)', 'g', 'valid', logged, loggedFile);
if (restrictedPostgres !== undefined) {
  add(
    '(f) Skytells on PostgreSQL, restricted tokens',
    'f',
    'valid',
    restrictedPostgres[0],
    restrictedPostgres[1],
  );
}

// A server in steady state has seen its tokens (the minimal verifier holds all of them from the start),
// and holds a block of each restricted token's rate limit (docs/tokens.md, "Restrictions"): reading
// them from the database, and taking the blocks, once per token, is not what the runs measure. A
// warm-up run alone would not do it: at a few thousand requests a second it may not reach every token.
for (const server of [
  sqlite,
  restricted,
  logged,
  ...(postgres === undefined ? [] : [postgres[0]]),
  ...(restrictedPostgres === undefined ? [] : [restrictedPostgres[0]]),
]) {
  await server.ask<number>('warm', 'warm');
}

const run = async (load: Load, seconds: number): Promise<Run> => {
  const cpuBefore = load.server.cpuMicroseconds();
  const figures = await cycleTokens(load.server.url, '/v1/tokens/self', load.file, CONNECTIONS, seconds);
  const cpu = load.server.cpuMicroseconds() - cpuBefore;
  return { ...figures, cpuMicroseconds: cpu / Math.max(1, figures.requests) };
};
// Warm-up: the JIT, and every token verified once (a server in steady state has seen them before).
for (const load of loads) await run(load, WARM_UP_SECONDS);
// BENCH_PROFILE=file.cpuprofile: the SQLite server's CPU profile over the measured rounds.
const profiling = process.env['BENCH_PROFILE'] !== undefined;
if (profiling) await sqlite.profile('start');
for (let round = 0; round < ROUNDS; round++) {
  for (const load of loads) load.runs.push(await run(load, SECONDS));
}
if (profiling) {
  await sqlite.profile('stop');
  console.log(
    `The SQLite server's CPU profile over the measured rounds is in ${process.env['BENCH_PROFILE']}.\n`,
  );
}

const medians = new Map(loads.map((load) => [load, medianBy(load.runs, (f) => f.rps)]));
const find = (letter: Load['letter'], kind: Load['kind']) =>
  loads.find((load) => load.letter === letter && load.kind === kind);
const a = medians.get(find('a', 'valid')!)!;
console.log(
  markdownTable(
    [
      'server, tokens',
      'req/s',
      'p50',
      'p99',
      'answered ≥ 400',
      'ratio to (a)',
      'ratio to (b)',
      'runs, req/s',
    ],
    loads.map((load) => {
      const f = medians.get(load)!;
      const b = medians.get(find('b', load.kind)!)!;
      return [
        load.label,
        count(f.rps),
        ms(f.p50Ms),
        ms(f.p99Ms),
        `${((100 * f.statusErrors) / Math.max(1, f.requests)).toFixed(0)} %${f.socketErrors > 0 ? `, ${f.socketErrors} socket errors` : ''}`,
        ratio(f.rps, a.rps),
        load.letter === 'a' ? '—' : ratio(f.rps, b.rps),
        load.runs.map((r) => count(r.rps)).join(' / '),
      ];
    }),
  ),
);
if (postgres === undefined) postgresSkipped('(d) Skytells on PostgreSQL');

// req/s moves with whatever else the machine runs (and, on a VM, with time given to other machines);
// the server's own CPU time per request much less. On one dedicated core, throughput is its inverse,
// so the ratios below are those of throughput on a quiet core.
const cpu = new Map(
  loads.map((load) => [load, medianBy(load.runs, (f) => f.cpuMicroseconds).cpuMicroseconds]),
);
const cpuA = cpu.get(find('a', 'valid')!)!;
console.log(
  '\nServer CPU time per request (user and system, all threads, from /proc), median of the rounds; the ' +
    'ratios are of its inverse, the throughput one dedicated core would give:\n',
);
console.log(
  markdownTable(
    ['server, tokens', 'CPU per request', 'ratio to (a)', 'ratio to (b)', 'runs, µs'],
    loads.map((load) => {
      const us = cpu.get(load)!;
      const b = cpu.get(find('b', load.kind)!)!;
      return [
        load.label,
        `${us.toFixed(1)} µs`,
        ratio(cpuA, us),
        load.letter === 'a' ? '—' : ratio(b, us),
        load.runs.map((r) => r.cpuMicroseconds.toFixed(1)).join(' / '),
      ];
    }),
  ),
);

// What restrictions cost: restricted tokens against unrestricted ones on the same database.
const costs: string[][] = [];
for (const [name, plain, withRestrictions] of [
  ['SQLite', 'c', 'e'],
  ['PostgreSQL', 'd', 'f'],
] as const) {
  const before = find(plain, 'valid');
  const after = find(withRestrictions, 'valid');
  if (before === undefined || after === undefined) continue;
  const rpsBefore = medians.get(before)!.rps;
  const rpsAfter = medians.get(after)!.rps;
  const cpuBefore = cpu.get(before)!;
  const cpuAfter = cpu.get(after)!;
  // Side by side at once: both servers loaded together on the one server CPU, which the scheduler
  // shares evenly between them, so whatever slows the machine slows both alike in the same seconds.
  // Each run's ratio of their throughputs is what one costs more than the other per request. The load
  // generator started first gets a little more (a few %, seen with identical servers), so the runs
  // alternate which starts first, and the result is the geometric mean of the two orders' medians.
  const firstStarted: number[][] = [[], []];
  const together: number[] = [];
  for (let round = 0; round < TOGETHER_ROUNDS; round++) {
    const plainFirst = round % 2 === 0;
    const [firstRun, secondRun] = await Promise.all(
      plainFirst ? [run(before, SECONDS), run(after, SECONDS)] : [run(after, SECONDS), run(before, SECONDS)],
    );
    const share = plainFirst ? secondRun.rps / firstRun.rps : firstRun.rps / secondRun.rps;
    firstStarted[plainFirst ? 0 : 1]!.push(share);
    together.push(share);
  }
  const middle = (shares: number[]) => medianBy(shares, (share) => share);
  const kept =
    firstStarted[1]!.length === 0
      ? middle(firstStarted[0]!)
      : Math.sqrt(middle(firstStarted[0]!) * middle(firstStarted[1]!));
  const lost = (share: number) => `${(100 * (1 - share)).toFixed(1)} %`;
  costs.push([
    name,
    count(rpsBefore),
    count(rpsAfter),
    `${((100 * (rpsBefore - rpsAfter)) / rpsBefore).toFixed(1)} %`,
    `${cpuBefore.toFixed(1)} → ${cpuAfter.toFixed(1)} µs`,
    `${(100 * (1 - cpuBefore / cpuAfter)).toFixed(1)} %`,
    `**${lost(kept)}** (${together.map(lost).join(', ')})`,
  ]);
}
console.log(
  '\nRestricted tokens (allowed_ips and rate_limit) against unrestricted ones: median req/s of the rounds ' +
    'above, median server CPU per request with the throughput one dedicated core would lose, and the ' +
    `throughput lost with both servers loaded at once on the server CPU (${TOGETHER_ROUNDS} runs, each in ` +
    "brackets, alternating which load starts first; the geometric mean of the two orders' medians): the " +
    'steadiest of the three on a shared machine.\n',
);
console.log(
  markdownTable(
    [
      'database',
      'unrestricted',
      'restricted',
      'throughput lost',
      'CPU per request',
      'on one core',
      'lost, side by side at once',
    ],
    costs,
  ),
);

// Last-used data is written in batches, by default once a minute: the runs above may or may not have
// included one, so its cost is measured on its own and spread over the minute it stands for.
const flushes: string[][] = [];
const flushed: [string, BenchServer, Load['letter']][] = [['SQLite', sqlite, 'c']];
if (postgres !== undefined) flushed.push(['PostgreSQL', postgres[0], 'd']);
for (const [name, server, letter] of flushed) {
  const rps = medians.get(find(letter, 'valid')!)!.rps;
  const flush = await server.ask<{ tokens: number; ms: number }>('flush', 'flush');
  const perRequestUs = (flush.ms * 1000) / (rps * (FLUSH_MS / 1000));
  flushes.push([name, count(flush.tokens), `${flush.ms.toFixed(0)} ms`, `${perRequestUs.toFixed(2)} µs`]);
}
console.log(
  `\nLast-used data, flushed every ${FLUSH_MS / 1000} s (the server's default, SKYTELLS_LAST_USED_FLUSH_MS; ` +
    `BENCH_FLUSH_MS changes it here): the largest flush during the runs (or, without one, a flush of every ` +
    `token used, after them), and its cost per request at the median rate over one interval:\n`,
);
console.log(markdownTable(['database', 'tokens written', 'flush took', 'per request'], flushes));

// In process, on the Skytells servers: no HTTP, the verifier alone.
const tokenServers: [string, BenchServer][] = [['SQLite', sqlite]];
if (postgres !== undefined) tokenServers.push(['PostgreSQL', postgres[0]]);
const micro: string[][] = [];
for (const [name, server] of tokenServers) {
  const ns = await server.ask<number>('micro', 'microNanoseconds');
  micro.push([name, `${(ns / 1000).toFixed(1)} µs`, count(1e9 / ns)]);
}
console.log('\n`TokenVerifier.verify` in process, cached valid tokens, 200,000 calls:\n');
console.log(markdownTable(['database', 'per call', 'calls/s on one core'], micro));

interface UnknownFigures {
  calls: number;
  repeatNanoseconds: number;
  repeatLookUps: number;
  rssBefore: number;
  floods: { lookUps: number; rssBytes: number; heapBytes: number }[];
}
const unknown = await sqlite.ask<UnknownFigures>('unknown', 'unknown');
console.log('\nUnknown values (valid checksum, no such token), in process on the SQLite server:\n');
console.log(
  markdownTable(
    ['measure', 'figure'],
    [
      [
        `${count(unknown.calls)} verifications of 1,000 repeated unknown values: database look-ups`,
        `${count(unknown.repeatLookUps)} (${(100 * (1 - unknown.repeatLookUps / unknown.calls)).toFixed(1)} % avoided)`,
      ],
      ['the same, time per verification', `${(unknown.repeatNanoseconds / 1000).toFixed(1)} µs`],
      ['RSS before the floods (after GC)', mib(unknown.rssBefore)],
      ...unknown.floods.map((flood, i) => [
        `flood ${i + 1} of 100,000 distinct unknown values: look-ups, RSS, heap used (after GC)`,
        `${count(flood.lookUps)}, ${mib(flood.rssBytes)}, ${mib(flood.heapBytes)}`,
      ]),
    ],
  ),
);

for (const server of [
  bare,
  minimal,
  sqlite,
  restricted,
  logged,
  ...(postgres === undefined ? [] : [postgres[0]]),
  ...(restrictedPostgres === undefined ? [] : [restrictedPostgres[0]]),
])
  await server.stop();
await schema?.drop();
await restrictedSchema?.drop();
finish();

import { statSync } from 'node:fs';
import { join } from 'node:path';
import { knob, reportStart } from './lib/machine.js';
import { count, markdownTable, mib, ms } from './lib/markdown.js';
import { type BenchServer, placement, type SeededTokens, scratchDir, startSeeded } from './lib/processes.js';
import { medianBy } from './lib/stats.js';
import { cycleTokens, type LoadFigures, requireWrk, writeValues } from './lib/wrk.js';

/**
 * Verification as the number of stored tokens grows: the SQLite server with BENCH_SCALE_TOKENS
 * (default 1,000,000) tokens against one with TOKEN_COUNT (default 10,000). Valid tokens, warm (each
 * cycled value verified once before): the small server cycles all of its tokens; the large one cycles
 * as many spread over its million (to separate the stored count from the working set), then
 * BENCH_SCALE_SAMPLE (default 100,000). Reports throughput, latency, the server's memory and how fast
 * the tokens were stored.
 */
requireWrk();
const SECONDS = knob('BENCH_SECONDS', 5);
const ROUNDS = knob('BENCH_ROUNDS', 3);
const CONNECTIONS = knob('BENCH_CONNECTIONS', 10);
const WARM_UP_SECONDS = knob('BENCH_WARMUP_SECONDS', 2);
const SMALL = knob('TOKEN_COUNT', 10_000);
const LARGE = knob('BENCH_SCALE_TOKENS', 1_000_000);
const SAMPLE = Math.min(LARGE, knob('BENCH_SCALE_SAMPLE', 100_000));
const finish = reportStart(
  'Verification with many stored tokens (SQLite)',
  'scale',
  `${count(LARGE)} stored tokens against ${count(SMALL)}. wrk, 1 thread, ${CONNECTIONS} connections, ` +
    `${SECONDS} s per run, median of ${ROUNDS} alternating rounds; every cycled token verified once ` +
    `before, then a ${WARM_UP_SECONDS} s warm-up. ${placement()} The token cache holds 100,000 by default ` +
    '(`SKYTELLS_TOKEN_CACHE_SIZE`).',
);
const dir = scratchDir();

interface Seeded {
  stored: number;
  server: BenchServer;
  tokens: SeededTokens;
  afterSeeding: { rss: number; heapUsed: number };
}
const seeded: Seeded[] = [];
for (const [stored, sample] of [
  [SMALL, SMALL],
  [LARGE, SAMPLE],
] as const) {
  console.log(`Storing ${count(stored)} tokens…`);
  const { server, tokens } = await startSeeded(stored, {}, sample);
  const afterSeeding = await server.ask<{ rss: number; heapUsed: number }>('memory', 'memory');
  seeded.push({ stored, server, tokens, afterSeeding });
}

interface Load {
  of: Seeded;
  cycled: number;
  file: string;
  runs: LoadFigures[];
}
const [small, large] = seeded as [Seeded, Seeded];
const stride = Math.max(1, Math.floor(large.tokens.values.length / SMALL));
const spread = large.tokens.values.filter((_, i) => i % stride === 0).slice(0, SMALL);
const loads: Load[] = [
  {
    of: small,
    cycled: small.tokens.values.length,
    file: writeValues(join(dir, 'small.txt'), small.tokens.values),
    runs: [],
  },
  { of: large, cycled: spread.length, file: writeValues(join(dir, 'spread.txt'), spread), runs: [] },
  {
    of: large,
    cycled: large.tokens.values.length,
    file: writeValues(join(dir, 'sample.txt'), large.tokens.values),
    runs: [],
  },
];
for (const { server } of seeded) await server.ask<number>('warm', 'warm');
const run = (load: Load, seconds: number) =>
  cycleTokens(load.of.server.url, '/v1/tokens/self', load.file, CONNECTIONS, seconds);
for (const load of loads) await run(load, WARM_UP_SECONDS);
for (let round = 0; round < ROUNDS; round++) {
  for (const load of loads) load.runs.push(await run(load, SECONDS));
}

const memory = new Map<Seeded, { rss: number; peak: number; afterGc: { rss: number; heapUsed: number } }>();
for (const of of seeded) {
  const now = of.server.memory();
  const afterGc = await of.server.ask<{ rss: number; heapUsed: number }>('memory', 'memory');
  memory.set(of, { ...now, afterGc });
}
console.log('');
console.log(
  markdownTable(
    ['stored tokens', 'distinct tokens cycled', 'req/s', 'p50', 'p99', 'answered ≥ 400', 'runs, req/s'],
    loads.map((load) => {
      const f = medianBy(load.runs, (r) => r.rps);
      return [
        count(load.of.stored),
        count(load.cycled),
        count(f.rps),
        ms(f.p50Ms),
        ms(f.p99Ms),
        count(f.statusErrors + f.socketErrors),
        load.runs.map((r) => count(r.rps)).join(' / '),
      ];
    }),
  ),
);
console.log(
  '\nThe servers (RSS from /proc/<pid>/status; "after GC" from process.memoryUsage() after a full GC):\n',
);
const fileSize = (file: string | undefined) => {
  if (file === undefined) return 0;
  let total = 0;
  for (const suffix of ['', '-wal']) {
    try {
      total += statSync(`${file}${suffix}`).size;
    } catch {
      // No write-ahead log left.
    }
  }
  return total;
};
console.log(
  markdownTable(
    [
      'stored tokens',
      'stored in',
      'tokens/s',
      'database file',
      'RSS after storing (after GC)',
      'RSS after the runs',
      'after GC: RSS, heap used',
      'peak RSS (VmHWM)',
    ],
    seeded.map((of) => {
      const m = memory.get(of)!;
      return [
        count(of.stored),
        `${(of.tokens.seedMs / 1000).toFixed(1)} s`,
        count(of.stored / (of.tokens.seedMs / 1000)),
        mib(fileSize(of.tokens.databaseFile)),
        mib(of.afterSeeding.rss),
        mib(m.rss),
        `${mib(m.afterGc.rss)}, ${mib(m.afterGc.heapUsed)}`,
        mib(m.peak),
      ];
    }),
  ),
);
for (const { server } of seeded) await server.stop();
finish();

import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { knob, postgresSkipped, postgresUrl, reportStart } from './lib/machine.js';
import { count, markdownTable, ms } from './lib/markdown.js';
import { type BenchServer, freshSchema, placement, scratchDir, startSeeded } from './lib/processes.js';
import { medianBy } from './lib/stats.js';
import { type LoadFigures, requireWrk, wrk } from './lib/wrk.js';

/**
 * Token creation through the API: `POST /v1/tokens` with a `tokens:write` token, a new name each
 * time, from BENCH_CREATE_CONNECTIONS concurrent clients (wrk connections), on SQLite and on
 * PostgreSQL (fresh schema). All tokens belong to one account, whose row each creation locks.
 */
requireWrk();
const SECONDS = knob('BENCH_SECONDS', 5);
const ROUNDS = knob('BENCH_ROUNDS', 3);
const CONNECTIONS = knob('BENCH_CREATE_CONNECTIONS', 10);
const url = postgresUrl();
const finish = reportStart(
  'Token creation: `POST /v1/tokens`',
  'create',
  `wrk, 1 thread, ${CONNECTIONS} concurrent clients (connections), ${SECONDS} s per run, median of ` +
    `${ROUNDS} rounds alternating between the databases after a 1 s warm-up. ${placement()} ` +
    'Each request creates a 30-day `tokens:read` token with a name not used before, authenticated ' +
    'with a `tokens:write` token; all on one account.',
);
const dir = scratchDir();

interface Target {
  label: string;
  server: BenchServer;
  writerFile: string;
  runs: LoadFigures[];
}
const targets: Target[] = [];
const add = async (label: string, env: Record<string, string>) => {
  const { server, tokens } = await startSeeded(0, env);
  const writerFile = join(dir, `${targets.length}.writer`);
  writeFileSync(writerFile, `${tokens.writer}\n`, { mode: 0o600 });
  targets.push({ label, server, writerFile, runs: [] });
};
await add('SQLite', {});
const schema = url === undefined ? undefined : await freshSchema(url);
if (url !== undefined && schema !== undefined) {
  await add('PostgreSQL', { BENCH_DATABASE_URL: url, BENCH_SCHEMA: schema.schema });
}

let runNumber = 0;
const run = (target: Target, seconds: number) =>
  wrk({
    url: target.server.url,
    script: 'create-tokens.lua',
    // A prefix per run, so that no name is used twice.
    args: [`bench-${randomBytes(3).toString('hex')}-${runNumber++}`, target.writerFile],
    connections: CONNECTIONS,
    seconds,
  });
for (const target of targets) await run(target, 1);
for (let round = 0; round < ROUNDS; round++) {
  for (const target of targets) target.runs.push(await run(target, SECONDS));
}
console.log(
  markdownTable(
    ['database', 'tokens created/s', 'p50', 'p99', 'max', 'answered ≥ 400 or failed', 'runs, tokens/s'],
    targets.map((target) => {
      const f = medianBy(target.runs, (r) => r.rps);
      return [
        target.label,
        count(f.rps),
        ms(f.p50Ms),
        ms(f.p99Ms),
        ms(f.maxMs),
        count(f.statusErrors + f.socketErrors),
        target.runs.map((r) => count(r.rps)).join(' / '),
      ];
    }),
  ),
);
if (url === undefined) postgresSkipped('token creation on PostgreSQL');
for (const target of targets) await target.server.stop();
await schema?.drop();
finish();

import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { knob, postgresSkipped, postgresUrl, reportStart } from './lib/machine.js';
import { count, markdownTable, ratio } from './lib/markdown.js';
import { type BenchServer, freshSchema, scratchDir, startServer } from './lib/processes.js';
import { Client } from './lib/http.js';

/**
 * Instructions per request of `GET /v1/tokens/self`, counted by valgrind's callgrind in each server
 * process: the same servers as the verification benchmark, but a count of work rather than a time, so
 * that a difference of a few per cent between two servers can be told from a busy neighbour's noise.
 * It counts work in user space only: not the kernel's (one socket read and one write per request,
 * the same for every server) and not how fast the instructions run (caches, memory), which req/s and
 * CPU time in the verification benchmark do. Run it on an otherwise idle machine: V8 still tunes
 * some work (compilation, concurrent marking) to time, and the counts of a server sharing a core
 * with others come out higher.
 *
 * Each server runs under callgrind (20–50 times slower), two at a time, with V8's collection schedule
 * made independent of time; a Node.js client sends BENCH_INSTRUCTION_REQUESTS requests per round on
 * 10 keep-alive connections, after as many to warm the JIT, in BENCH_INSTRUCTION_ROUNDS rounds; the
 * counters are zeroed before each round and read after it (`callgrind_control`), over every thread of
 * the process (the main thread, and the garbage collector's and compiler's helpers).
 */
const probe = spawnSync('valgrind', ['--version'], { encoding: 'utf8' });
if (probe.error !== undefined) {
  console.error(
    'This benchmark counts instructions with valgrind, which is not installed: `apt-get install valgrind` ' +
      '(Debian, Ubuntu), then run again.',
  );
  process.exit(1);
}
const TOKENS = knob('BENCH_INSTRUCTION_TOKENS', 1_000);
const REQUESTS = knob('BENCH_INSTRUCTION_REQUESTS', 3_000);
const ROUNDS = knob('BENCH_INSTRUCTION_ROUNDS', 5);
const CONNECTIONS = 10;
const url = postgresUrl();
const finish = reportStart(
  'Instructions per request: `GET /v1/tokens/self` under callgrind',
  'instructions',
  `${probe.stdout.trim()}, \`--tool=callgrind\`. ${count(REQUESTS)} requests per round on ${CONNECTIONS} ` +
    `keep-alive connections, ${ROUNDS} rounds after ${count(REQUESTS)} requests of warm-up; ` +
    `${count(TOKENS)} valid tokens per server, cycled, each verified once before. Instructions of every ` +
    `thread of the server process (user space) over all rounds, garbage collections included, divided by ` +
    `the requests answered. Last-used data is not flushed during the rounds (one flush a minute is one in ` +
    `hundreds of thousands of requests, but a minute is a few thousand requests under callgrind).`,
);

/** valgrind running Node.js: callgrind counting instructions only; JIT code rewrites itself. */
const CALLGRIND = [
  'valgrind',
  '--tool=callgrind',
  '--smc-check=all-non-file',
  '--callgrind-out-file=/dev/null',
  '--quiet',
];

interface Subject {
  letter: 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g';
  label: string;
  script: string;
  env: Record<string, string>;
  /** Instructions per request of each round. */
  rounds: number[];
  mainThread: number[];
}

const subjects: Subject[] = [];
const add = (letter: Subject['letter'], label: string, script: string, env: Record<string, string> = {}) =>
  subjects.push({ letter, label, script, env, rounds: [], mainThread: [] });
add('a', '(a) bare Fastify route, same body', 'bare-server.ts');
add('b', '(b) minimal verifier, valid tokens', 'minimal-verifier-server.ts');
add('c', '(c) Skytells on SQLite, valid tokens', 'token-server.ts');
add('e', '(e) Skytells on SQLite, restricted tokens', 'token-server.ts', { BENCH_RESTRICTED: '1' });
const drops: (() => Promise<void>)[] = [];
if (url !== undefined) {
  for (const [letter, label, env] of [
    ['d', '(d) Skytells on PostgreSQL, valid tokens', {}],
    ['f', '(f) Skytells on PostgreSQL, restricted tokens', { BENCH_RESTRICTED: '1' }],
  ] as const) {
    const { schema, drop } = await freshSchema(url);
    drops.push(drop);
    add(letter, label, 'token-server.ts', { ...env, BENCH_DATABASE_URL: url, BENCH_SCHEMA: schema });
  }
}
add('g', '(g) Skytells on SQLite, access log at info (the default)', 'token-server.ts', {
  BENCH_LOG: 'info',
});

/** Instructions counted so far in `server`, per thread (callgrind_control's "Totals" table). */
function instructions(server: BenchServer): { all: number; main: number } {
  const out = execFileSync('callgrind_control', ['-e', 'Ir', String(server.child.pid)], {
    encoding: 'utf8',
    // It tells standard error what it sends.
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const threads = [...out.matchAll(/^\s*Th\s*(\d+)\s+([\d,]+)\s*$/gm)].map(
    ([, thread, ir]) => [Number(thread), Number(ir!.replaceAll(',', ''))] as const,
  );
  if (threads.length === 0) throw new Error(`callgrind_control printed no counts:\n${out}`);
  return {
    all: threads.reduce((sum, [, ir]) => sum + ir, 0),
    main: threads.find(([thread]) => thread === 1)?.[1] ?? Number.NaN,
  };
}

/** `requests` requests of the values in turn, on `CONNECTIONS` connections; each must succeed. */
async function load(client: Client, values: readonly string[], requests: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < requests) {
      const value = values[next++ % values.length]!;
      const answer = await client.useToken(value);
      if (answer.status !== 200) throw new Error(`${answer.status} ${answer.body}`);
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
}

async function measure(subject: Subject): Promise<void> {
  const file = join(scratchDir(), 'tokens.json');
  const env = { ...subject.env, TOKEN_COUNT: String(TOKENS), TOKENS_FILE: file, BENCH_FLUSH_MS: '3600000' };
  const server = await startServer(subject.script, env, false, {
    launcher: CALLGRIND,
    // V8 otherwise schedules collections by time (the heap's growth, idle time, reducing memory), and
    // time runs 20–50 times slower under callgrind: the same requests would count more when slower.
    nodeFlags: ['--predictable-gc-schedule'],
  });
  // The bare route answers any request; it writes no tokens.
  const values =
    subject.script === 'bare-server.ts'
      ? ['none']
      : (JSON.parse(readFileSync(file, 'utf8')) as { values: string[] }).values;
  if (subject.script === 'token-server.ts') await server.ask<number>('warm', 'warm');
  const client = new Client(server.url, CONNECTIONS);
  await load(client, values, REQUESTS);
  for (let round = 0; round < ROUNDS; round++) {
    execFileSync('callgrind_control', ['--zero', String(server.child.pid)], { stdio: 'ignore' });
    await load(client, values, REQUESTS);
    const counted = instructions(server);
    subject.rounds.push(counted.all / REQUESTS);
    subject.mainThread.push(counted.main / REQUESTS);
  }
  client.close();
  await server.stop();
  process.stderr.write(`  ${subject.label}: done\n`);
}

// Two at a time, one per core: no server shares its core with another.
const queue = [...subjects];
await Promise.all(
  [0, 1].map(async () => {
    for (let subject = queue.shift(); subject !== undefined; subject = queue.shift()) await measure(subject);
  }),
);
for (const drop of drops) await drop();

// The mean, not the median: a round with a full garbage collection pays for the others' garbage.
const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const of = (letter: Subject['letter']) => subjects.find((subject) => subject.letter === letter);
const perRequest = (letter: Subject['letter']) => {
  const subject = of(letter);
  return subject === undefined ? Number.NaN : mean(subject.rounds);
};
const thousands = (n: number) => `${(n / 1000).toFixed(1)} k`;
console.log(
  markdownTable(
    ['server', 'instructions per request', 'main thread', 'rounds (min–max)', '(a) ÷ this', '(b) ÷ this'],
    subjects.map((subject) => {
      const mine = mean(subject.rounds);
      return [
        subject.label,
        thousands(mine),
        thousands(mean(subject.mainThread)),
        `${thousands(Math.min(...subject.rounds))}–${thousands(Math.max(...subject.rounds))}`,
        ratio(perRequest('a'), mine),
        subject.letter === 'a' ? '—' : ratio(perRequest('b'), mine),
      ];
    }),
  ),
);
console.log(
  '\n(a) ÷ this and (b) ÷ this: the share of the bare route’s and the minimal verifier’s throughput this ' +
    'server would reach if requests cost only their instructions.',
);
// The throughput one would lose to the other, were instructions all a request cost: 1 − mine ÷ theirs.
const lost = (dearer: Subject['letter'], cheaper: Subject['letter']) =>
  `${((1 - perRequest(cheaper) / perRequest(dearer)) * 100).toFixed(1)} %`;
console.log(
  `\nRestricted tokens would lose ${lost('e', 'c')} of the unrestricted throughput on SQLite` +
    (of('f') === undefined ? '.' : `, ${lost('f', 'd')} on PostgreSQL.`),
);
console.log(
  `The access log at info would lose ${lost('g', 'c')} of the throughput of logging nothing (SQLite).`,
);
if (url === undefined) postgresSkipped('(d) and (f), Skytells on PostgreSQL');
finish();

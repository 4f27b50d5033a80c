import { knob, postgresSkipped, postgresUrl, reportStart } from './lib/machine.js';
import { count, markdownTable, ms } from './lib/markdown.js';
import { Client } from './lib/http.js';
import { startCluster } from './lib/processes.js';
import { percentile, sleep } from './lib/stats.js';

/**
 * A revocation storm: three servers on one PostgreSQL schema; BENCH_STORM_TOKENS tokens (default
 * 10,000), all cached by B and C, are revoked through A at BENCH_STORM_RATE per second (default 500)
 * in random order, while BENCH_STORM_CLIENTS clients per server (default 10) use them on B and C,
 * cycling through all of them. Every use that B or C accepts (200) although it was sent after A had
 * acknowledged that token's revocation (204) is recorded with how long after the acknowledgement it
 * was sent. The documented bound is 1 s: the goal is none after it.
 */
const url = postgresUrl();
const TOKENS = knob('BENCH_STORM_TOKENS', 10_000);
const RATE = knob('BENCH_STORM_RATE', 500);
const CLIENTS = knob('BENCH_STORM_CLIENTS', 10);
/** Revocations in flight at most; the schedule falls behind rather than piling up more. */
const IN_FLIGHT = 32;
const TAIL_MS = 2_000;
const finish = reportStart(
  'Revocation storm across three processes (PostgreSQL)',
  'storm',
  `${count(TOKENS)} tokens revoked through A at ${count(RATE)}/s (in random order, at most ${IN_FLIGHT} ` +
    `revocations in flight) while ${CLIENTS} clients on each of B and C use the tokens in turn, one request ` +
    `after another, until ${TAIL_MS / 1000} s after the last revocation. ` +
    'Nothing is pinned: the three servers, PostgreSQL and this process (the clients) share the CPUs.',
);
if (url === undefined) {
  postgresSkipped('the revocation storm needs PostgreSQL');
  finish();
  process.exit(0);
}
console.log(`Starting A (storing ${count(TOKENS)} tokens), B and C on one fresh schema…`);
const cluster = await startCluster(url, TOKENS);
const { values, ids, writer } = cluster.tokens;
const a = new Client(cluster.a.url, IN_FLIGHT);
const users = [new Client(cluster.b.url, CLIENTS), new Client(cluster.c.url, CLIENTS)];

// Every token used once on B and C, so that both hold all of them in their caches.
await Promise.all(
  users.map(async (client) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < values.length) {
          const answer = await client.useToken(values[next++]!);
          if (answer.status !== 200)
            throw new Error(`a fresh token was refused while warming up: ${answer.status}`);
        }
      }),
    );
  }),
);

/** When A acknowledged each token's revocation (performance.now()), by index. */
const acknowledged = new Float64Array(values.length).fill(Number.POSITIVE_INFINITY);
/** For each accepted use sent after the acknowledgement: how long after, in ms. */
const late: number[] = [];
const tally = { uses: 0, afterAck: 0, refused: 0, other: 0 };
let running = true;

const load = users.map(async (client, which) => {
  // B and C start at different places in the cycle.
  let next = which * Math.floor(values.length / 2);
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (running) {
        const index = next++ % values.length;
        const sent = performance.now();
        let answer;
        try {
          answer = await client.useToken(values[index]!);
        } catch {
          tally.other++;
          continue;
        }
        tally.uses++;
        const since = sent - acknowledged[index]!;
        if (since >= 0) tally.afterAck++;
        if (answer.status === 200) {
          if (since >= 0) late.push(since);
        } else if (answer.status === 401 && answer.code === 'token_revoked') tally.refused++;
        else tally.other++;
      }
    }),
  );
});

const order = Array.from(values, (_, i) => i);
for (let i = order.length - 1; i > 0; i--) {
  const j = Math.floor(Math.random() * (i + 1));
  [order[i], order[j]] = [order[j]!, order[i]!];
}
const revokeMs: number[] = [];
const failures: string[] = [];
let inFlight = 0;
const started = performance.now();
const pending: Promise<void>[] = [];
for (let n = 0; n < order.length; n++) {
  const due = started + (n * 1000) / RATE;
  while (performance.now() < due || inFlight >= IN_FLIGHT)
    await sleep(Math.max(0, Math.min(1, due - performance.now())));
  const index = order[n]!;
  inFlight++;
  const sent = performance.now();
  pending.push(
    a.send('DELETE', `/v1/tokens/${ids[index]!}`, { authorization: `Bearer ${writer}` }).then(
      (answer) => {
        inFlight--;
        if (answer.status !== 204) {
          failures.push(`${answer.status} ${answer.code ?? ''}`.trim());
          return;
        }
        acknowledged[index] = performance.now();
        revokeMs.push(acknowledged[index] - sent);
      },
      (error: Error) => {
        inFlight--;
        failures.push(error.message);
      },
    ),
  );
}
await Promise.all(pending);
const stormSeconds = (performance.now() - started) / 1000;
await sleep(TAIL_MS);
running = false;
await Promise.all(load);
for (const client of [a, ...users]) client.close();
await cluster.stop();

/** `["500 internal", "500 internal"]` → `2 × 500 internal`. */
function summarize(answers: string[]): string {
  const counts = new Map<string, number>();
  for (const answer of answers) counts.set(answer, (counts.get(answer) ?? 0) + 1);
  return [...counts].map(([answer, n]) => `${n} × ${answer}`).join(', ');
}
console.log('');
console.log(
  markdownTable(
    ['measure', 'figure'],
    [
      [
        'revocations acknowledged (204)',
        `${count(revokeMs.length)} of ${count(values.length)}${failures.length > 0 ? `; failed: ${summarize(failures)}` : ''}`,
      ],
      ['achieved rate', `${count(revokeMs.length / stormSeconds)}/s over ${stormSeconds.toFixed(1)} s`],
      [
        'revocation latency on A, p50 / p99',
        `${ms(percentile(revokeMs, 50))} / ${ms(percentile(revokeMs, 99))}`,
      ],
      ['uses on B and C', count(tally.uses)],
      ['… of them sent after the token’s revocation was acknowledged', count(tally.afterAck)],
      ['… refused with 401 `token_revoked`', count(tally.refused)],
      ['… answered otherwise (neither 200 nor `token_revoked`)', count(tally.other)],
      ['**accepted (200) although sent after the acknowledgement**', count(late.length)],
      ['… more than 50 ms after it', count(late.filter((t) => t > 50).length)],
      ['**… more than 1 s after it (goal: 0)**', count(late.filter((t) => t > 1000).length)],
      ['… the latest, after the acknowledgement', late.length > 0 ? ms(Math.max(...late)) : '—'],
    ],
  ),
);
finish();

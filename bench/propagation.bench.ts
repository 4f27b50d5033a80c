import { knob, postgresSkipped, postgresUrl, reportStart } from './lib/machine.js';
import { count, markdownTable, ms } from './lib/markdown.js';
import { Client } from './lib/http.js';
import { startCluster } from './lib/processes.js';
import { percentile } from './lib/stats.js';

/**
 * How fast a revocation reaches the other processes: three servers on one PostgreSQL schema (one
 * secret, each caching verified tokens). BENCH_REVOCATIONS tokens (default 1,000) are each used on B
 * and C, so that both hold it in their caches, then revoked one at a time through A with
 * `DELETE /v1/tokens/{id}`; from A's 204, B and C are polled with the token, one request after
 * another, until each refuses it (401 `token_revoked`). Reported: from the 204 until both refused.
 */
const url = postgresUrl();
const REVOCATIONS = knob('BENCH_REVOCATIONS', 1_000);
/** A token still accepted this long after its revocation counts as never refused. */
const GIVE_UP_MS = 10_000;
const finish = reportStart(
  'Revocation propagation across three processes (PostgreSQL)',
  'propagation',
  `${count(REVOCATIONS)} revocations through process A, one at a time; each token was used on B and C ` +
    'before. Measured from the moment A answered 204 until both B and C answered 401 `token_revoked`, ' +
    'polling each with one request after another. ' +
    'Nothing is pinned: the three servers, PostgreSQL and this process (the clients) share the CPUs.',
);
if (url === undefined) {
  postgresSkipped('revocation propagation needs PostgreSQL');
  finish();
  process.exit(0);
}
console.log(`Starting A (storing ${count(REVOCATIONS)} tokens), B and C on one fresh schema…`);
const cluster = await startCluster(url, REVOCATIONS);
const { values, ids, writer } = cluster.tokens;
const a = new Client(cluster.a.url, 1);
const b = new Client(cluster.b.url, 1);
const c = new Client(cluster.c.url, 1);

// Each token used once on B and C: both now hold every token in their caches.
for (const client of [b, c]) {
  for (const value of values) {
    const answer = await client.useToken(value);
    if (answer.status !== 200)
      throw new Error(`a fresh token was refused while warming up: ${answer.status}`);
  }
}

/** Polls `client` with `token` until refused; ms from `since`, and how many times it was still accepted. */
async function refused(
  client: Client,
  token: string,
  since: number,
): Promise<{ ms: number; accepted: number; roundTrip: number }> {
  let accepted = 0;
  for (;;) {
    const sent = performance.now();
    const answer = await client.useToken(token);
    const elapsed = performance.now() - since;
    if (answer.status === 401 && answer.code === 'token_revoked') {
      return { ms: elapsed, accepted, roundTrip: performance.now() - sent };
    }
    if (answer.status !== 200) throw new Error(`unexpected answer ${answer.status} ${answer.body}`);
    accepted++;
    if (elapsed > GIVE_UP_MS) return { ms: Number.POSITIVE_INFINITY, accepted, roundTrip: 0 };
  }
}

const both: number[] = [];
const onB: number[] = [];
const onC: number[] = [];
const revokeMs: number[] = [];
const roundTrips: number[] = [];
let acceptedAfter = 0;
for (let i = 0; i < values.length; i++) {
  const sent = performance.now();
  const answer = await a.send('DELETE', `/v1/tokens/${ids[i]!}`, { authorization: `Bearer ${writer}` });
  const acknowledged = performance.now();
  if (answer.status !== 204) throw new Error(`revocation answered ${answer.status} ${answer.body}`);
  revokeMs.push(acknowledged - sent);
  const [fromB, fromC] = await Promise.all([
    refused(b, values[i]!, acknowledged),
    refused(c, values[i]!, acknowledged),
  ]);
  onB.push(fromB.ms);
  onC.push(fromC.ms);
  both.push(Math.max(fromB.ms, fromC.ms));
  acceptedAfter += fromB.accepted + fromC.accepted;
  roundTrips.push(fromB.roundTrip, fromC.roundTrip);
}
for (const client of [a, b, c]) client.close();
await cluster.stop();

const row = (label: string, samples: number[]) => [
  label,
  ms(percentile(samples, 50)),
  ms(percentile(samples, 99)),
  ms(Math.max(...samples)),
  count(samples.filter((s) => s > 1000).length),
];
console.log('');
console.log(
  markdownTable(
    ['measure', 'p50', 'p99', 'max', 'over 1 s'],
    [
      row('from A’s 204 until B and C both refuse the token', both),
      row('… until B refuses it', onB),
      row('… until C refuses it', onC),
      row('`DELETE /v1/tokens/{id}` on A, request to 204', revokeMs),
      row('the refusing poll of B or C, request to 401', roundTrips),
    ],
  ),
);
console.log(
  `\n${count(both.length)} revocations; B and C together still accepted a revoked token ` +
    `${count(acceptedAfter)} times after A’s 204 (polls answered 200 before the refusal).`,
);
finish();

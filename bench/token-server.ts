import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { type LogLevel, loadConfig } from '../src/config/config.js';
import type { DatabaseTarget } from '../src/adapters/storage/database.js';
import { KyselyTokenStore } from '../src/adapters/storage/kysely-token-store.js';
import { ApiError } from '../src/core/errors.js';
import { secureRandom } from '../src/core/random.js';
import { generateTokenValue } from '../src/core/token-format.js';
import { composePlatform } from '../src/main/compose.js';
import { createLogger } from '../src/main/logger.js';
import { seedTokens } from './lib/seed.js';
import { profileOnRequest } from './profile.js';

/**
 * The real server for the benchmarks, composed as `skytells-server` composes it (src/main/compose.ts),
 * on SQLite, or on PostgreSQL with BENCH_DATABASE_URL (in BENCH_SCHEMA, else in a fresh schema).
 * SKYTELLS_SECRET, if set, is the server secret, so that several processes can share one database.
 *
 * With TOKENS_FILE set it signs up an account, stores TOKEN_COUNT tokens (BENCH_SEED=storage, the
 * default: in transactions of BENCH_SEED_BATCH through the token lifecycle, see lib/seed.ts;
 * BENCH_SEED=service: one TokenService.create each), and writes to TOKENS_FILE as JSON `values` and
 * `ids` of BENCH_SAMPLE of them spread evenly (default all), `writer`, a token with `tokens:write`
 * that never expires, and `seedMs`. Without TOKENS_FILE it only serves, as a further process on a
 * shared database.
 *
 * BENCH_RESTRICTED=1 gives every seeded token restrictions that admit the benchmark's requests: an
 * `allowed_ips` of three ranges including 127.0.0.1 and a `rate_limit` of 100,000 requests an hour,
 * so that each request pays the address check and the rate limit (a shared-counter hit per block of 1,000;
 * docs/tokens.md, "Restrictions").
 *
 * IPC: 'warm' (verify every written value once), 'flush' (write pending last-used data now, timed), 'micro' (in-process verification), 'unknown'
 * (unknown values: look-ups and memory), 'memory' (after GC).
 */
const count = Number(process.env['TOKEN_COUNT'] ?? 10_000);
const sample = Math.min(count, Number(process.env['BENCH_SAMPLE'] ?? count));
const batch = Number(process.env['BENCH_SEED_BATCH'] ?? 10_000);
const seedMode = process.env['BENCH_SEED'] ?? 'storage';
const tokensFile = process.env['TOKENS_FILE'];
const restrictions =
  process.env['BENCH_RESTRICTED'] === '1'
    ? {
        allowedIps: ['10.0.0.0/8', '192.168.0.0/16', '127.0.0.0/8'],
        rateLimit: { requests: 100_000, perSeconds: 3600 },
        projects: null,
      }
    : null;
// Every look-up by hash in this process, counted to show what the verifier's caches spare the database.
let lookUps = 0;
const findByHash = Object.getOwnPropertyDescriptor(KyselyTokenStore.prototype, 'findByHash')!.value as (
  this: KyselyTokenStore,
  tokenHash: string,
) => ReturnType<KyselyTokenStore['findByHash']>;
KyselyTokenStore.prototype.findByHash = function (this: KyselyTokenStore, tokenHash: string) {
  lookUps++;
  return findByHash.call(this, tokenHash);
};
const databaseUrl = process.env['BENCH_DATABASE_URL'];
const dir = process.env['BENCH_DATA_DIR'] ?? mkdtempSync(join(tmpdir(), 'skytells-bench-'));
let target: DatabaseTarget = { dialect: 'sqlite', file: join(dir, 'bench.db') };
if (databaseUrl !== undefined) {
  let schema = process.env['BENCH_SCHEMA'];
  if (schema === undefined) {
    schema = `bench_${randomBytes(4).toString('hex')}`;
    const pg = await import('pg');
    const client = new pg.default.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`create schema ${schema}`);
    await client.end();
  }
  target = { dialect: 'postgres', url: databaseUrl, schema };
}

const secret = process.env['SKYTELLS_SECRET'] ?? randomBytes(32).toString('hex');
const config = loadConfig({ SKYTELLS_SECRET: secret, SKYTELLS_DATA_DIR: dir });
// BENCH_LOG=<level>: logs as `skytells-server` logs at that level (SKYTELLS_LOG_LEVEL), as JSON to
// /dev/null, synchronously as pino writes to standard output (a server whose output is piped);
// without it nothing is logged.
const logLevel = process.env['BENCH_LOG'] as LogLevel | undefined;
const platform = await composePlatform({
  config,
  target,
  logger:
    logLevel === undefined
      ? false
      : createLogger(logLevel, pino.destination({ dest: '/dev/null', sync: true })),
  scrypt: { N: 1024, r: 8, p: 1 },
});
const context = { ip: '127.0.0.1', userAgent: 'bench' };
const values: string[] = [];
if (tokensFile !== undefined) {
  const account = await platform.services.accounts.signUp(
    { email: `bench-${randomBytes(4).toString('hex')}@example.com`, password: 'benchmark password' },
    context,
  );
  const principal = {
    kind: 'session',
    accountId: account.id,
    sessionId: 'ses_bench',
    authenticatedAt: new Date(),
  } as const;
  const ids: string[] = [];
  const stride = sample > 0 ? count / sample : Infinity;
  let next = 0;
  const keep = (issued: { token: { id: string }; value: string }, index: number) => {
    if (index < Math.round(next * stride) || values.length >= sample) return;
    next++;
    values.push(issued.value);
    ids.push(issued.token.id);
  };
  const started = performance.now();
  const progress = count > batch;
  let lastProgress = started;
  if (seedMode === 'service') {
    for (let i = 0; i < count; i++) {
      const issued = await platform.services.tokens.create(
        principal,
        {
          name: `bench-${i}`,
          scopes: ['tokens:read'],
          expiresInDays: 30,
          ...(restrictions === null
            ? {}
            : { allowedIps: restrictions.allowedIps, rateLimit: restrictions.rateLimit }),
        },
        context,
      );
      keep(issued, i);
    }
  } else {
    await seedTokens({
      database: platform.database,
      secret,
      principal,
      context,
      count,
      batch,
      onToken: keep,
      restrictions,
      onBatch: (done) => {
        // Every 5 s and at the end, for a count of more than one batch.
        if (!progress || (done < count && performance.now() - lastProgress < 5_000)) return;
        lastProgress = performance.now();
        const seconds = (performance.now() - started) / 1000;
        process.stderr.write(
          `  seeded ${done.toLocaleString('en-GB')} of ${count.toLocaleString('en-GB')} tokens in ` +
            `${seconds.toFixed(1)} s (${Math.round(done / seconds).toLocaleString('en-GB')}/s)\n`,
        );
      },
    });
  }
  const seedMs = performance.now() - started;
  const writer = await platform.services.tokens.create(
    principal,
    { name: 'bench-writer', scopes: ['tokens:read', 'tokens:write'], expires: 'never' },
    context,
  );
  const databaseFile = target.dialect === 'sqlite' ? target.file : undefined;
  writeFileSync(tokensFile, JSON.stringify({ values, ids, writer: writer.value, seedMs, databaseFile }));
}
// As the real server flushes (src/main/server.ts), every SKYTELLS_LAST_USED_FLUSH_MS (default 60 s)
// unless BENCH_FLUSH_MS says otherwise: a failed flush keeps its batch for the next one.
/** The timer's flushes so far, for the 'flush' question. */
const flushes: { tokens: number; ms: number }[] = [];
const timer = setInterval(
  () => {
    const started = performance.now();
    void platform.lastUse.flush().then(
      (tokens) => flushes.push({ tokens, ms: performance.now() - started }),
      (error: unknown) => {
        process.stderr.write(`  last-use flush failed, kept for the next one: ${(error as Error).message}\n`);
      },
    );
  },
  Number(process.env['BENCH_FLUSH_MS'] ?? config.lastUsedFlushMs),
);
timer.unref();
const address = await platform.app.listen({ host: '127.0.0.1', port: 0 });
await profileOnRequest();
const gc = () => (globalThis as { gc?: () => void }).gc?.();
process.on('message', (message) => {
  if (message !== 'flush') return;
  // The largest flush the timer made so far (the runs' own), or, if it made none, one now: the tokens
  // used since the start, written at once.
  void (async () => {
    let flush = flushes.reduce<{ tokens: number; ms: number } | undefined>(
      (largest, next) => (largest === undefined || next.tokens > largest.tokens ? next : largest),
      undefined,
    );
    if (flush === undefined) {
      const started = performance.now();
      const tokens = await platform.lastUse.flush();
      flush = { tokens, ms: performance.now() - started };
    }
    process.send?.({ flush });
  })();
});
process.on('message', (message) => {
  if (message !== 'memory') return;
  // Started with --expose-gc: what the process holds, not garbage not yet collected.
  gc();
  const memory = process.memoryUsage();
  process.send?.({ memory: { rss: memory.rss, heapUsed: memory.heapUsed } });
});
process.on('message', (message) => {
  if (message !== 'warm') return;
  // Every written value verified once, as a server in steady state has seen its tokens before; a
  // restricted one also admitted once, so that this process holds a block of its rate limit.
  void (async () => {
    for (const value of values) {
      const token = await platform.services.verifier.verify(value, context);
      if (token.restrictions !== null)
        await platform.services.restrictions.admit(token, token.restrictions, context, new Date());
    }
    process.send?.({ warm: values.length });
  })();
});
process.on('message', (message) => {
  if (message !== 'micro') return;
  // The hot path alone, in process: verification of cached tokens, as the API's hook calls it.
  void (async () => {
    const calls = 200_000;
    const started = process.hrtime.bigint();
    for (let i = 0; i < calls; i++)
      await platform.services.verifier.verify(values[i % values.length]!, context);
    process.send?.({ microNanoseconds: Number(process.hrtime.bigint() - started) / calls });
  })();
});
process.on('message', (message) => {
  if (message !== 'unknown') return;
  // Unknown values with a valid checksum: some repeated, then a flood of distinct ones.
  void (async () => {
    const refuse = async (value: string) => {
      try {
        await platform.services.verifier.verify(value, context);
      } catch (error) {
        if (!(error instanceof ApiError) || error.code !== 'token_invalid') throw error;
        return;
      }
      throw new Error('an unknown value was accepted');
    };
    const repeated = Array.from({ length: 1_000 }, () => generateTokenValue(secureRandom));
    const calls = 100_000;
    const before = lookUps;
    const started = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) await refuse(repeated[i % repeated.length]!);
    const repeatNanoseconds = Number(process.hrtime.bigint() - started) / calls;
    const repeatLookUps = lookUps - before;
    const floods: { lookUps: number; rssBytes: number; heapBytes: number }[] = [];
    gc();
    const rssBefore = process.memoryUsage().rss;
    for (let round = 0; round < 2; round++) {
      const flood = Array.from({ length: 100_000 }, () => generateTokenValue(secureRandom));
      const start = lookUps;
      for (const value of flood) await refuse(value);
      gc();
      const memory = process.memoryUsage();
      floods.push({ lookUps: lookUps - start, rssBytes: memory.rss, heapBytes: memory.heapUsed });
    }
    process.send?.({ unknown: { calls, repeatNanoseconds, repeatLookUps, rssBefore, floods } });
  })();
});
process.send?.({ ready: address });

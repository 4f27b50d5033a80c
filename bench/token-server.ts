import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/config.js';
import type { DatabaseTarget } from '../src/adapters/storage/database.js';
import { KyselyTokenStore } from '../src/adapters/storage/kysely-token-store.js';
import { ApiError } from '../src/core/errors.js';
import { secureRandom } from '../src/core/random.js';
import { generateTokenValue } from '../src/core/token-format.js';
import { composePlatform } from '../src/main/compose.js';
import { profileOnRequest } from './profile.js';

/**
 * The real server for the benchmark: SQLite or PostgreSQL (both cache verified tokens),
 * seeded with TOKEN_COUNT tokens through the token service, whose values it writes to TOKENS_FILE.
 */
const count = Number(process.env['TOKEN_COUNT'] ?? 10_000);
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
const dir = mkdtempSync(join(tmpdir(), 'skytells-bench-'));
let target: DatabaseTarget = { dialect: 'sqlite', file: join(dir, 'bench.db') };
if (databaseUrl !== undefined) {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const pg = await import('pg');
  const client = new pg.default.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`create schema ${schema}`);
  await client.end();
  target = { dialect: 'postgres', url: databaseUrl, schema };
}

const config = loadConfig({ SKYTELLS_SECRET: randomBytes(32).toString('hex'), SKYTELLS_DATA_DIR: dir });
const platform = await composePlatform({ config, target, logger: false, scrypt: { N: 1024, r: 8, p: 1 } });
const context = { ip: '127.0.0.1', userAgent: 'bench' };
const account = await platform.services.accounts.signUp(
  { email: 'bench@example.com', password: 'benchmark password' },
  context,
);
const principal = {
  kind: 'session',
  accountId: account.id,
  sessionId: 'ses_bench',
  authenticatedAt: new Date(),
} as const;
const values: string[] = [];
for (let i = 0; i < count; i++) {
  const issued = await platform.services.tokens.create(
    principal,
    { name: `bench-${i}`, scopes: ['tokens:read'], expiresInDays: 30 },
    context,
  );
  values.push(issued.value);
}
writeFileSync(process.env['TOKENS_FILE'] ?? join(dir, 'tokens.json'), JSON.stringify(values));
const timer = setInterval(() => void platform.lastUse.flush(), Number(process.env['BENCH_FLUSH_MS'] ?? 1000));
timer.unref();
const address = await platform.app.listen({ host: '127.0.0.1', port: 0 });
await profileOnRequest();
process.on('message', (message) => {
  if (message !== 'micro') return;
  // The hot path alone, in process: verification of cached tokens, as the API's hook calls it.
  void (async () => {
    const context = { ip: '127.0.0.1', userAgent: 'bench' };
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
    const context = { ip: '127.0.0.1', userAgent: 'bench' };
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
    (globalThis as { gc?: () => void }).gc?.();
    const rssBefore = process.memoryUsage().rss;
    for (let round = 0; round < 2; round++) {
      const flood = Array.from({ length: 100_000 }, () => generateTokenValue(secureRandom));
      const start = lookUps;
      for (const value of flood) await refuse(value);
      // Started with --expose-gc: what the process holds, not garbage not yet collected.
      (globalThis as { gc?: () => void }).gc?.();
      const memory = process.memoryUsage();
      floods.push({ lookUps: lookUps - start, rssBytes: memory.rss, heapBytes: memory.heapUsed });
    }
    process.send?.({ unknown: { calls, repeatNanoseconds, repeatLookUps, rssBefore, floods } });
  })();
});
process.send?.({ ready: address });

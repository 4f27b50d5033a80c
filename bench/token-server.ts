import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/config.js';
import type { DatabaseTarget } from '../src/adapters/storage/database.js';
import { composePlatform } from '../src/main/compose.js';

/**
 * The real server for the benchmark: SQLite (cached verification) or PostgreSQL (read-through),
 * seeded with TOKEN_COUNT tokens through the token service, whose values it writes to TOKENS_FILE.
 */
const count = Number(process.env['TOKEN_COUNT'] ?? 10_000);
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
const principal = { kind: 'session', accountId: account.id, sessionId: 'ses_bench' } as const;
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
const profileFile = process.env['BENCH_PROFILE'];
if (profileFile !== undefined) {
  // For finding hot spots: BENCH_PROFILE=/tmp/x.cpuprofile, then send 'start' and 'stop' messages.
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  process.on('message', (message) => {
    if (message === 'start') void session.post('Profiler.start').then(() => process.send?.('started'));
    if (message === 'stop') {
      void session.post('Profiler.stop').then(({ profile }) => {
        writeFileSync(profileFile, JSON.stringify(profile));
        process.send?.('stopped');
      });
    }
  });
}
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
process.send?.({ ready: address });

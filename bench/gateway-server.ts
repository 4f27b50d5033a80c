import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../src/config/config.js';
import { composePlatform } from '../src/main/compose.js';

/**
 * The real server for the gateway benchmark, composed as `skytells-server` composes it, on SQLite,
 * with OpenAI's base URL at the stand-in (STAND_IN_URL). Signs up an account, saves its `openai` key,
 * writes a token holding `inference:use` to GATEWAY_FILE, flushes usage every second as the server
 * does on its interval, and sends `{ready: url}`.
 */
const dir = process.env['BENCH_DATA_DIR']!;
const standIn = process.env['STAND_IN_URL']!;
const config = loadConfig({
  SKYTELLS_SECRET: randomBytes(32).toString('hex'),
  SKYTELLS_DATA_DIR: dir,
  SKYTELLS_OPENAI_BASE_URL: `${standIn}/v1`,
});
const platform = await composePlatform({
  config,
  target: { dialect: 'sqlite', file: join(dir, 'bench.db') },
  logger: false,
  scrypt: { N: 1024, r: 8, p: 1 },
});
const context = { ip: '127.0.0.1', userAgent: 'bench' };
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
await platform.services.providerKeys.save(principal, 'openai', { apiKey: 'sk-bench-provider-key' }, context);
const token = await platform.services.tokens.create(
  principal,
  { name: 'bench-inference', scopes: ['inference:use'], expires: 'never' },
  context,
);
writeFileSync(process.env['GATEWAY_FILE']!, JSON.stringify({ token: token.value }), { mode: 0o600 });
const timer = setInterval(() => {
  void platform.lastUse.flush().catch(() => undefined);
  void platform.inferenceUsage.flush().catch(() => undefined);
}, 1000);
timer.unref();
const address = await platform.app.listen({ host: '127.0.0.1', port: 0 });
process.send?.({ ready: address });

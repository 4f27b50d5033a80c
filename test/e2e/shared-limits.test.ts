/**
 * Three real `skytells-server` processes on one PostgreSQL schema, spoken to round-robin: the
 * sign-in throttle and the leaked-token endpoint's limit hold for all three together, not for
 * each process on its own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REVOKE_RATE_LIMIT } from '../../src/adapters/http/routes/credential-routes.js';
import { DEFAULT_THROTTLE_LIMITS } from '../../src/core/sign-in-throttle.js';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from '../support/harness.js';
import {
  call,
  killAllChildren,
  postgresUrlWithSchema,
  type Reply,
  type ServerProcess,
  startServerProcess,
} from '../support/processes.js';

const PASSWORD = 'correct horse battery staple';
/** Real processes on a possibly busy machine: generous, but every wait inside is bounded too. */
const E2E_TIMEOUT = { timeout: 180_000 };

const describeOnPostgres = TEST_DATABASE_URL === undefined ? describe.skip : describe;
const POSTGRES_NOTE = TEST_DATABASE_URL === undefined ? ' (skipped: TEST_DATABASE_URL not set)' : '';

describeOnPostgres(
  `limits shared by three processes on one PostgreSQL schema${POSTGRES_NOTE}`,
  E2E_TIMEOUT,
  () => {
    let database: TestDatabase;
    let dataDir: string;
    let servers: ServerProcess[] = [];

    beforeAll(async () => {
      database = await createTestDatabase('postgres');
      if (database.target.dialect !== 'postgres' || database.target.schema === undefined) {
        throw new Error('expected a PostgreSQL schema');
      }
      dataDir = mkdtempSync(join(tmpdir(), 'skytells-e2e-'));
      const env = {
        DATABASE_URL: postgresUrlWithSchema(database.target.url, database.target.schema),
        // One data directory, so all three use the one generated secret.
        SKYTELLS_DATA_DIR: dataDir,
        SKYTELLS_LOG_LEVEL: 'warn',
      };
      servers = await Promise.all([0, 1, 2].map(() => startServerProcess({ env })));
    }, E2E_TIMEOUT.timeout);

    afterAll(async () => {
      await killAllChildren();
      await database?.dispose();
      if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
    });

    /** The server the `i`th request goes to: round-robin over the three. */
    const serverFor = (i: number) => servers[i % servers.length]!;

    it('throttles failed sign-ins spread round-robin at the limit of one process, not three times it', async () => {
      const email = `shared-limits-${Date.now()}@example.com`;
      const created = await call(servers[0]!, 'POST', '/v1/accounts', {
        json: { email, password: PASSWORD },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);

      const limit = DEFAULT_THROTTLE_LIMITS.perAccountAndIp;
      const failures: Reply[] = [];
      for (let i = 0; i < limit; i++) {
        failures.push(
          await call(serverFor(i), 'POST', '/v1/sessions', { json: { email, password: 'wrong password' } }),
        );
      }
      expect(failures.map((reply) => reply.body['code'])).toEqual(Array(limit).fill('invalid_credentials'));

      // Every process now refuses, even the right password: each has seen fewer than `limit` failures itself.
      for (const server of servers) {
        const throttled = await call(server, 'POST', '/v1/sessions', { json: { email, password: PASSWORD } });
        expect(throttled.status).toBe(429);
        expect(throttled.body).toMatchObject({ code: 'rate_limited' });
        expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
      }
    });

    it('answers 429 on the leaked-token endpoint once 30 requests have been spread over the three', async () => {
      const report = (i: number) =>
        call(serverFor(i), 'POST', '/v1/credentials/revoke', {
          json: { credentials: [`skt_not_a_token_${i}`] },
        });
      const accepted: number[] = [];
      for (let i = 0; i < REVOKE_RATE_LIMIT; i++) accepted.push((await report(i)).status);
      expect(accepted).toEqual(Array(REVOKE_RATE_LIMIT).fill(202));

      for (let i = 0; i < servers.length; i++) {
        const limited = await report(REVOKE_RATE_LIMIT + i);
        expect(limited.status).toBe(429);
        expect(limited.body).toMatchObject({ code: 'rate_limited' });
        const retryAfter = Number(limited.headers.get('retry-after'));
        expect(retryAfter).toBeGreaterThan(0);
        expect(retryAfter).toBeLessThanOrEqual(60);
      }
    });
  },
);

if (TEST_DATABASE_URL === undefined) {
  describe('limits shared by three processes', () => {
    it.skip('needs PostgreSQL (skipped: TEST_DATABASE_URL not set)', () => undefined);
  });
}

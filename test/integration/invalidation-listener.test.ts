/**
 * The PostgreSQL listener that keeps a process's verification cache in step with other processes'
 * revocations, against a real server where one runs, and against a port where none listens.
 */
import { describe, expect, it } from 'vitest';
import { VerifiedTokenCache } from '../../src/core/verified-token-cache.js';
import type { AccessToken } from '../../src/core/model.js';
import { PostgresInvalidationListener } from '../../src/adapters/notify/postgres-invalidation-listener.js';
import { TEST_DATABASE_URL } from '../support/harness.js';
import { freePort } from '../support/processes.js';

const itOnPostgres = TEST_DATABASE_URL === undefined ? it.skip : it;
const POSTGRES_NOTE = TEST_DATABASE_URL === undefined ? ' (skipped: TEST_DATABASE_URL not set)' : '';

const aToken = (id: string) => ({ id }) as AccessToken;

describe('PostgresInvalidationListener', () => {
  it('leaves the cache reading through when no listener can be established at start', async () => {
    const cache = new VerifiedTokenCache();
    const lost: Error[] = [];
    const listener = new PostgresInvalidationListener({
      url: `postgres://nobody@127.0.0.1:${await freePort()}/none`,
      cache,
      onConnectionLost: (error) => lost.push(error),
    });
    try {
      expect(await listener.start()).toBe(false);
      cache.set('hash-1', aToken('tok_1'));
      expect(cache.get('hash-1')).toBeUndefined();
      expect(listener.isListening).toBe(false);
      expect(lost).toHaveLength(1);
    } finally {
      await listener.close();
    }
  });

  itOnPostgres(`lets the cache serve once LISTEN is in place${POSTGRES_NOTE}`, async () => {
    const cache = new VerifiedTokenCache();
    const listener = new PostgresInvalidationListener({ url: TEST_DATABASE_URL!, cache });
    try {
      expect(cache.isTrusted).toBe(false);
      expect(await listener.start()).toBe(true);
      cache.set('hash-1', aToken('tok_1'));
      expect(cache.get('hash-1')).toMatchObject({ id: 'tok_1' });
    } finally {
      await listener.close();
    }
    expect(cache.isTrusted).toBe(false);
  });
});

import { existsSync, readFileSync } from 'node:fs';
import { operations } from '@skytells/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate } from '../../src/adapters/http/authenticate.js';
import { KeyedHasher } from '../../src/core/keyed-hash.js';
import { createLogger } from '../../src/main/logger.js';
import { bearer, createTestPlatform, signUpAndSignIn, type TestPlatform } from '../support/harness.js';
import { withBadChecksum } from '../support/http.js';
import { MemoryLog } from '../support/memory-log.js';

const SECRET = 'a'.repeat(64);

describe('API key values are never logged, nor stored in plain', () => {
  let platform: TestPlatform;
  const log = new MemoryLog();
  beforeAll(async () => {
    platform = await createTestPlatform({
      logger: createLogger('trace', log),
      env: { SKYTELLS_SECRET: SECRET },
    });
    platform.app.post(
      '/test/inference',
      { onRequest: authenticate(platform.services, operations.createChatCompletion.auth) },
      async () => ({ ok: true }),
    );
  });
  afterAll(async () => platform.close());

  /** Creates, uses, misuses, rolls, revokes and reports keys; returns every value that existed. */
  async function exercise(): Promise<string[]> {
    const { app } = platform;
    const user = await signUpAndSignIn(app);
    const make = async (name: string) =>
      (
        await app.inject({ method: 'POST', url: '/v1/api-keys', headers: user.headers, payload: { name } })
      ).json<{ id: string; key: string }>();
    const first = await make('first');
    const second = await make('second');
    await app.inject({ method: 'POST', url: '/test/inference', headers: bearer(first.key) });
    await app.inject({ method: 'POST', url: '/test/inference', headers: { 'x-api-key': second.key } });
    await app.inject({ method: 'POST', url: '/test/inference', headers: bearer(withBadChecksum(first.key)) });
    await app.inject({ method: 'GET', url: '/v1/account', headers: bearer(first.key) });
    await app.inject({ method: 'GET', url: `/v1/api-keys?key=${first.key}`, headers: user.headers });
    const rolled = (
      await app.inject({ method: 'POST', url: `/v1/api-keys/${first.id}/roll`, headers: user.headers })
    ).json<{ key: string }>();
    await app.inject({ method: 'POST', url: '/test/inference', headers: bearer(first.key) });
    await app.inject({
      method: 'POST',
      url: '/v1/credentials/revoke',
      payload: { credentials: [second.key] },
    });
    await app.inject({ method: 'POST', url: '/test/inference', headers: { 'x-api-key': second.key } });
    await platform.lastUse.flush();
    return [first.key, second.key, rolled.key];
  }

  it('no log line at level trace holds a key value or its random part', async () => {
    const values = await exercise();
    expect(log.lines.length).toBeGreaterThan(0);
    for (const value of values) {
      for (const needle of [value, value.slice(12, 40)]) {
        const leaking = log.lines.filter((line) => line.includes(needle));
        expect({ needle, leaking }).toEqual({ needle, leaking: [] });
      }
    }
    expect(log.lines.join('')).toContain('key=sk_live_[redacted]');
  });

  it('the SQLite file and its WAL hold no key value, only its keyed hash', async () => {
    const values = await exercise();
    const target = platform.target;
    if (target.dialect !== 'sqlite') throw new Error('expected SQLite');
    const files = [target.file, `${target.file}-wal`].filter((file) => existsSync(file));
    expect(files).toContain(target.file);
    const hasher = new KeyedHasher(SECRET);
    let sawHash = false;
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const value of values) {
        expect(bytes.includes(Buffer.from(value)), `${file} holds a key value`).toBe(false);
        expect(bytes.includes(Buffer.from(value.slice(12, 40))), `${file} holds a key's random part`).toBe(
          false,
        );
        sawHash ||= bytes.includes(Buffer.from(hasher.hash('api-key-hash', value)));
      }
    }
    // The rows are there, by keyed hash: the search above looked where a value would be.
    expect(sawHash).toBe(true);
  });
});

/**
 * SQLite on a disk that fills up: the data directory is a 2 MiB tmpfs, filled to the last byte by a
 * filler file. Writes answer 507 `storage_full`, reads go on, and once the filler is deleted writes
 * succeed again in the same process.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { StorageFullError } from '../../src/core/storage-errors.js';
import { composePlatform, type Platform } from '../../src/main/compose.js';
import { bearer, type ConsoleUser, createToken, signUpAndSignIn, TEST_SCRYPT } from '../support/harness.js';
import { expectProblem } from '../support/http.js';

const mountPoint = mkdtempSync(join(tmpdir(), 'skytells-full-'));
const filler = join(mountPoint, 'filler');
/** Why the suite cannot run here, if it cannot. */
let skipReason: string | undefined;
let mounted = false;
let platform: Platform | undefined;

/** Writes to `file` until the file system refuses another byte. */
function fillDisk(file: string): void {
  const fd = openSync(file, 'a');
  try {
    for (const size of [64 * 1024, 4096, 1]) {
      const chunk = Buffer.alloc(size, 0x2a);
      for (;;) {
        try {
          if (writeSync(fd, chunk) < size) break;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw error;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

beforeAll(async () => {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', mountPoint], { stdio: 'pipe' });
    mounted = true;
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    skipReason = `cannot mount a tmpfs here (needs root): ${stderr || (error as Error).message}`;
    return;
  }
  platform = await composePlatform({
    config: loadConfig({ SKYTELLS_SECRET: randomBytes(32).toString('hex') }),
    target: { dialect: 'sqlite', file: join(mountPoint, 'skytells.db') },
    logger: false,
    scrypt: TEST_SCRYPT,
  });
});

afterAll(async () => {
  if (platform !== undefined) {
    await platform.app.close();
    await platform.database.close();
  }
  if (mounted) execFileSync('umount', [mountPoint]);
  rmdirSync(mountPoint);
});

describe('SQLite on a full disk', () => {
  it('answers 507 storage_full to writes and 200 to reads, and writes again once space is freed', async (context) => {
    if (platform === undefined) return context.skip(skipReason);
    const { app, lastUse } = platform;
    const user: ConsoleUser = await signUpAndSignIn(app);
    const token = await createToken(app, user, { scopes: ['tokens:read', 'tokens:write'] });
    const createAnother = () =>
      app.inject({
        method: 'POST',
        url: '/v1/tokens',
        headers: bearer(token.token),
        payload: { name: `t-${randomBytes(4).toString('hex')}`, scopes: ['tokens:read'], expires_in_days: 1 },
      });

    // SQLite may still find room in its own files for a write or two: fill again until it cannot.
    let refused: Awaited<ReturnType<typeof createAnother>> | undefined;
    for (let attempt = 0; attempt < 50 && refused === undefined; attempt++) {
      fillDisk(filler);
      const response = await createAnother();
      if (response.statusCode === 201) continue;
      refused = response;
    }
    if (refused === undefined) throw new Error('the disk never filled up');
    expectProblem(refused, 507, 'storage_full');

    const list = await app.inject({ method: 'GET', url: '/v1/tokens', headers: user.headers });
    expect(list.statusCode).toBe(200);
    const self = await app.inject({ method: 'GET', url: '/v1/tokens/self', headers: bearer(token.token) });
    expect(self.statusCode).toBe(200);
    // Reads work, so the server stays ready.
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    // A refused revocation was not acknowledged, so the token still works.
    const revoke = await app.inject({
      method: 'DELETE',
      url: `/v1/tokens/${token.id}`,
      headers: user.headers,
    });
    expectProblem(revoke, 507, 'storage_full');
    expect(
      (await app.inject({ method: 'GET', url: '/v1/tokens/self', headers: bearer(token.token) })).statusCode,
    ).toBe(200);
    // Last-used data waits in memory for space.
    await expect(lastUse.flush()).rejects.toBeInstanceOf(StorageFullError);
    expect(lastUse.size).toBe(1);

    rmSync(filler);

    expect((await createAnother()).statusCode).toBe(201);
    expect(await lastUse.flush()).toBe(1);
    expect(
      (await app.inject({ method: 'DELETE', url: `/v1/tokens/${token.id}`, headers: user.headers }))
        .statusCode,
    ).toBe(204);
    const after = await app.inject({ method: 'GET', url: '/v1/tokens/self', headers: bearer(token.token) });
    expectProblem(after, 401, 'token_revoked');
  });
});

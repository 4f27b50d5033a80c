import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isJobLoginUsable, jobDirectory, JobCredentialStore, type JobLogin } from './job-credentials.js';

describe('jobDirectory', () => {
  it("is RUNNER_TEMP's skytells folder on GitHub Actions, whatever else is set", () => {
    expect(jobDirectory({ RUNNER_TEMP: '/home/runner/work/_temp', CI_JOB_ID: '9' }, '/tmp')).toBe(
      '/home/runner/work/_temp/skytells',
    );
  });

  it('is a folder of the temporary directory named for CI_JOB_ID elsewhere', () => {
    expect(jobDirectory({ CI_JOB_ID: '567' }, '/tmp')).toBe('/tmp/skytells-567');
    expect(jobDirectory({ RUNNER_TEMP: '', CI_JOB_ID: '567' }, '/tmp')).toBe('/tmp/skytells-567');
  });

  it('is undefined outside a recognisable job, and for a job id that could climb out of the folder', () => {
    expect(jobDirectory({}, '/tmp')).toBeUndefined();
    expect(jobDirectory({ CI_JOB_ID: '' }, '/tmp')).toBeUndefined();
    expect(jobDirectory({ CI_JOB_ID: '../../etc' }, '/tmp')).toBeUndefined();
    expect(jobDirectory({ CI_JOB_ID: '..' }, '/tmp')).toBeUndefined();
  });
});

const login = (expiresAt: string): JobLogin => ({
  host: 'https://skytells.example.com',
  token: 'skt_value',
  workload: { id: 'wl_1', name: 'deploy-api' },
  tokenId: 'tok_1',
  masked: 'skt_abcd…wxyz',
  expiresAt,
});

describe('isJobLoginUsable', () => {
  const now = new Date('2026-06-01T12:00:00Z');

  it('is true while more than 30 seconds are left, false after', () => {
    expect(isJobLoginUsable(login('2026-06-01T12:10:00Z'), now)).toBe(true);
    expect(isJobLoginUsable(login('2026-06-01T12:00:20Z'), now)).toBe(false);
    expect(isJobLoginUsable(login('2026-06-01T11:59:00Z'), now)).toBe(false);
    expect(isJobLoginUsable(login('not a time'), now)).toBe(false);
  });
});

describe('JobCredentialStore', () => {
  const dirs: string[] = [];
  const scratch = () => {
    const dir = mkdtempSync(join(tmpdir(), 'skytells-job-store-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a login per host in a 0600 file of a 0700 folder, and forgets it', async () => {
    const directory = join(scratch(), 'skytells');
    const store = new JobCredentialStore(directory);
    const saved = login('2026-06-01T12:10:00Z');

    await store.save(saved);

    expect(await store.find(saved.host)).toEqual(saved);
    expect(await store.defaultHost()).toBe(saved.host);
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    expect(statSync(directory).mode & 0o777).toBe(0o700);
    expect(await store.remove(saved.host)).toEqual(saved);
    expect(await store.find(saved.host)).toBeUndefined();
    expect(await store.defaultHost()).toBeUndefined();
  });

  it.runIf(process.platform !== 'win32')('refuses a folder others can read', async () => {
    const directory = join(scratch(), 'skytells');
    mkdirSync(directory, { mode: 0o755 });
    chmodSync(directory, 0o755);
    const store = new JobCredentialStore(directory);

    await expect(store.find('https://skytells.example.com')).rejects.toThrow(/not private to this user/);
    await expect(store.save(login('2026-06-01T12:10:00Z'))).rejects.toThrow(/not private to this user/);
  });
});

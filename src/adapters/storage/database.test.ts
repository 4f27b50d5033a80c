import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from './database.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('openDatabase on SQLite', () => {
  let dir: string;
  let umask: number;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'skytells-mode-'));
    // The usual umask, under which files are created readable by everyone unless asked otherwise.
    umask = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(umask);
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the database file and its -wal and -shm files readable by their owner only (0600)', async () => {
    const file = join(dir, 'skytells.db');
    const database = openDatabase({ dialect: 'sqlite', file });
    try {
      await migrateToLatest(database);

      expect([modeOf(file), modeOf(`${file}-wal`), modeOf(`${file}-shm`)]).toEqual([0o600, 0o600, 0o600]);
    } finally {
      await database.close();
    }
  });

  it('tightens to 0600 the files an earlier, laxer start left readable by others', async () => {
    const file = join(dir, 'skytells.db');
    const earlier = new BetterSqlite3(file);
    earlier.pragma('journal_mode = WAL');
    earlier.exec('create table earlier (id integer)');
    expect(modeOf(`${file}-wal`)).toBe(0o644);

    const database = openDatabase({ dialect: 'sqlite', file });
    try {
      expect([modeOf(file), modeOf(`${file}-wal`), modeOf(`${file}-shm`)]).toEqual([0o600, 0o600, 0o600]);
    } finally {
      await database.close();
      earlier.close();
    }
  });
});

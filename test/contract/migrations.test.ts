/**
 * Migrations: idempotent on every dialect, and safe when several processes start at once against
 * one PostgreSQL database (docs/configuration.md: "many server processes may share one").
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest, type OpenDatabase, openDatabase } from '../../src/adapters/storage/database.js';
import { migrationsFor } from '../../src/adapters/storage/migrations.js';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from '../support/harness.js';
import { killAllChildren, postgresUrlWithSchema, runServerCli } from '../support/processes.js';

const dialects = TEST_DATABASE_URL === undefined ? (['sqlite'] as const) : (['sqlite', 'postgres'] as const);
const MIGRATION_NAMES = Object.keys(migrationsFor('sqlite'));
/** Tests that start real processes: generous for a busy machine; every wait inside is bounded too. */
const PROCESS_TIMEOUT = { timeout: 90_000 };
/** PostgreSQL tests run when `TEST_DATABASE_URL` is set, and otherwise say plainly why they are skipped. */
const describeOnPostgres = TEST_DATABASE_URL === undefined ? describe.skip : describe;
const POSTGRES_NOTE = TEST_DATABASE_URL === undefined ? ' (skipped: TEST_DATABASE_URL not set)' : '';

/** Test-owned resources, released after each test whatever its outcome. */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await killAllChildren();
  while (cleanups.length > 0) await cleanups.pop()!().catch(() => undefined);
});
afterAll(killAllChildren);

async function freshDatabase(dialect: 'sqlite' | 'postgres'): Promise<TestDatabase> {
  const database = await createTestDatabase(dialect);
  cleanups.push(() => database.dispose());
  return database;
}

function open(database: TestDatabase): OpenDatabase {
  const handle = openDatabase(database.target);
  cleanups.push(() => handle.close());
  return handle;
}

async function appliedMigrations(handle: OpenDatabase): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
    handle.db,
  );
  return rows.map((row) => row.name);
}

describe.each(dialects)('%s migrations', (dialect) => {
  it('applies every migration on a fresh database, and a second run is a no-op', async () => {
    const database = await freshDatabase(dialect);
    const handle = open(database);

    const first = await migrateToLatest(handle);
    expect(first.results?.map((r) => [r.migrationName, r.status])).toEqual(
      MIGRATION_NAMES.map((name) => [name, 'Success']),
    );

    const second = await migrateToLatest(handle);
    expect(second.error).toBeUndefined();
    expect(second.results).toEqual([]);
    expect(await appliedMigrations(handle)).toEqual(MIGRATION_NAMES);
  });

  it('finds nothing to do when a later process opens an already migrated database, and keeps its data', async () => {
    const database = await freshDatabase(dialect);
    const first = open(database);
    await migrateToLatest(first);
    await first.db
      .insertInto('accounts')
      .values({
        id: 'acc_kept',
        email: 'kept@example.com',
        name: 'Kept',
        password_hash: 'x',
        created_at: new Date().toISOString(),
      })
      .execute();
    await first.close();

    const later = open(database);
    const result = await migrateToLatest(later);

    expect(result.results).toEqual([]);
    const kept = await later.db
      .selectFrom('accounts')
      .select('email')
      .where('id', '=', 'acc_kept')
      .executeTakeFirst();
    expect(kept).toEqual({ email: 'kept@example.com' });
  });
});

describeOnPostgres(
  `PostgreSQL migrations shared by pools, processes and schemas${POSTGRES_NOTE}`,
  PROCESS_TIMEOUT,
  () => {
    it('lets four pools migrate one fresh schema at once: all succeed and exactly one applies each migration', async () => {
      const database = await freshDatabase('postgres');
      const handles = [0, 1, 2, 3].map(() => open(database));

      const outcomes = await Promise.allSettled(handles.map((handle) => migrateToLatest(handle)));

      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
      const applied = outcomes.flatMap((o) =>
        o.status === 'fulfilled' ? (o.value.results ?? []).filter((r) => r.status === 'Success') : [],
      );
      expect(applied.map((r) => r.migrationName).sort()).toEqual(MIGRATION_NAMES);
      expect(await appliedMigrations(handles[0]!)).toEqual(MIGRATION_NAMES);
    });

    it('migrates a schema of its own even when another schema of the same database is already migrated', async () => {
      const neighbour = open(await freshDatabase('postgres'));
      await migrateToLatest(neighbour);
      const own = open(await freshDatabase('postgres'));

      const result = await migrateToLatest(own);

      expect(result.results?.map((r) => [r.migrationName, r.status])).toEqual(
        MIGRATION_NAMES.map((name) => [name, 'Success']),
      );
      expect(await appliedMigrations(own)).toEqual(MIGRATION_NAMES);
      expect(await appliedMigrations(neighbour)).toEqual(MIGRATION_NAMES);
    });

    it('lets two `skytells-server migrate` processes started at once share a fresh schema', async () => {
      const database = await freshDatabase('postgres');
      if (database.target.dialect !== 'postgres' || database.target.schema === undefined)
        throw new Error('no schema');
      const dataDir = mkdtempSync(join(tmpdir(), 'skytells-migrate-'));
      cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
      const env = {
        DATABASE_URL: postgresUrlWithSchema(database.target.url, database.target.schema),
        SKYTELLS_DATA_DIR: dataDir,
      };

      const runs = await Promise.all([
        runServerCli(['migrate'], { env }),
        runServerCli(['migrate'], { env }),
      ]);

      for (const run of runs) expect(run, run.stderr).toMatchObject({ code: 0, signal: null });
      const reports = runs.map((run) => run.stdout.trim()).sort();
      expect(reports).toEqual([`Applied: ${MIGRATION_NAMES.join(', ')}`, 'Database is up to date.']);
      expect(await appliedMigrations(open(database))).toEqual(MIGRATION_NAMES);
    });
  },
);

describe('SQLite migrations from two processes', PROCESS_TIMEOUT, () => {
  it('lets two `skytells-server migrate` processes started at once share a fresh data directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'skytells-migrate-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));

    const runs = await Promise.all([
      runServerCli(['migrate'], { env: { SKYTELLS_DATA_DIR: dataDir } }),
      runServerCli(['migrate'], { env: { SKYTELLS_DATA_DIR: dataDir } }),
    ]);

    for (const run of runs) expect(run, run.stderr).toMatchObject({ code: 0, signal: null });
    const handle = openDatabase({ dialect: 'sqlite', file: join(dataDir, 'skytells.db') });
    cleanups.push(() => handle.close());
    expect(await appliedMigrations(handle)).toEqual(MIGRATION_NAMES);
  });
});

import BetterSqlite3 from 'better-sqlite3';
import { Kysely, type MigrationResultSet, Migrator, PostgresDialect, sql, SqliteDialect } from 'kysely';
import pg from 'pg';
import { type DialectName, migrationProvider } from './migrations.js';
import type { Schema } from './schema.js';

/** Where the data lives. */
export type DatabaseTarget =
  | { dialect: 'sqlite'; file: string }
  | {
      dialect: 'postgres';
      url: string;
      /** Tests isolate themselves in a schema of their own. */ schema?: string;
      poolSize?: number;
    };

/** An open database: the Kysely handle, its dialect and how to close it. */
export interface OpenDatabase {
  db: Kysely<Schema>;
  dialect: DialectName;
  close(): Promise<void>;
}

/**
 * Opens the database. SQLite runs in WAL mode with `synchronous=FULL`, so an acknowledged write (a
 * revocation above all) survives a crash or power loss, and a busy timeout for concurrent readers.
 */
export function openDatabase(target: DatabaseTarget): OpenDatabase {
  if (target.dialect === 'sqlite') {
    const connection = new BetterSqlite3(target.file);
    connection.pragma('journal_mode = WAL');
    connection.pragma('synchronous = FULL');
    connection.pragma('busy_timeout = 5000');
    connection.pragma('foreign_keys = ON');
    const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: connection }) });
    return { db, dialect: 'sqlite', close: () => db.destroy() };
  }
  const pool = new pg.Pool({
    connectionString: target.url,
    max: target.poolSize ?? 10,
    ...(target.schema === undefined ? {} : { options: `-c search_path=${target.schema}` }),
  });
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

// Arbitrary constant naming this application's migration lock among PostgreSQL advisory locks.
const MIGRATION_LOCK_KEY = 7_411_202_613;

/**
 * Applies every pending migration. Safe when several processes start at once: on PostgreSQL they
 * queue on an advisory lock; on SQLite they queue on the database's write lock, taken up front by
 * one `begin immediate` transaction around the whole run.
 * @throws the migration error, after rolling back the failed step.
 */
export async function migrateToLatest(database: OpenDatabase): Promise<MigrationResultSet> {
  const provider = migrationProvider(database.dialect);
  const run = async (db: Kysely<Schema>, migrationTableSchema?: string) => {
    const migrator = new Migrator({
      db,
      provider,
      ...(migrationTableSchema ? { migrationTableSchema } : {}),
    });
    const result = await migrator.migrateToLatest();
    if (result.error !== undefined) {
      throw result.error instanceof Error
        ? result.error
        : new Error('migration failed', { cause: result.error });
    }
    return result;
  };
  if (database.dialect === 'sqlite') {
    // Kysely runs SQLite migrations outside any transaction; without this, two processes both see
    // the migration pending and the second fails on "table already exists".
    return database.db.connection().execute(async (connection) => {
      await sql`begin immediate`.execute(connection);
      try {
        const result = await run(connection);
        await sql`commit`.execute(connection);
        return result;
      } catch (error) {
        await sql`rollback`.execute(connection);
        throw error;
      }
    });
  }
  return database.db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(connection);
    try {
      // Kysely looks for its bookkeeping tables in every schema unless told one: name ours, or a
      // neighbouring schema's tables would be taken for this one's.
      const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(
        connection,
      );
      return await run(connection, rows[0]?.schema ?? undefined);
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(connection);
    }
  });
}

/** Whether `error` is a unique-constraint violation, on either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const { code } = error;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

import { chmodSync, closeSync, openSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, type MigrationResultSet, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { DatabaseUnavailableError } from '../../core/storage-errors.js';
import { BetterSqliteDialect } from './better-sqlite-dialect.js';
import { translateDriverError } from './driver-errors.js';
import { type DialectName, migrationProvider } from './migrations.js';
import type { Schema } from './schema.js';
import { translatingDialect } from './translating-dialect.js';

/** Where the data lives. */
export type DatabaseTarget =
  | { dialect: 'sqlite'; file: string }
  | {
      dialect: 'postgres';
      url: string;
      /** Tests isolate themselves in a schema of their own. */ schema?: string;
      poolSize?: number;
      /** How long a request waits for a connection before it answers "unavailable"; default 5 s. */
      connectTimeoutMs?: number;
    };

/** What the caller wants to hear about a database while it is open. */
export interface OpenDatabaseOptions {
  /**
   * A PostgreSQL connection died outside any query (server restart, failover, a terminated backend,
   * a network cut). The pool drops it and connects anew on demand; this is for the log.
   */
  onConnectionLost?: (error: DatabaseUnavailableError) => void;
}

/** How long a request waits for a PostgreSQL connection unless the target says otherwise. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

/** An open database: the Kysely handle, its dialect and how to close it. */
export interface OpenDatabase {
  db: Kysely<Schema>;
  dialect: DialectName;
  close(): Promise<void>;
}

/**
 * Creates the SQLite file readable by its owner only, before SQLite opens it: SQLite gives the `-wal`
 * and `-shm` files it creates the database file's mode. Files left by an older, laxer start are
 * tightened too.
 */
function restrictSqliteFiles(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      chmodSync(path, 0o600);
    } catch (error) {
      // Absent, or owned by another user, whose choice of mode it then is.
      const { code } = error as NodeJS.ErrnoException;
      if (code !== 'ENOENT' && code !== 'EPERM') throw error;
    }
  }
}

/**
 * Keeps a dropped PostgreSQL connection from ending the process: pg emits `error` on the client, and
 * the pool re-emits it for idle clients; an `error` event nobody listens to is thrown.
 */
function watchConnections(pool: pg.Pool, options: OpenDatabaseOptions): void {
  const report = (error: Error) => {
    const translated = translateDriverError(error);
    options.onConnectionLost?.(
      translated instanceof DatabaseUnavailableError
        ? translated
        : new DatabaseUnavailableError(error.message, { cause: error }),
    );
  };
  // Idle clients: the pool removes the dead one and emits here.
  pool.on('error', report);
  // Checked-out clients: the pool's own listener is detached while a client is lent out.
  pool.on('acquire', (client) => client.on('error', report));
  pool.on('release', (_error, client) => client.removeListener('error', report));
}

/**
 * Opens the database. SQLite runs in WAL mode with `synchronous=FULL`, so an acknowledged write (a
 * revocation above all) survives a crash or power loss, and a busy timeout for concurrent readers;
 * its files are created with mode 0600. On either dialect, driver errors that mean "unreachable" or
 * "no space left" surface as {@link DatabaseUnavailableError} or `StorageFullError`, and a lost
 * PostgreSQL connection never ends the process: the pool connects again when the server is back.
 */
export function openDatabase(target: DatabaseTarget, options: OpenDatabaseOptions = {}): OpenDatabase {
  if (target.dialect === 'sqlite') {
    restrictSqliteFiles(target.file);
    const connection = new BetterSqlite3(target.file);
    connection.pragma('journal_mode = WAL');
    connection.pragma('synchronous = FULL');
    connection.pragma('busy_timeout = 5000');
    connection.pragma('foreign_keys = ON');
    const directory = dirname(target.file);
    const freeBytes = () => {
      const stats = statfsSync(directory);
      return stats.bavail * stats.bsize;
    };
    const dialect = translatingDialect(new BetterSqliteDialect(connection), (error) =>
      translateDriverError(error, { freeBytes }),
    );
    const db = new Kysely<Schema>({ dialect });
    return { db, dialect: 'sqlite', close: () => db.destroy() };
  }
  const pool = new pg.Pool({
    connectionString: target.url,
    max: target.poolSize ?? 10,
    // Bounded, so that requests answer 503 instead of hanging while the server is unreachable.
    connectionTimeoutMillis: target.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    // Notices a peer that vanished without closing the connection (a failover, a dropped route).
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    ...(target.schema === undefined ? {} : { options: `-c search_path=${target.schema}` }),
  });
  watchConnections(pool, options);
  const dialect = translatingDialect(new PostgresDialect({ pool }), (error) => translateDriverError(error));
  const db = new Kysely<Schema>({ dialect });
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

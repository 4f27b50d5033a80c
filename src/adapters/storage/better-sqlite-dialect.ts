import type BetterSqlite3 from 'better-sqlite3';
import { type DatabaseConnection, type Driver, SqliteDialect, SqliteDriver } from 'kysely';

/** Kysely's SQLite driver, minus the ROLLBACK of a transaction SQLite already ended by itself. */
class BetterSqliteDriver extends SqliteDriver {
  readonly #database: BetterSqlite3.Database;

  constructor(database: BetterSqlite3.Database) {
    super({ database });
    this.#database = database;
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (this.#database.inTransaction) await super.rollbackTransaction(connection);
  }
}

/**
 * Kysely's SQLite dialect on better-sqlite3. After SQLITE_FULL, SQLITE_IOERR, SQLITE_BUSY or
 * SQLITE_NOMEM, SQLite may roll the whole transaction back on its own
 * (https://sqlite.org/lang_transaction.html, "Response To Errors Within A Transaction"); Kysely's
 * ROLLBACK would then fail with "no transaction is active" and hide the error that mattered.
 */
export class BetterSqliteDialect extends SqliteDialect {
  readonly #database: BetterSqlite3.Database;

  constructor(database: BetterSqlite3.Database) {
    super({ database });
    this.#database = database;
  }

  override createDriver(): Driver {
    return new BetterSqliteDriver(this.#database);
  }
}

/**
 * Failures of the database itself, as opposed to refusals of a request. Stores raise them in place of
 * driver errors, so that every layer above speaks of "unavailable" and "full", never of sockets,
 * SQLSTATEs or SQLite result codes.
 */

/**
 * The database cannot be reached right now: the connection dropped, the server restarts or fails
 * over, or a connection could not be made in time. Nothing the failed call did may be relied upon;
 * the same call may succeed once the database is back, without a restart.
 */
export class DatabaseUnavailableError extends Error {
  /** @param reason what the driver reported, free of connection strings and credentials. */
  constructor(reason: string, options: { cause?: unknown } = {}) {
    super(`database unavailable: ${reason}`, { cause: options.cause });
    this.name = 'DatabaseUnavailableError';
  }
}

/**
 * The database has no space left to store a change. The change was not committed; reads go on, and
 * writes succeed again once space is freed.
 */
export class StorageFullError extends Error {
  /** @param reason what the driver reported. */
  constructor(reason: string, options: { cause?: unknown } = {}) {
    super(`storage full: ${reason}`, { cause: options.cause });
    this.name = 'StorageFullError';
  }
}

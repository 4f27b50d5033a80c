import { DatabaseUnavailableError, StorageFullError } from '../../core/storage-errors.js';

/** What {@link translateDriverError} may ask about the machine the database lives on. */
export interface DriverErrorContext {
  /** Bytes free on the file system holding the SQLite file; absent for PostgreSQL. */
  freeBytes?: () => number;
}

/** Below this much free space, an SQLite I/O error is taken to mean "disk full". */
export const LOW_SPACE_BYTES = 1024 * 1024;

// Socket-level failures: the database (or the network to it) is not there right now.
const NETWORK_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

// PostgreSQL SQLSTATEs (Appendix A): 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03
// cannot_connect_now, 53300 too_many_connections; the whole 08 class is connection exceptions.
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const CONNECTION_EXCEPTION = /^08[0-9A-Z]{3}$/;

// What pg and pg-pool say, without a code, when a connection dies or cannot be made in time.
const CONNECTION_LOST =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable|Postgres connection has been discarded)/;

type Kind = 'unavailable' | 'full' | 'io' | undefined;

function kindOf(code: unknown, message: unknown): Kind {
  if (typeof code === 'string') {
    // 53100 is PostgreSQL's disk_full.
    if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === '53100') return 'full';
    if (code.startsWith('SQLITE_IOERR')) return 'io';
    if (NETWORK_ERRNOS.has(code) || UNAVAILABLE_SQLSTATES.has(code) || CONNECTION_EXCEPTION.test(code)) {
      return 'unavailable';
    }
  }
  if (typeof message === 'string' && CONNECTION_LOST.test(message)) return 'unavailable';
  return undefined;
}

/** The error and the errors it wraps (`cause`, `AggregateError#errors`), a few levels deep. */
function* chainOf(error: unknown, depth = 0): Generator<{ code?: unknown; message?: unknown }> {
  if (typeof error !== 'object' || error === null || depth > 3) return;
  const node = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  yield node;
  if (node.cause !== undefined) yield* chainOf(node.cause, depth + 1);
  if (Array.isArray(node.errors)) for (const inner of node.errors) yield* chainOf(inner, depth + 1);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Turns a driver error that says the database is unreachable or out of space into the core error
 * that says so; any other error is returned as it is (a constraint violation stays one).
 *
 * Unreachable: socket errors (ECONNREFUSED, ECONNRESET, timeouts…), PostgreSQL connection
 * exceptions (08xxx), shutdowns (57P01–57P03), too many connections (53300), and pg's "Connection
 * terminated…" family. Full: SQLITE_FULL, ENOSPC, PostgreSQL disk_full (53100), and any SQLite I/O
 * error raised while the file system has less than {@link LOW_SPACE_BYTES} free.
 */
export function translateDriverError(error: unknown, context: DriverErrorContext = {}): unknown {
  if (error instanceof DatabaseUnavailableError || error instanceof StorageFullError) return error;
  for (const node of chainOf(error)) {
    const kind = kindOf(node.code, node.message);
    if (kind === 'unavailable') return new DatabaseUnavailableError(messageOf(error), { cause: error });
    if (kind === 'full') return new StorageFullError(messageOf(error), { cause: error });
    if (kind === 'io' && context.freeBytes !== undefined && hasLittleSpace(context.freeBytes)) {
      return new StorageFullError(messageOf(error), { cause: error });
    }
  }
  return error;
}

function hasLittleSpace(freeBytes: () => number): boolean {
  try {
    return freeBytes() < LOW_SPACE_BYTES;
  } catch {
    // The file system cannot even be asked: the I/O error stays what it is.
    return false;
  }
}

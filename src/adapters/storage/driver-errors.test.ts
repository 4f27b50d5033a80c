import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DatabaseUnavailableError, StorageFullError } from '../../core/storage-errors.js';
import { openDatabase } from './database.js';
import { LOW_SPACE_BYTES, translateDriverError } from './driver-errors.js';

/** An error shaped as the drivers raise them: a message and a `code`. */
function driverError(message: string, code?: string): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

describe('translateDriverError', () => {
  it.for([
    ['connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'],
    ['read ECONNRESET', 'ECONNRESET'],
    ['connect ETIMEDOUT 10.0.0.1:5432', 'ETIMEDOUT'],
    ['getaddrinfo ENOTFOUND db.internal', 'ENOTFOUND'],
    ['terminating connection due to administrator command', '57P01'],
    ['terminating connection due to crash of another server process', '57P02'],
    ['the database system is starting up', '57P03'],
    ['sorry, too many clients already', '53300'],
    ['connection failure', '08006'],
    ['SSL SYSCALL error', '08000'],
  ] as const)('reads "%s" (%s) as the database being unavailable', ([message, code]) => {
    const error = driverError(message, code);

    const translated = translateDriverError(error);

    expect(translated).toBeInstanceOf(DatabaseUnavailableError);
    expect((translated as Error).message).toContain(message);
    expect((translated as Error).cause).toBe(error);
  });

  it.for([
    'Connection terminated unexpectedly',
    'Connection terminated due to connection timeout',
    'timeout exceeded when trying to connect',
    'Client has encountered a connection error and is not queryable',
  ])('reads pg\'s "%s" as the database being unavailable', (message) => {
    expect(translateDriverError(new Error(message))).toBeInstanceOf(DatabaseUnavailableError);
  });

  it('looks inside an AggregateError of several refused addresses', () => {
    const error = new AggregateError(
      [driverError('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')],
      'all addresses failed',
    );

    expect(translateDriverError(error)).toBeInstanceOf(DatabaseUnavailableError);
  });

  it.for([
    ['database or disk is full', 'SQLITE_FULL'],
    ['ENOSPC: no space left on device', 'ENOSPC'],
    ['could not extend file: No space left on device', '53100'],
  ] as const)('reads "%s" (%s) as storage full', ([message, code]) => {
    expect(translateDriverError(driverError(message, code))).toBeInstanceOf(StorageFullError);
  });

  it('reads an SQLite I/O error as storage full only while the file system is nearly out of space', () => {
    const error = driverError('disk I/O error', 'SQLITE_IOERR_WRITE');

    expect(translateDriverError(error, { freeBytes: () => 4096 })).toBeInstanceOf(StorageFullError);
    expect(translateDriverError(error, { freeBytes: () => LOW_SPACE_BYTES * 10 })).toBe(error);
    expect(
      translateDriverError(error, {
        freeBytes: () => {
          throw new Error('statfs failed');
        },
      }),
    ).toBe(error);
  });

  it('leaves every other error as it is, so constraint violations keep their codes', () => {
    for (const error of [
      driverError('duplicate key value violates unique constraint', '23505'),
      driverError('UNIQUE constraint failed: tokens.name', 'SQLITE_CONSTRAINT_UNIQUE'),
      driverError('syntax error at or near "selct"', '42601'),
      new TypeError('The database connection is not open'),
    ]) {
      expect(translateDriverError(error)).toBe(error);
    }
  });
});

describe('openDatabase on PostgreSQL', () => {
  it('answers DatabaseUnavailableError, without hanging, when nothing listens at the address', async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const database = openDatabase({ dialect: 'postgres', url: 'postgres://nobody@127.0.0.1:1/none' });
    try {
      await expect(sql`select 1`.execute(database.db)).rejects.toBeInstanceOf(DatabaseUnavailableError);
    } finally {
      await database.close();
    }
  });
});

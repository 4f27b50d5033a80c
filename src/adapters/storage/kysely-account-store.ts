import type { Kysely, Selectable } from 'kysely';
import type { AccountRecord } from '../../core/model.js';
import { type AccountStore, DuplicateError } from '../../core/ports.js';
import { isUniqueViolation } from './database.js';
import type { DialectName } from './migrations.js';
import { type AccountsTable, type Schema, toDate } from './schema.js';

function toAccount(row: Selectable<AccountsTable>): AccountRecord {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    passwordHash: row.password_hash,
    createdAt: toDate(row.created_at),
  };
}

/** {@link AccountStore} on Kysely. */
export class KyselyAccountStore implements AccountStore {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly dialect: DialectName,
  ) {}

  async insert(account: AccountRecord): Promise<void> {
    try {
      await this.db
        .insertInto('accounts')
        .values({
          id: account.id,
          email: account.email,
          name: account.name,
          password_hash: account.passwordHash,
          created_at: account.createdAt.toISOString(),
        })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateError('accounts.email');
      throw error;
    }
  }

  async findByEmail(email: string): Promise<AccountRecord | undefined> {
    const row = await this.db
      .selectFrom('accounts')
      .selectAll()
      .where('email', '=', email)
      .executeTakeFirst();
    return row === undefined ? undefined : toAccount(row);
  }

  async findById(id: string): Promise<AccountRecord | undefined> {
    const row = await this.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toAccount(row);
  }

  async updatePasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.db.updateTable('accounts').set({ password_hash: passwordHash }).where('id', '=', id).execute();
  }

  async lock(id: string): Promise<void> {
    // SQLite runs one transaction at a time on its single connection: nothing to lock.
    if (this.dialect === 'postgres') {
      await this.db.selectFrom('accounts').select('id').where('id', '=', id).forUpdate().execute();
    }
  }
}

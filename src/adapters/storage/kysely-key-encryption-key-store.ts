import type { Kysely, Selectable } from 'kysely';
import type {
  KeyEncryptionKeyRecord,
  KeyEncryptionKeyStore,
} from '../../core/providers/provider-key-store.js';
import { type KeyEncryptionKeysTable, type Schema, toDate } from './schema.js';

function toKek(row: Selectable<KeyEncryptionKeysTable>): KeyEncryptionKeyRecord {
  return {
    id: row.id,
    salt: new Uint8Array(Buffer.from(row.salt, 'base64url')),
    createdAt: toDate(row.created_at),
  };
}

/** {@link KeyEncryptionKeyStore} on Kysely. */
export class KyselyKeyEncryptionKeyStore implements KeyEncryptionKeyStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async insert(kek: KeyEncryptionKeyRecord): Promise<void> {
    await this.db
      .insertInto('key_encryption_keys')
      .values({
        id: kek.id,
        salt: Buffer.from(kek.salt).toString('base64url'),
        created_at: kek.createdAt.toISOString(),
      })
      .execute();
  }

  async findNewest(): Promise<KeyEncryptionKeyRecord | undefined> {
    const row = await this.db
      .selectFrom('key_encryption_keys')
      .selectAll()
      // Ids start with their creation time: they break a tie of equal times in creation order.
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? undefined : toKek(row);
  }

  async findById(id: string): Promise<KeyEncryptionKeyRecord | undefined> {
    const row = await this.db
      .selectFrom('key_encryption_keys')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? undefined : toKek(row);
  }

  async list(): Promise<KeyEncryptionKeyRecord[]> {
    const rows = await this.db
      .selectFrom('key_encryption_keys')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toKek);
  }

  async deleteUnreferenced(keepId: string): Promise<string[]> {
    const rows = await this.db
      .deleteFrom('key_encryption_keys')
      .where('id', '<>', keepId)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('provider_keys')
              .select('provider_keys.id')
              .whereRef('provider_keys.kek_id', '=', 'key_encryption_keys.id'),
          ),
        ),
      )
      .returning('id')
      .execute();
    return rows.map((row) => row.id).sort();
  }
}

import type { Kysely, Selectable } from 'kysely';
import { isProviderName, type ProviderName } from '@skytells/contract';
import type { Envelope } from '../../core/providers/envelope-cipher.js';
import type { ProviderKeyStore, StoredProviderKey } from '../../core/providers/provider-key-store.js';
import { type ProviderKeysTable, type Schema, toDate } from './schema.js';

function toProviderKey(row: Selectable<ProviderKeysTable>): StoredProviderKey {
  if (!isProviderName(row.provider)) throw new Error(`provider key ${row.id}: unknown provider`);
  return {
    id: row.id,
    accountId: row.account_id,
    provider: row.provider,
    baseUrl: row.base_url,
    masked: row.masked,
    envelope: { kekId: row.kek_id, wrappedDek: row.wrapped_dek, ciphertext: row.ciphertext },
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

/** {@link ProviderKeyStore} on Kysely. */
export class KyselyProviderKeyStore implements ProviderKeyStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async find(accountId: string, provider: ProviderName): Promise<StoredProviderKey | undefined> {
    const row = await this.db
      .selectFrom('provider_keys')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('provider', '=', provider)
      .executeTakeFirst();
    return row === undefined ? undefined : toProviderKey(row);
  }

  async list(accountId: string): Promise<StoredProviderKey[]> {
    const rows = await this.db
      .selectFrom('provider_keys')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('provider')
      .execute();
    return rows.map(toProviderKey);
  }

  async put(key: StoredProviderKey): Promise<void> {
    const values = {
      id: key.id,
      account_id: key.accountId,
      provider: key.provider,
      base_url: key.baseUrl,
      masked: key.masked,
      kek_id: key.envelope.kekId,
      wrapped_dek: key.envelope.wrappedDek,
      ciphertext: key.envelope.ciphertext,
      created_at: key.createdAt.toISOString(),
      updated_at: key.updatedAt.toISOString(),
    };
    const { account_id: _account, provider: _provider, ...replaced } = values;
    await this.db
      .insertInto('provider_keys')
      .values(values)
      .onConflict((conflict) => conflict.columns(['account_id', 'provider']).doUpdateSet(replaced))
      .execute();
  }

  async delete(accountId: string, provider: ProviderName): Promise<boolean> {
    const result = await this.db
      .deleteFrom('provider_keys')
      .where('account_id', '=', accountId)
      .where('provider', '=', provider)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async listNotWrappedBy(kekId: string, limit: number): Promise<StoredProviderKey[]> {
    const rows = await this.db
      .selectFrom('provider_keys')
      .selectAll()
      .where('kek_id', '<>', kekId)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toProviderKey);
  }

  async countByWrapping(kekId: string): Promise<{ total: number; notWrappedBy: number }> {
    const rows = await this.db
      .selectFrom('provider_keys')
      .select((eb) => [
        eb.fn.countAll<number | string | bigint>().as('total'),
        eb.fn
          .count<number | string | bigint>(eb.case().when('kek_id', '<>', kekId).then(1).end())
          .as('not_wrapped_by'),
      ])
      .executeTakeFirstOrThrow();
    return { total: Number(rows.total), notWrappedBy: Number(rows.not_wrapped_by) };
  }

  async rewrap(
    id: string,
    from: Pick<Envelope, 'kekId' | 'wrappedDek'>,
    to: Pick<Envelope, 'kekId' | 'wrappedDek'>,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('provider_keys')
      .set({ kek_id: to.kekId, wrapped_dek: to.wrappedDek })
      .where('id', '=', id)
      .where('kek_id', '=', from.kekId)
      .where('wrapped_dek', '=', from.wrappedDek)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
}

import { type ExpressionBuilder, type Kysely, type Selectable, sql } from 'kysely';
import type { ApiKey, ApiKeyRevocationReason, TokenStatus } from '../../core/model.js';
import { type ApiKeyStore, type ApiKeyUse, DuplicateError, type ListOptions } from '../../core/ports.js';
import { isUniqueViolation } from './database.js';
import type { DialectName } from './migrations.js';
import { olderThan } from './paging.js';
import { type ApiKeysTable, type Schema, toDate, toDateOrNull } from './schema.js';

function toApiKey(row: Selectable<ApiKeysTable>): ApiKey {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    masked: row.masked,
    createdAt: toDate(row.created_at),
    expiresAt: toDateOrNull(row.expires_at),
    lastUsedAt: toDateOrNull(row.last_used_at),
    lastUsedIp: row.last_used_ip,
    revokedAt: toDateOrNull(row.revoked_at),
    revokedReason: row.revoked_reason as ApiKeyRevocationReason | null,
    replaces: row.replaces,
    replacedBy: row.replaced_by,
  };
}

/** Rows per statement when writing last-used data (3 parameters each). */
const LAST_USE_CHUNK = 500;

type KeyExpression = ExpressionBuilder<Schema, 'api_keys'>;

/** Rows whose key has `status` at the ISO instant `now`; revoked wins over expired, as for tokens. */
function statusFilter(status: TokenStatus, now: string) {
  const notRevoked = (eb: KeyExpression) => eb('revoked_at', 'is', null);
  switch (status) {
    case 'revoked':
      return (eb: KeyExpression) => eb.and([eb('revoked_at', 'is not', null), eb('revoked_at', '<=', now)]);
    case 'expired':
      return (eb: KeyExpression) =>
        eb.and([notRevoked(eb), eb('expires_at', 'is not', null), eb('expires_at', '<=', now)]);
    case 'active':
      return (eb: KeyExpression) =>
        eb.and([notRevoked(eb), eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)])]);
  }
}

/** {@link ApiKeyStore} on Kysely. */
export class KyselyApiKeyStore implements ApiKeyStore {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly dialect: DialectName,
  ) {}

  async insert(key: ApiKey, keyHash: string): Promise<void> {
    try {
      await this.insertRow(key, keyHash);
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateError('api_keys.key_hash');
      throw error;
    }
  }

  private async insertRow(key: ApiKey, keyHash: string): Promise<void> {
    await this.db
      .insertInto('api_keys')
      .values({
        id: key.id,
        account_id: key.accountId,
        name: key.name,
        key_hash: keyHash,
        masked: key.masked,
        created_at: key.createdAt.toISOString(),
        expires_at: key.expiresAt?.toISOString() ?? null,
        last_used_at: null,
        last_used_ip: null,
        revoked_at: key.revokedAt?.toISOString() ?? null,
        revoked_reason: key.revokedReason,
        replaces: key.replaces,
        replaced_by: key.replacedBy,
      })
      .execute();
  }

  async findByHash(keyHash: string): Promise<ApiKey | undefined> {
    // Looked up by the keyed hash through the unique index: no comparison of secret values at all.
    const row = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('key_hash', '=', keyHash)
      .executeTakeFirst();
    return row === undefined ? undefined : toApiKey(row);
  }

  async findById(accountId: string, id: string): Promise<ApiKey | undefined> {
    const row = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', id)
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    return row === undefined ? undefined : toApiKey(row);
  }

  async list(
    accountId: string,
    filter: { status: TokenStatus | 'all'; now: Date },
    page: ListOptions,
  ): Promise<ApiKey[]> {
    let query = this.db.selectFrom('api_keys').selectAll().where('account_id', '=', accountId);
    if (filter.status !== 'all') query = query.where(statusFilter(filter.status, filter.now.toISOString()));
    if (page.after !== undefined) query = query.where(olderThan(page.after));
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
    return rows.map(toApiKey);
  }

  async revoke(id: string, at: Date, reason: ApiKeyRevocationReason): Promise<boolean> {
    const result = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: at.toISOString(), revoked_reason: reason })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async setReplacedBy(id: string, replacedBy: string, expiresAt: Date | null): Promise<void> {
    await this.db
      .updateTable('api_keys')
      .set({
        replaced_by: replacedBy,
        ...(expiresAt === null ? {} : { expires_at: expiresAt.toISOString() }),
      })
      .where('id', '=', id)
      .execute();
  }

  async recordLastUse(uses: readonly ApiKeyUse[]): Promise<void> {
    const at = this.dialect === 'postgres' ? sql`v.at::timestamptz` : sql`v.at`;
    // As for tokens: every process locks the rows it writes in one order, by id, so that two flushes
    // of the same keys wait for each other instead of deadlocking.
    const ordered = [...uses].sort((a, b) => (a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : 0));
    const write = async (db: Kysely<Schema>) => {
      for (let i = 0; i < ordered.length; i += LAST_USE_CHUNK) {
        const chunk = ordered.slice(i, i + LAST_USE_CHUNK);
        if (this.dialect === 'postgres') {
          await db
            .selectFrom('api_keys')
            .select('id')
            .where(
              'id',
              'in',
              chunk.map((use) => use.keyId),
            )
            .orderBy(sql`id collate "C"`)
            .forUpdate()
            .execute();
        }
        if (this.dialect === 'sqlite' && i > 0) await new Promise((resolve) => setImmediate(resolve));
        const rows = chunk.map((use) => sql`(${use.keyId}, ${use.at.toISOString()}, ${use.ip})`);
        await sql`with v(id, at, ip) as (values ${sql.join(rows)})
          update api_keys set last_used_at = ${at}, last_used_ip = v.ip
          from v
          where api_keys.id = v.id
            -- Only forwards: another process may already have written a later use of the same key.
            and (api_keys.last_used_at is null or api_keys.last_used_at < ${at})`.execute(db);
      }
    };
    if (this.db.isTransaction) await write(this.db);
    else await this.db.transaction().execute(write);
  }
}

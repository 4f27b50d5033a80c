import { type ExpressionBuilder, type Kysely, type Selectable, sql } from 'kysely';
import type {
  AccessToken,
  RevocationReason,
  TokenOrigin,
  TokenRestrictions,
  TokenStatus,
} from '../../core/model.js';
import type { LastUse, ListOptions, TokenStore } from '../../core/ports.js';
import type { Scope } from '../../core/scopes.js';
import type { DialectName } from './migrations.js';
import { olderThan } from './paging.js';
import { type AccessTokensTable, type Schema, toDate, toDateOrNull } from './schema.js';

/** The domain token of an `access_tokens` row. */
export function toToken(row: Selectable<AccessTokensTable>): AccessToken {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    masked: row.masked,
    scopes: JSON.parse(row.scopes) as Scope[],
    createdAt: toDate(row.created_at),
    expiresAt: toDateOrNull(row.expires_at),
    lastUsedAt: toDateOrNull(row.last_used_at),
    lastUsedIp: row.last_used_ip,
    lastUsedUserAgent: row.last_used_user_agent,
    revokedAt: toDateOrNull(row.revoked_at),
    revokedReason: row.revoked_reason as RevocationReason | null,
    createdVia: row.created_via as TokenOrigin,
    clientId: row.client_id,
    workloadId: row.workload_id,
    replaces: row.replaces,
    replacedBy: row.replaced_by,
    revokeOnFirstUseOf: row.revoke_on_first_use_of,
    restrictions: toRestrictions(row),
  };
}

function toRestrictions(row: Selectable<AccessTokensTable>): TokenRestrictions | null {
  if (row.allowed_ips === null && row.rate_limit_requests === null && row.projects === null) return null;
  return {
    allowedIps: row.allowed_ips === null ? null : (JSON.parse(row.allowed_ips) as string[]),
    rateLimit:
      row.rate_limit_requests === null || row.rate_limit_per_seconds === null
        ? null
        : { requests: Number(row.rate_limit_requests), perSeconds: Number(row.rate_limit_per_seconds) },
    projects: row.projects === null ? null : (JSON.parse(row.projects) as string[]),
  };
}

/** Rows per statement when writing last-used data (4 parameters each). */
const LAST_USE_CHUNK = 500;

type TokenExpression = ExpressionBuilder<Schema, 'access_tokens'>;

/** Rows whose token has `status` at the ISO instant `now`; revoked wins over expired. */
function statusFilter(status: TokenStatus, now: string) {
  const notRevoked = (eb: TokenExpression) =>
    eb.or([eb('revoked_at', 'is', null), eb('revoked_at', '>', now)]);
  switch (status) {
    case 'revoked':
      return (eb: TokenExpression) => eb.and([eb('revoked_at', 'is not', null), eb('revoked_at', '<=', now)]);
    case 'expired':
      return (eb: TokenExpression) =>
        eb.and([notRevoked(eb), eb('expires_at', 'is not', null), eb('expires_at', '<=', now)]);
    case 'active':
      return (eb: TokenExpression) =>
        eb.and([notRevoked(eb), eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)])]);
  }
}

/** {@link TokenStore} on Kysely. */
export class KyselyTokenStore implements TokenStore {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly dialect: DialectName,
  ) {}

  async insert(token: AccessToken, tokenHash: string): Promise<void> {
    await this.db
      .insertInto('access_tokens')
      .values({
        id: token.id,
        account_id: token.accountId,
        name: token.name,
        token_hash: tokenHash,
        masked: token.masked,
        scopes: JSON.stringify(token.scopes),
        created_at: token.createdAt.toISOString(),
        expires_at: token.expiresAt?.toISOString() ?? null,
        last_used_at: null,
        last_used_ip: null,
        last_used_user_agent: null,
        revoked_at: token.revokedAt?.toISOString() ?? null,
        revoked_reason: token.revokedReason,
        created_via: token.createdVia,
        client_id: token.clientId,
        workload_id: token.workloadId,
        replaces: token.replaces,
        replaced_by: token.replacedBy,
        revoke_on_first_use_of: token.revokeOnFirstUseOf,
        allowed_ips:
          token.restrictions?.allowedIps == null ? null : JSON.stringify(token.restrictions.allowedIps),
        rate_limit_requests: token.restrictions?.rateLimit?.requests ?? null,
        rate_limit_per_seconds: token.restrictions?.rateLimit?.perSeconds ?? null,
        projects: token.restrictions?.projects == null ? null : JSON.stringify(token.restrictions.projects),
      })
      .execute();
  }

  async findByHash(tokenHash: string): Promise<AccessToken | undefined> {
    // Looked up by the keyed hash through the unique index: no comparison of secret values at all.
    const row = await this.db
      .selectFrom('access_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row === undefined ? undefined : toToken(row);
  }

  async findById(accountId: string, id: string): Promise<AccessToken | undefined> {
    const row = await this.db
      .selectFrom('access_tokens')
      .selectAll()
      .where('id', '=', id)
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    return row === undefined ? undefined : toToken(row);
  }

  async list(
    accountId: string,
    filter: { status: TokenStatus | 'all'; now: Date },
    page: ListOptions,
  ): Promise<AccessToken[]> {
    let query = this.db.selectFrom('access_tokens').selectAll().where('account_id', '=', accountId);
    if (filter.status !== 'all') query = query.where(statusFilter(filter.status, filter.now.toISOString()));
    if (page.after !== undefined) query = query.where(olderThan(page.after));
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
    return rows.map(toToken);
  }

  async findActiveByName(accountId: string, name: string, now: Date): Promise<AccessToken | undefined> {
    const row = await this.db
      .selectFrom('access_tokens')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('name', '=', name)
      .where(statusFilter('active', now.toISOString()))
      .executeTakeFirst();
    return row === undefined ? undefined : toToken(row);
  }

  async findActiveByClient(
    accountId: string | null,
    clientId: string | null,
    now: Date,
  ): Promise<AccessToken[]> {
    let query = this.db
      .selectFrom('access_tokens')
      .selectAll()
      .where(statusFilter('active', now.toISOString()));
    query =
      clientId === null ? query.where('client_id', 'is not', null) : query.where('client_id', '=', clientId);
    if (accountId !== null) query = query.where('account_id', '=', accountId);
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(10_000).execute();
    return rows.map(toToken);
  }

  async revoke(id: string, at: Date, reason: RevocationReason): Promise<boolean> {
    const iso = at.toISOString();
    const result = await this.db
      .updateTable('access_tokens')
      .set({ revoked_at: iso, revoked_reason: reason })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('revoked_at', 'is', null), eb('revoked_at', '>', iso)]))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async setReplacedBy(id: string, replacedBy: string, revokeOnFirstUse = false): Promise<void> {
    await this.db
      .updateTable('access_tokens')
      .set({ replaced_by: replacedBy, ...(revokeOnFirstUse ? { revoke_on_first_use_of: replacedBy } : {}) })
      .where('id', '=', id)
      .execute();
  }

  async recordLastUse(uses: readonly LastUse[]): Promise<void> {
    // One statement per chunk rather than one per token: a flush of thousands of tokens must not
    // hold SQLite's single connection (and so the event loop) for long.
    const at = this.dialect === 'postgres' ? sql`v.at::timestamptz` : sql`v.at`;
    // Every process locks the rows it writes in one order, by id: two processes flushing the same
    // tokens at once then wait for each other instead of deadlocking. An UPDATE ... FROM locks rows in
    // the order its plan meets them, so on PostgreSQL the rows are locked first, in order.
    const ordered = [...uses].sort((a, b) => (a.tokenId < b.tokenId ? -1 : a.tokenId > b.tokenId ? 1 : 0));
    const write = async (db: Kysely<Schema>) => {
      for (let i = 0; i < ordered.length; i += LAST_USE_CHUNK) {
        const chunk = ordered.slice(i, i + LAST_USE_CHUNK);
        if (this.dialect === 'postgres') {
          await db
            .selectFrom('access_tokens')
            .select('id')
            .where(
              'id',
              'in',
              chunk.map((use) => use.tokenId),
            )
            // Byte order, as the sort above: the chunks then follow one another in one global order.
            .orderBy(sql`id collate "C"`)
            .forUpdate()
            .execute();
        }
        // SQLite answers synchronously: without a pause between chunks, a flush of thousands of tokens
        // would hold the event loop, and every request waiting on it, for its whole length.
        if (this.dialect === 'sqlite' && i > 0) await new Promise((resolve) => setImmediate(resolve));
        const rows = chunk.map(
          (use) => sql`(${use.tokenId}, ${use.at.toISOString()}, ${use.ip}, ${use.userAgent})`,
        );
        await sql`with v(id, at, ip, ua) as (values ${sql.join(rows)})
          update access_tokens set last_used_at = ${at}, last_used_ip = v.ip, last_used_user_agent = v.ua
          from v
          where access_tokens.id = v.id
            -- Only forwards: another process may already have written a later use of the same token.
            -- PostgreSQL re-checks this on the locked row when two flushes meet, so the newest wins.
            and (access_tokens.last_used_at is null or access_tokens.last_used_at < ${at})`.execute(db);
      }
    };
    if (this.db.isTransaction) await write(this.db);
    else await this.db.transaction().execute(write);
  }
}

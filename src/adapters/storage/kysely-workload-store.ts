import type { Kysely, Selectable } from 'kysely';
import { DuplicateError, type ListOptions } from '../../core/ports.js';
import type { Scope } from '../../core/scopes.js';
import type { Workload } from '../../core/workloads/workload.js';
import type { WorkloadStore } from '../../core/workloads/workload-store.js';
import { isUniqueViolation } from './database.js';
import { olderThan } from './paging.js';
import { type Schema, toDate, toDateOrNull, type WorkloadsTable } from './schema.js';

function toWorkload(row: Selectable<WorkloadsTable>): Workload {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    issuer: row.issuer,
    audience: row.audience,
    subject: row.subject,
    claims: JSON.parse(row.claims) as Record<string, string>,
    scopes: JSON.parse(row.scopes) as Scope[],
    allowedIps: row.allowed_ips === null ? null : (JSON.parse(row.allowed_ips) as string[]),
    ttlSeconds: row.ttl_seconds,
    createdAt: toDate(row.created_at),
    lastExchangedAt: toDateOrNull(row.last_exchanged_at),
  };
}

/** {@link WorkloadStore} on Kysely. */
export class KyselyWorkloadStore implements WorkloadStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async insert(workload: Workload): Promise<void> {
    try {
      await this.db
        .insertInto('workloads')
        .values({
          id: workload.id,
          account_id: workload.accountId,
          name: workload.name,
          issuer: workload.issuer,
          audience: workload.audience,
          subject: workload.subject,
          claims: JSON.stringify(workload.claims),
          scopes: JSON.stringify(workload.scopes),
          allowed_ips: workload.allowedIps === null ? null : JSON.stringify(workload.allowedIps),
          ttl_seconds: workload.ttlSeconds,
          created_at: workload.createdAt.toISOString(),
          last_exchanged_at: workload.lastExchangedAt?.toISOString() ?? null,
        })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateError('workloads.name');
      throw error;
    }
  }

  async list(accountId: string, page: ListOptions): Promise<Workload[]> {
    let query = this.db.selectFrom('workloads').selectAll().where('account_id', '=', accountId);
    if (page.after !== undefined) query = query.where(olderThan(page.after));
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
    return rows.map(toWorkload);
  }

  async findById(accountId: string, id: string): Promise<Workload | undefined> {
    const row = await this.db
      .selectFrom('workloads')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? undefined : toWorkload(row);
  }

  async findAnyById(id: string): Promise<Workload | undefined> {
    const row = await this.db.selectFrom('workloads').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toWorkload(row);
  }

  async findAllByName(name: string): Promise<Workload[]> {
    // A bound: a name shared by more accounts than this is ambiguous all the same.
    const rows = await this.db
      .selectFrom('workloads')
      .selectAll()
      .where('name', '=', name)
      .orderBy('id')
      .limit(100)
      .execute();
    return rows.map(toWorkload);
  }

  async delete(accountId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('workloads')
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async markExchanged(id: string, at: Date): Promise<void> {
    await this.db
      .updateTable('workloads')
      .set({ last_exchanged_at: at.toISOString() })
      .where('id', '=', id)
      .execute();
  }

  async recordExchange(key: string, expiresAt: Date): Promise<boolean> {
    // ON CONFLICT DO NOTHING: a repeated key is an answer, not an error that aborts the transaction.
    const result = await this.db
      .insertInto('workload_exchanges')
      .values({ key, expires_at: expiresAt.toISOString() })
      .onConflict((conflict) => conflict.column('key').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async deleteExpiredExchanges(now: Date): Promise<void> {
    await this.db.deleteFrom('workload_exchanges').where('expires_at', '<=', now.toISOString()).execute();
  }
}

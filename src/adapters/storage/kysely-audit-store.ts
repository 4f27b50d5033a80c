import type { Kysely } from 'kysely';
import type { Actor, AuditAction, AuditEvent } from '../../core/model.js';
import type { AuditStore, ListOptions } from '../../core/ports.js';
import { olderThan } from './paging.js';
import { type Schema, toDate } from './schema.js';

/** {@link AuditStore} on Kysely. */
export class KyselyAuditStore implements AuditStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async append(event: AuditEvent): Promise<void> {
    await this.db
      .insertInto('audit_events')
      .values({
        id: event.id,
        account_id: event.accountId,
        at: event.at.toISOString(),
        action: event.action,
        actor_type: event.actor.type,
        actor_id: event.actor.id,
        actor_label: event.actor.label ?? null,
        target_type: event.target?.type ?? null,
        target_id: event.target?.id ?? null,
        ip: event.ip,
        user_agent: event.userAgent,
        details: JSON.stringify(event.details),
      })
      .execute();
  }

  async list(accountId: string, filter: { action?: AuditAction }, page: ListOptions): Promise<AuditEvent[]> {
    let query = this.db.selectFrom('audit_events').selectAll().where('account_id', '=', accountId);
    if (filter.action !== undefined) query = query.where('action', '=', filter.action);
    if (page.after !== undefined) query = query.where(olderThan(page.after, 'at'));
    const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
    return rows.map((row) => {
      const actor: Actor = { type: row.actor_type as Actor['type'], id: row.actor_id };
      if (row.actor_label !== null) actor.label = row.actor_label;
      return {
        id: row.id,
        accountId: row.account_id,
        at: toDate(row.at),
        action: row.action as AuditAction,
        actor,
        target:
          row.target_type !== null && row.target_id !== null
            ? { type: row.target_type, id: row.target_id }
            : null,
        ip: row.ip,
        userAgent: row.user_agent,
        details: JSON.parse(row.details) as Record<string, unknown>,
      };
    });
  }
}

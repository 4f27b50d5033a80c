import type { WebhookDeliveryStatus, WebhookEvent } from '@skytells/contract';
import type { Kysely, Selectable } from 'kysely';
import type { ListOptions } from '../../core/ports.js';
import type {
  ClaimedWebhookDelivery,
  StoredWebhook,
  WebhookAttemptResult,
  WebhookDeliveryRecord,
  WebhookStore,
  WebhookWithLastDelivery,
} from '../../core/webhooks/webhook-store.js';
import type { DialectName } from './migrations.js';
import { olderThan } from './paging.js';
import {
  type DbTime,
  type Schema,
  toDate,
  toDateOrNull,
  type WebhookDeliveriesTable,
  type WebhooksTable,
} from './schema.js';

function toWebhook(row: Selectable<WebhooksTable>): StoredWebhook {
  return {
    id: row.id,
    accountId: row.account_id,
    url: row.url,
    events: JSON.parse(row.events) as WebhookEvent[],
    sealedSecret: row.secret_sealed,
    createdAt: toDate(row.created_at),
  };
}

function toDelivery(row: Selectable<WebhookDeliveriesTable>): WebhookDeliveryRecord {
  return {
    id: row.id,
    eventId: row.event_id,
    webhookId: row.webhook_id,
    accountId: row.account_id,
    type: row.type,
    body: row.body,
    status: row.status as WebhookDeliveryStatus,
    attempts: row.attempts,
    responseStatus: row.response_status,
    error: row.error,
    createdAt: toDate(row.created_at),
    lastAttemptAt: toDateOrNull(row.last_attempt_at),
    nextAttemptAt: toDateOrNull(row.next_attempt_at),
    deliveredAt: toDateOrNull(row.delivered_at),
  };
}

/** {@link WebhookStore} on Kysely. */
export class KyselyWebhookStore implements WebhookStore {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly dialect: DialectName,
  ) {}

  async insert(webhook: StoredWebhook): Promise<void> {
    await this.db
      .insertInto('webhooks')
      .values({
        id: webhook.id,
        account_id: webhook.accountId,
        url: webhook.url,
        events: JSON.stringify(webhook.events),
        secret_sealed: webhook.sealedSecret,
        created_at: webhook.createdAt.toISOString(),
      })
      .execute();
  }

  #withLastDelivery() {
    return this.db
      .selectFrom('webhooks')
      .selectAll('webhooks')
      .select((eb) => [
        eb
          .selectFrom('webhook_deliveries as d')
          .select('d.created_at')
          .whereRef('d.webhook_id', '=', 'webhooks.id')
          .orderBy('d.created_at', 'desc')
          .orderBy('d.id', 'desc')
          .limit(1)
          .as('last_delivery_at'),
        eb
          .selectFrom('webhook_deliveries as d')
          .select('d.status')
          .whereRef('d.webhook_id', '=', 'webhooks.id')
          .orderBy('d.created_at', 'desc')
          .orderBy('d.id', 'desc')
          .limit(1)
          .as('last_delivery_status'),
      ]);
  }

  #toListed(
    row: Selectable<WebhooksTable> & { last_delivery_at: DbTime | null; last_delivery_status: string | null },
  ): WebhookWithLastDelivery {
    return {
      ...toWebhook(row),
      lastDeliveryAt: toDateOrNull(row.last_delivery_at),
      lastDeliveryStatus: row.last_delivery_status as WebhookDeliveryStatus | null,
    };
  }

  async list(accountId: string, page: ListOptions): Promise<WebhookWithLastDelivery[]> {
    let query = this.#withLastDelivery().where('webhooks.account_id', '=', accountId);
    if (page.after !== undefined) query = query.where(olderThan(page.after, 'webhooks.created_at'));
    const rows = await query
      .orderBy('webhooks.created_at', 'desc')
      .orderBy('webhooks.id', 'desc')
      .limit(page.limit)
      .execute();
    return rows.map((row) => this.#toListed(row));
  }

  async findById(accountId: string, id: string): Promise<WebhookWithLastDelivery | undefined> {
    const row = await this.#withLastDelivery()
      .where('webhooks.account_id', '=', accountId)
      .where('webhooks.id', '=', id)
      .executeTakeFirst();
    return row === undefined ? undefined : this.#toListed(row);
  }

  async delete(accountId: string, id: string): Promise<boolean> {
    // Deliveries first: SQLite enforces the cascade only with foreign keys switched on.
    await this.db
      .deleteFrom('webhook_deliveries')
      .where('webhook_id', '=', id)
      .where('account_id', '=', accountId)
      .execute();
    const result = await this.db
      .deleteFrom('webhooks')
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async listSubscribed(accountId: string, type: WebhookEvent): Promise<StoredWebhook[]> {
    const rows = await this.db
      .selectFrom('webhooks')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at')
      .execute();
    return rows.map(toWebhook).filter((webhook) => webhook.events.includes(type));
  }

  async enqueue(deliveries: readonly WebhookDeliveryRecord[]): Promise<void> {
    if (deliveries.length === 0) return;
    await this.db
      .insertInto('webhook_deliveries')
      .values(
        deliveries.map((delivery) => ({
          id: delivery.id,
          event_id: delivery.eventId,
          webhook_id: delivery.webhookId,
          account_id: delivery.accountId,
          type: delivery.type,
          body: delivery.body,
          status: delivery.status,
          attempts: delivery.attempts,
          response_status: delivery.responseStatus,
          error: delivery.error,
          created_at: delivery.createdAt.toISOString(),
          last_attempt_at: delivery.lastAttemptAt?.toISOString() ?? null,
          next_attempt_at: delivery.nextAttemptAt?.toISOString() ?? null,
          delivered_at: delivery.deliveredAt?.toISOString() ?? null,
          claim_id: null,
        })),
      )
      .execute();
  }

  async listDeliveries(webhookId: string, page: ListOptions): Promise<WebhookDeliveryRecord[]> {
    let query = this.db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId);
    if (page.after !== undefined) query = query.where(olderThan(page.after));
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
    return rows.map(toDelivery);
  }

  async claim(options: {
    now: Date;
    leaseUntil: Date;
    claimId: string;
    limit: number;
  }): Promise<ClaimedWebhookDelivery[]> {
    const now = options.now.toISOString();
    // One statement: on SQLite it runs alone; on PostgreSQL rows another process is claiming are
    // skipped rather than waited for, and a row claimed meanwhile is re-checked and left out.
    const rows = await this.db
      .updateTable('webhook_deliveries')
      .set((eb) => ({
        claim_id: options.claimId,
        next_attempt_at: options.leaseUntil.toISOString(),
        attempts: eb('attempts', '+', 1),
      }))
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('webhook_deliveries')
          .select('id')
          .where('next_attempt_at', 'is not', null)
          .where('next_attempt_at', '<=', now)
          .orderBy('next_attempt_at')
          .limit(options.limit)
          .$if(this.dialect === 'postgres', (query) => query.forUpdate().skipLocked()),
      )
      .where('next_attempt_at', 'is not', null)
      .where('next_attempt_at', '<=', now)
      .returningAll()
      .execute();
    if (rows.length === 0) return [];
    const webhooks = await this.db
      .selectFrom('webhooks')
      .select(['id', 'url', 'secret_sealed'])
      .where(
        'id',
        'in',
        rows.map((row) => row.webhook_id),
      )
      .execute();
    const byId = new Map(webhooks.map((webhook) => [webhook.id, webhook]));
    return rows
      .flatMap((row) => {
        const webhook = byId.get(row.webhook_id);
        if (webhook === undefined) return [];
        return [
          {
            ...toDelivery(row),
            url: webhook.url,
            sealedSecret: webhook.secret_sealed,
            claimId: options.claimId,
          },
        ];
      })
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  async markDelivered(id: string, claimId: string, result: WebhookAttemptResult): Promise<boolean> {
    const update = await this.db
      .updateTable('webhook_deliveries')
      .set({
        status: 'delivered',
        claim_id: null,
        next_attempt_at: null,
        response_status: result.responseStatus,
        error: null,
        last_attempt_at: result.at.toISOString(),
        delivered_at: result.at.toISOString(),
      })
      .where('id', '=', id)
      .where('claim_id', '=', claimId)
      .executeTakeFirst();
    return update.numUpdatedRows > 0n;
  }

  async markFailed(
    id: string,
    claimId: string,
    result: WebhookAttemptResult & { retryAt: Date | null },
  ): Promise<boolean> {
    const update = await this.db
      .updateTable('webhook_deliveries')
      .set({
        status: result.retryAt === null ? 'failed' : 'retrying',
        claim_id: null,
        next_attempt_at: result.retryAt?.toISOString() ?? null,
        response_status: result.responseStatus,
        error: result.error,
        last_attempt_at: result.at.toISOString(),
      })
      .where('id', '=', id)
      .where('claim_id', '=', claimId)
      .executeTakeFirst();
    return update.numUpdatedRows > 0n;
  }
}

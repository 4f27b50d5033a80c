import type { Kysely, Selectable } from 'kysely';
import type { ClaimedMail, MailOutboxStore, OutboxMail } from '../../core/ports.js';
import type { DialectName } from './migrations.js';
import { type MailOutboxTable, type Schema, toDate } from './schema.js';

function toClaimed(row: Selectable<MailOutboxTable>): ClaimedMail {
  return {
    id: row.id,
    accountId: row.account_id,
    kind: row.kind,
    recipient: row.recipient,
    subject: row.subject,
    text: row.text_body,
    html: row.html_body,
    createdAt: toDate(row.created_at),
    attempts: row.attempts,
    claimId: row.claim_id ?? '',
  };
}

/** {@link MailOutboxStore} on Kysely. */
export class KyselyMailOutboxStore implements MailOutboxStore {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly dialect: DialectName,
  ) {}

  async enqueue(mail: OutboxMail): Promise<void> {
    await this.db
      .insertInto('mail_outbox')
      .values({
        id: mail.id,
        account_id: mail.accountId,
        kind: mail.kind,
        recipient: mail.recipient,
        subject: mail.subject,
        text_body: mail.text,
        html_body: mail.html,
        created_at: mail.createdAt.toISOString(),
        attempts: 0,
        next_attempt_at: mail.createdAt.toISOString(),
        claim_id: null,
        last_error: null,
        sent_at: null,
        failed_at: null,
      })
      .execute();
  }

  async claim(options: {
    now: Date;
    leaseUntil: Date;
    claimId: string;
    limit: number;
  }): Promise<ClaimedMail[]> {
    // One statement: on SQLite it runs alone; on PostgreSQL rows another process is claiming are
    // skipped rather than waited for, and a row claimed meanwhile is re-checked and left out.
    const rows = await this.db
      .updateTable('mail_outbox')
      .set((eb) => ({
        claim_id: options.claimId,
        next_attempt_at: options.leaseUntil.toISOString(),
        attempts: eb('attempts', '+', 1),
      }))
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('mail_outbox')
          .select('id')
          .where('sent_at', 'is', null)
          .where('failed_at', 'is', null)
          .where('next_attempt_at', '<=', options.now.toISOString())
          .orderBy('next_attempt_at')
          .limit(options.limit)
          .$if(this.dialect === 'postgres', (query) => query.forUpdate().skipLocked()),
      )
      .where('next_attempt_at', '<=', options.now.toISOString())
      .returningAll()
      .execute();
    return rows.map(toClaimed).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  async markSent(id: string, claimId: string, at: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('mail_outbox')
      .set({ sent_at: at.toISOString(), claim_id: null, last_error: null })
      .where('id', '=', id)
      .where('claim_id', '=', claimId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async markFailed(
    id: string,
    claimId: string,
    failure: { at: Date; error: string; retryAt: Date | null },
  ): Promise<void> {
    await this.db
      .updateTable('mail_outbox')
      .set({
        claim_id: null,
        last_error: failure.error,
        ...(failure.retryAt === null
          ? { failed_at: failure.at.toISOString() }
          : { next_attempt_at: failure.retryAt.toISOString() }),
      })
      .where('id', '=', id)
      .where('claim_id', '=', claimId)
      .execute();
  }
}

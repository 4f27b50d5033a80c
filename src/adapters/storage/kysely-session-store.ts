import type { Kysely } from 'kysely';
import type { Session } from '../../core/model.js';
import type { SessionStore } from '../../core/ports.js';
import { type Schema, toDate, toDateOrNull } from './schema.js';

/** {@link SessionStore} on Kysely. */
export class KyselySessionStore implements SessionStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async insert(session: Session, secretHash: string): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        id: session.id,
        account_id: session.accountId,
        secret_hash: secretHash,
        created_at: session.createdAt.toISOString(),
        expires_at: session.expiresAt.toISOString(),
        ip: session.ip,
        user_agent: session.userAgent,
        revoked_at: null,
        reauthenticated_at: null,
      })
      .execute();
  }

  async findBySecretHash(secretHash: string): Promise<Session | undefined> {
    const row = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('secret_hash', '=', secretHash)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    return {
      id: row.id,
      accountId: row.account_id,
      createdAt: toDate(row.created_at),
      expiresAt: toDate(row.expires_at),
      ip: row.ip,
      userAgent: row.user_agent,
      revokedAt: toDateOrNull(row.revoked_at),
      reauthenticatedAt: toDateOrNull(row.reauthenticated_at),
    };
  }

  async revoke(id: string, at: Date): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ revoked_at: at.toISOString() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
  }

  async markReauthenticated(id: string, at: Date): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ reauthenticated_at: at.toISOString() })
      .where('id', '=', id)
      .execute();
  }
}

import type { Kysely, Selectable } from 'kysely';
import type { Session } from '../../core/model.js';
import type { SessionStore } from '../../core/ports.js';
import { type Schema, type SessionsTable, toDate, toDateOrNull } from './schema.js';

function toSession(row: Selectable<SessionsTable>): Session {
  return {
    id: row.id,
    accountId: row.account_id,
    createdAt: toDate(row.created_at),
    expiresAt: toDate(row.expires_at),
    ip: row.ip,
    userAgent: row.user_agent,
    revokedAt: toDateOrNull(row.revoked_at),
    reauthenticatedAt: toDateOrNull(row.reauthenticated_at),
    lastSeenAt: toDateOrNull(row.last_seen_at),
  };
}

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
        last_seen_at: session.lastSeenAt?.toISOString() ?? null,
      })
      .execute();
  }

  async findBySecretHash(secretHash: string): Promise<Session | undefined> {
    const row = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('secret_hash', '=', secretHash)
      .executeTakeFirst();
    return row === undefined ? undefined : toSession(row);
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
  async listActive(accountId: string, filter: { now: Date; idleSince: Date }): Promise<Session[]> {
    const rows = await this.#live(accountId, filter).selectAll().execute();
    return rows
      .map(toSession)
      .sort(
        (a, b) =>
          (b.lastSeenAt ?? b.createdAt).getTime() - (a.lastSeenAt ?? a.createdAt).getTime() ||
          b.createdAt.getTime() - a.createdAt.getTime(),
      );
  }

  async revokeAllExcept(
    accountId: string,
    exceptId: string,
    filter: { now: Date; idleSince: Date },
  ): Promise<string[]> {
    const ids = (await this.#live(accountId, filter).select('id').where('id', '!=', exceptId).execute()).map(
      (row) => row.id,
    );
    if (ids.length === 0) return [];
    const ended = await this.db
      .updateTable('sessions')
      .set({ revoked_at: filter.now.toISOString() })
      .where('id', 'in', ids)
      .where('revoked_at', 'is', null)
      .returning('id')
      .execute();
    return ended.map((row) => row.id);
  }

  async touch(id: string, at: Date): Promise<void> {
    const iso = at.toISOString();
    await this.db
      .updateTable('sessions')
      .set({ last_seen_at: iso })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', iso)]))
      .execute();
  }

  async signInHistory(accountId: string, ip: string): Promise<{ hasAny: boolean; hasFromIp: boolean }> {
    const any = await this.db
      .selectFrom('sessions')
      .select('ip')
      .where('account_id', '=', accountId)
      .limit(1)
      .executeTakeFirst();
    if (any === undefined) return { hasAny: false, hasFromIp: false };
    const fromIp = await this.db
      .selectFrom('sessions')
      .select('id')
      .where('account_id', '=', accountId)
      .where('ip', '=', ip)
      .limit(1)
      .executeTakeFirst();
    return { hasAny: true, hasFromIp: fromIp !== undefined };
  }

  /** The account's sessions not revoked, not expired at `now` and active after `idleSince`. */
  #live(accountId: string, filter: { now: Date; idleSince: Date }) {
    const idleSince = filter.idleSince.toISOString();
    return this.db
      .selectFrom('sessions')
      .where('account_id', '=', accountId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', filter.now.toISOString())
      .where((eb) =>
        eb.or([
          eb('last_seen_at', '>', idleSince),
          eb.and([eb('last_seen_at', 'is', null), eb('created_at', '>', idleSince)]),
        ]),
      );
  }
}

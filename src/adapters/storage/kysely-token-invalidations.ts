import { type Kysely, sql } from 'kysely';
import type { TokenInvalidations } from '../../core/ports.js';
import type { Schema } from './schema.js';

/** The PostgreSQL channel on which revoked or replaced token ids are announced. */
export const TOKEN_INVALIDATION_CHANNEL = 'skytells_token_invalidated';

/** Token ids per notification: PostgreSQL refuses payloads of 8000 bytes or more. */
const IDS_PER_NOTIFICATION = 200;

/** The token ids a notification payload carries. */
export function parseInvalidationPayload(payload: string | undefined): string[] {
  return (payload ?? '').split(',').filter((id) => id !== '');
}

/**
 * {@link TokenInvalidations} on PostgreSQL: `pg_notify` on the connection or transaction the stores
 * are bound to. PostgreSQL holds a transaction's notifications until it commits and drops them when it
 * rolls back, so other processes hear of a revocation exactly when it becomes visible to them, and
 * never of one that did not happen. Sent after the commit instead, a crash between the two would leave
 * the other processes trusting a revoked token.
 */
export class PostgresTokenInvalidations implements TokenInvalidations {
  constructor(private readonly db: Kysely<Schema>) {}

  async publish(tokenIds: readonly string[]): Promise<void> {
    for (let i = 0; i < tokenIds.length; i += IDS_PER_NOTIFICATION) {
      const payload = tokenIds.slice(i, i + IDS_PER_NOTIFICATION).join(',');
      await sql`select pg_notify(${TOKEN_INVALIDATION_CHANNEL}, ${payload})`.execute(this.db);
    }
  }
}

/** {@link TokenInvalidations} on SQLite: one process owns the file and evicts its own cache. */
export class SqliteTokenInvalidations implements TokenInvalidations {
  async publish(): Promise<void> {}
}

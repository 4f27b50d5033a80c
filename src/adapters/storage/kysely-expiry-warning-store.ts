import { type Kysely, sql } from 'kysely';
import type { AccessToken } from '../../core/model.js';
import type { ExpiryThreshold, ExpiryWarningStore } from '../../core/ports.js';
import { toToken } from './kysely-token-store.js';
import type { DialectName } from './migrations.js';
import type { Schema } from './schema.js';

/** {@link ExpiryWarningStore} on Kysely. */
export class KyselyExpiryWarningStore implements ExpiryWarningStore {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly dialect: DialectName,
  ) {}

  async tryLock(): Promise<boolean> {
    // SQLite: one process owns the file, and its transactions run one at a time.
    if (this.dialect === 'sqlite') return true;
    // Keyed by schema, so that installations sharing one PostgreSQL database never wait on each other.
    const { rows } = await sql<{ locked: boolean }>`
      select pg_try_advisory_xact_lock(hashtext(current_schema() || '.token_expiry_warnings')) as locked
    `.execute(this.db);
    return rows[0]?.locked === true;
  }

  async findDue(
    threshold: ExpiryThreshold,
    window: { after: Date; until: Date; limit: number },
  ): Promise<AccessToken[]> {
    const rows = await this.db
      .selectFrom('access_tokens')
      .selectAll()
      .where('expires_at', '>', window.after.toISOString())
      .where('expires_at', '<=', window.until.toISOString())
      .where('revoked_at', 'is', null)
      .where('replaced_by', 'is', null)
      .where('created_via', 'in', ['console', 'api'])
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('token_expiry_warnings')
              .select('token_id')
              .whereRef('token_expiry_warnings.token_id', '=', 'access_tokens.id')
              .where('token_expiry_warnings.threshold', '=', threshold),
          ),
        ),
      )
      .orderBy('expires_at')
      .orderBy('id')
      .limit(window.limit)
      .execute();
    return rows.map(toToken);
  }

  async record(tokenId: string, threshold: ExpiryThreshold, at: Date): Promise<boolean> {
    const result = await this.db
      .insertInto('token_expiry_warnings')
      .values({ token_id: tokenId, threshold, warned_at: at.toISOString() })
      .onConflict((conflict) => conflict.columns(['token_id', 'threshold']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }
}

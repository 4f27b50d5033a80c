import { type Kysely, sql } from 'kysely';
import type { TokenUsageCount, TokenUsageStore } from '../../core/ports.js';
import type { DialectName } from './migrations.js';
import { type Schema, toDate } from './schema.js';

/** Counters per statement (6 parameters each). */
const CHUNK = 300;

const keyOf = (count: TokenUsageCount) =>
  `${count.tokenId}\u0000${count.day}\u0000${count.scope ?? ''}\u0000${count.ip}`;

/** {@link TokenUsageStore} on Kysely, SQLite and PostgreSQL alike. */
export class KyselyTokenUsageStore implements TokenUsageStore {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly dialect: DialectName,
  ) {}

  async add(counts: readonly TokenUsageCount[]): Promise<void> {
    // One order for every process: two flushes of the same counters on PostgreSQL wait, never deadlock.
    const ordered = [...counts].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
    const lastAt = this.dialect === 'postgres' ? sql`cast(v.last_at as timestamptz)` : sql`v.last_at`;
    for (let i = 0; i < ordered.length; i += CHUNK) {
      const rows = ordered
        .slice(i, i + CHUNK)
        .map(
          (c) =>
            sql`(${c.tokenId}, ${c.day}, ${c.scope ?? ''}, ${c.ip}, ${c.requests}, ${c.lastAt.toISOString()})`,
        );
      // A token deleted since its requests has nothing left to report: its counts are dropped, not
      // left to fail every later flush on the foreign key.
      await sql`with v(token_id, day, scope, ip, requests, last_at) as (values ${sql.join(rows)})
        insert into token_usage (token_id, day, scope, ip, requests, last_at)
        select v.token_id, v.day, v.scope, v.ip, cast(v.requests as bigint), ${lastAt}
        from v where exists (select 1 from access_tokens where access_tokens.id = v.token_id)
        on conflict (token_id, day, scope, ip) do update set
          requests = token_usage.requests + excluded.requests,
          last_at = case when excluded.last_at > token_usage.last_at
                         then excluded.last_at else token_usage.last_at end`.execute(this.db);
    }
  }

  async list(tokenId: string, sinceDay: string): Promise<TokenUsageCount[]> {
    const rows = await this.db
      .selectFrom('token_usage')
      .selectAll()
      .where('token_id', '=', tokenId)
      .where('day', '>=', sinceDay)
      .orderBy('day')
      .orderBy('scope')
      .orderBy('ip')
      .execute();
    return rows.map((row) => ({
      tokenId: row.token_id,
      day: row.day,
      scope: row.scope === '' ? null : row.scope,
      ip: row.ip,
      requests: Number(row.requests),
      lastAt: toDate(row.last_at),
    }));
  }
}

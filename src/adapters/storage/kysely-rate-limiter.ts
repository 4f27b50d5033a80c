import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Clock } from '../../core/clock.js';
import {
  hitState,
  peekState,
  type RateLimiter,
  type RateLimitState,
  type RateLimitWindow,
} from '../../core/rate-limiter.js';
import type { Schema } from './schema.js';

/** How often one process deletes windows that have ended. */
const SWEEP_EVERY_MS = 60_000;

/**
 * {@link RateLimiter} on the `rate_limit_windows` table, in the database every server process
 * shares: an UNLOGGED table on PostgreSQL, a table of the same file on SQLite. Each hit is one
 * atomic upsert, so hits from many connections never count past each other. Keys are stored as
 * their SHA-256: fixed length, any bytes allowed, and no email or address at rest.
 */
export class KyselyRateLimiter implements RateLimiter {
  readonly #db: Kysely<Schema>;
  readonly #clock: Clock;
  #lastSweepMs = Number.NEGATIVE_INFINITY;

  constructor(db: Kysely<Schema>, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async hit(key: string, window: RateLimitWindow, weight = 1): Promise<RateLimitState> {
    const now = this.#clock.now().getTime();
    const { rows } = await sql<{ count: number; reset_at_ms: number | string }>`
      insert into rate_limit_windows (key, count, reset_at_ms)
      values (${digest(key)}, ${weight}, ${now + window.windowMs})
      on conflict (key) do update set
        count = case when rate_limit_windows.reset_at_ms <= ${now} then ${weight}
                     else rate_limit_windows.count + ${weight} end,
        reset_at_ms = case when rate_limit_windows.reset_at_ms <= ${now} then excluded.reset_at_ms
                           else rate_limit_windows.reset_at_ms end
      returning count, reset_at_ms`.execute(this.#db);
    const row = rows[0];
    if (row === undefined) throw new Error('rate limit upsert returned no row');
    await this.#sweep(now);
    return hitState(Number(row.count), Number(row.reset_at_ms), now, window);
  }

  async peek(key: string, window: RateLimitWindow): Promise<RateLimitState> {
    const now = this.#clock.now().getTime();
    const row = await this.#db
      .selectFrom('rate_limit_windows')
      .select(['count', 'reset_at_ms'])
      .where('key', '=', digest(key))
      .executeTakeFirst();
    return peekState(Number(row?.count ?? 0), Number(row?.reset_at_ms ?? now), now, window);
  }

  async reset(key: string): Promise<void> {
    await this.#db.deleteFrom('rate_limit_windows').where('key', '=', digest(key)).execute();
  }

  /** Deletes ended windows, at most once a minute per process; the index on `reset_at_ms` keeps it cheap. */
  async #sweep(now: number): Promise<void> {
    if (now - this.#lastSweepMs < SWEEP_EVERY_MS) return;
    this.#lastSweepMs = now;
    await this.#db.deleteFrom('rate_limit_windows').where('reset_at_ms', '<=', now).execute();
  }
}

function digest(key: string): string {
  return createHash('sha256').update(key).digest('base64url');
}

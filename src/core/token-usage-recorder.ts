import type { TokenUsageCount, TokenUsageStore } from './ports.js';

/** One successful request of a token, as authentication notes it. */
export interface TokenRequest {
  tokenId: string;
  /** The scope the route required; null for a route that needs none. */
  scope: string | null;
  ip: string;
  at: Date;
}

/** `YYYY-MM-DD` of `at`, in UTC. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

const DAY_MS = 86_400_000;

/** A counter's key: the UTC day's number (formatting a date is for new counters only), scope, address. */
function keyOf(at: Date, scope: string | null, ip: string): string {
  return `${Math.floor(at.getTime() / DAY_MS)}\u0000${scope ?? ''}\u0000${ip}`;
}

/** One token's unwritten counters, and the one its last request went to. */
interface TokenCounts {
  byKey: Map<string, TokenUsageCount>;
  /** The counter of the token's last request, and its UTC day's number. */
  last: TokenUsageCount;
  lastDay: number;
}

/**
 * Counts each token's requests per UTC day, scope and address in memory, so that a request never
 * waits on a database write: {@link flush} adds the counts to the store in one batch; the owner calls
 * it on the last-used timer and at shutdown. Counts are lost only if the process dies between flushes.
 *
 * A program calling with one token mostly repeats its last day, scope and address: such a request
 * adds to the counter of the one before without building its key.
 */
export class TokenUsageRecorder {
  /** Token id → its counters: {@link pending} reads one token's counts without a scan. */
  #pending = new Map<string, TokenCounts>();
  #size = 0;
  readonly #store: Pick<TokenUsageStore, 'add'>;

  constructor(store: Pick<TokenUsageStore, 'add'>) {
    this.#store = store;
  }

  /** Adds one request to its counter. */
  record(request: TokenRequest): void {
    const day = Math.floor(request.at.getTime() / DAY_MS);
    const counts = this.#pending.get(request.tokenId);
    if (counts !== undefined) {
      const last = counts.last;
      if (counts.lastDay === day && last.scope === request.scope && last.ip === request.ip) {
        last.requests += 1;
        if (request.at > last.lastAt) last.lastAt = request.at;
        return;
      }
    }
    const key = keyOf(request.at, request.scope, request.ip);
    let count = counts?.byKey.get(key);
    if (count === undefined) {
      const { tokenId, scope, ip, at } = request;
      count = { tokenId, day: utcDay(at), scope, ip, requests: 1, lastAt: at };
      if (counts === undefined) {
        this.#pending.set(tokenId, { byKey: new Map([[key, count]]), last: count, lastDay: day });
      } else {
        counts.byKey.set(key, count);
      }
      this.#size += 1;
    } else {
      count.requests += 1;
      if (request.at > count.lastAt) count.lastAt = request.at;
    }
    if (counts !== undefined) {
      counts.last = count;
      counts.lastDay = day;
    }
  }

  /** The counts of `tokenId` not yet written, so that reads show them at once. */
  pending(tokenId: string): TokenUsageCount[] {
    return [...(this.#pending.get(tokenId)?.byKey.values() ?? [])];
  }

  /** Number of counters with unwritten counts. */
  get size(): number {
    return this.#size;
  }

  /**
   * Writes every pending count. On failure they are kept, and added to, for the next flush.
   * @returns how many counters were written.
   */
  async flush(): Promise<number> {
    if (this.#size === 0) return 0;
    const batch = this.#pending;
    const size = this.#size;
    this.#pending = new Map();
    this.#size = 0;
    const counts = [...batch.values()].flatMap((token) => [...token.byKey.values()]);
    try {
      await this.#store.add(counts);
      return size;
    } catch (error) {
      for (const count of counts) this.#restore(count);
      throw error;
    }
  }

  /** Puts back a count a failed flush did not write, adding it to any newer one. */
  #restore(count: TokenUsageCount): void {
    this.record({ ...count, at: count.lastAt });
    const key = keyOf(count.lastAt, count.scope, count.ip);
    const merged = this.#pending.get(count.tokenId)?.byKey.get(key);
    // record() counted one request: the rest of the batch's count goes on top.
    if (merged !== undefined) merged.requests += count.requests - 1;
  }
}

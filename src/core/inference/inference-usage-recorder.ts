import type {
  InferenceUsage,
  InferenceUsageDelta,
  InferenceUsageStore,
  ProviderName,
  TokenCounts,
} from './inference-ports.js';

/** Who made an inference call: the account, and the API key when one was used. */
export interface InferenceCaller {
  accountId: string;
  /** Null for access tokens and console sessions. */
  apiKeyId: string | null;
}

/**
 * Adds inference usage up in memory, so that a completion never waits on a database write:
 * {@link flush} writes one delta per account, provider and API key in one batch; the owner calls it
 * on the last-used timer and at shutdown. Counts are lost only if the process dies between flushes.
 */
export class InferenceUsageRecorder {
  #pending = new Map<string, InferenceUsageDelta>();
  readonly #store: InferenceUsageStore;

  constructor(store: InferenceUsageStore) {
    this.#store = store;
  }

  /**
   * Adds `counts` to the counters of `caller` and `provider`: a request when it reached the provider,
   * its tokens once the provider reported them (at once, or at the end of a stream).
   */
  record(
    caller: InferenceCaller,
    provider: ProviderName,
    counts: Partial<TokenCounts & { requests: number }>,
  ): void {
    const key = `${caller.accountId}\u0000${provider}\u0000${caller.apiKeyId ?? ''}`;
    const delta = this.#pending.get(key) ?? {
      accountId: caller.accountId,
      provider,
      apiKeyId: caller.apiKeyId,
      requests: 0,
      promptTokens: 0,
      completionTokens: 0,
    };
    delta.requests += counts.requests ?? 0;
    delta.promptTokens += counts.promptTokens ?? 0;
    delta.completionTokens += counts.completionTokens ?? 0;
    this.#pending.set(key, delta);
  }

  /** Number of counters with unwritten counts. */
  get size(): number {
    return this.#pending.size;
  }

  /**
   * Writes every pending count. On failure they are kept, and added to, for the next flush.
   * @returns how many counters were written.
   */
  async flush(): Promise<number> {
    if (this.#pending.size === 0) return 0;
    const batch = this.#pending;
    this.#pending = new Map();
    try {
      await this.#store.add([...batch.values()]);
      return batch.size;
    } catch (error) {
      for (const [key, delta] of batch) {
        const newer = this.#pending.get(key);
        if (newer !== undefined) {
          newer.requests += delta.requests;
          newer.promptTokens += delta.promptTokens;
          newer.completionTokens += delta.completionTokens;
        } else {
          this.#pending.set(key, delta);
        }
      }
      throw error;
    }
  }

  /**
   * The account's usage, counts not yet written included: the pending ones are written first, so the
   * report names each API key as the store knows it.
   */
  async usage(accountId: string): Promise<InferenceUsage> {
    await this.flush();
    return this.#store.usage(accountId);
  }
}

import type { LastUse, TokenStore } from './ports.js';

/**
 * Batches "last used" observations in memory so the verification hot path never writes to the
 * database. {@link flush} writes the newest observation of each token in one batch; the owner calls
 * it on a timer and at shutdown.
 */
export class LastUseRecorder {
  #pending = new Map<string, LastUse>();
  readonly #tokens: TokenStore;

  constructor(tokens: TokenStore) {
    this.#tokens = tokens;
  }

  /** Notes that `use.tokenId` was used; replaces an older pending observation of the same token. */
  record(use: LastUse): void {
    this.#pending.set(use.tokenId, use);
  }

  /** The observation not yet written for `tokenId`, if any, so reads can show it at once. */
  pending(tokenId: string): LastUse | undefined {
    return this.#pending.get(tokenId);
  }

  /** Number of tokens with an unwritten observation. */
  get size(): number {
    return this.#pending.size;
  }

  /**
   * Writes every pending observation. On failure they are kept (newer ones win) for the next flush.
   * @returns how many tokens were written.
   */
  async flush(): Promise<number> {
    if (this.#pending.size === 0) return 0;
    const batch = this.#pending;
    this.#pending = new Map();
    try {
      await this.#tokens.recordLastUse([...batch.values()]);
      return batch.size;
    } catch (error) {
      for (const [id, use] of batch) if (!this.#pending.has(id)) this.#pending.set(id, use);
      throw error;
    }
  }
}

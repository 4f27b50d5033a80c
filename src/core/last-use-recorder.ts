import type { ApiKeyStore, CredentialUse, TokenStore } from './ports.js';

/**
 * Batches "last used" observations of tokens and API keys in memory so the verification hot path
 * never writes to the database. {@link flush} writes the newest observation of each credential, one
 * batch per kind; the owner calls it on a timer and at shutdown.
 */
export class LastUseRecorder {
  // Keyed by id: token and API key ids carry different prefixes, so they never collide.
  #pending = new Map<string, CredentialUse>();
  readonly #tokens: Pick<TokenStore, 'recordLastUse'>;
  readonly #apiKeys: Pick<ApiKeyStore, 'recordLastUse'> | undefined;

  /** @param apiKeys where API key observations go; without it they are dropped at the flush. */
  constructor(tokens: Pick<TokenStore, 'recordLastUse'>, apiKeys?: Pick<ApiKeyStore, 'recordLastUse'>) {
    this.#tokens = tokens;
    this.#apiKeys = apiKeys;
  }

  /** Notes that `use.id` was used; replaces an older pending observation of the same credential. */
  record(use: CredentialUse): void {
    this.#pending.set(use.id, use);
  }

  /** The observation not yet written for the credential `id`, if any, so reads can show it at once. */
  pending(id: string): CredentialUse | undefined {
    return this.#pending.get(id);
  }

  /** Number of credentials with an unwritten observation. */
  get size(): number {
    return this.#pending.size;
  }

  /**
   * Writes every pending observation. On failure they are kept (newer ones win) for the next flush.
   * @returns how many credentials were written.
   */
  async flush(): Promise<number> {
    if (this.#pending.size === 0) return 0;
    const batch = this.#pending;
    this.#pending = new Map();
    const uses = [...batch.values()];
    const tokenUses = uses.filter((use) => use.kind === 'token');
    const keyUses = uses.filter((use) => use.kind === 'api_key');
    try {
      if (tokenUses.length > 0) {
        await this.#tokens.recordLastUse(
          tokenUses.map(({ id, at, ip, userAgent }) => ({ tokenId: id, at, ip, userAgent })),
        );
      }
      if (keyUses.length > 0) {
        await this.#apiKeys?.recordLastUse(keyUses.map(({ id, at, ip }) => ({ keyId: id, at, ip })));
      }
      return batch.size;
    } catch (error) {
      for (const [id, use] of batch) if (!this.#pending.has(id)) this.#pending.set(id, use);
      throw error;
    }
  }
}

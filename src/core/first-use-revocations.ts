import type { AccessToken, RequestContext } from './model.js';
import type { TokenLifecycle } from './token-lifecycle.js';

/** Dependencies of {@link FirstUseRevocations}. */
export interface FirstUseRevocationsDeps {
  lifecycle: Pick<TokenLifecycle, 'hasWaitingPredecessor' | 'revokeReplaced'>;
  /** Told when a revocation failed; it is tried again at the replacement's next use. */
  onError?: (error: unknown) => void;
}

/**
 * Rotation that finishes itself (docs/tokens.md, "Rotation that finishes itself"): the replaced token is revoked at its
 * replacement's first successful use, in whichever process that use happens. The verifier asks
 * {@link load} when it reads a token from the database and {@link isWaiting} on every verification:
 * a set look-up, so the hot path adds no database access. Only the first use of a waiting replacement
 * (per process) writes, once; another process that had the replacement cached finds the old token
 * revoked already and writes nothing.
 */
export class FirstUseRevocations {
  readonly #deps: FirstUseRevocationsDeps;
  /** Ids of replacements whose predecessor waits for their first use. */
  readonly #waiting = new Set<string>();

  constructor(deps: FirstUseRevocationsDeps) {
    this.#deps = deps;
  }

  /** Notes whether `token`, just read from the database, has a predecessor waiting for its first use. */
  async load(token: AccessToken): Promise<void> {
    if (token.replaces === null) return;
    if (await this.#deps.lifecycle.hasWaitingPredecessor(token)) this.#waiting.add(token.id);
    else this.#waiting.delete(token.id);
  }

  /** True when `id` is a replacement whose predecessor waits for its first use. */
  isWaiting(id: string): boolean {
    return this.#waiting.has(id);
  }

  /**
   * Revokes the predecessor of `replacement`, now used, once. A failure (the database away) is
   * reported, not thrown: the request stands, and the next use tries again.
   */
  async revokePredecessor(replacement: AccessToken, context: RequestContext): Promise<void> {
    if (!this.#waiting.delete(replacement.id)) return;
    try {
      await this.#deps.lifecycle.revokeReplaced(replacement, context);
    } catch (error) {
      this.#waiting.add(replacement.id);
      this.#deps.onError?.(error);
    }
  }
}

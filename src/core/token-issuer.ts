import type { KeyedHasher } from './keyed-hash.js';
import type { LastUseRecorder } from './last-use-recorder.js';
import type { AccessToken, TokenOrigin } from './model.js';
import type { Stores } from './ports.js';
import { newId, type Random } from './random.js';
import { generateTokenValue, maskToken } from './token-format.js';

/** A token together with its value, which exists only in this one response. */
export interface IssuedToken {
  token: AccessToken;
  value: string;
}

/** What a new token is; everything else starts empty. */
export interface TokenSpec {
  accountId: string;
  name: string;
  scopes: AccessToken['scopes'];
  expiresAt: Date | null;
  origin: TokenOrigin;
  now: Date;
  replaces?: string;
  clientId?: string;
}

/**
 * The two things every way of issuing or showing a token shares: minting a value and storing only
 * its keyed hash, and showing a token with its not-yet-written last use.
 */
export class TokenIssuer {
  readonly #hasher: KeyedHasher;
  readonly #random: Random;
  readonly #lastUse: LastUseRecorder;

  constructor(deps: { hasher: KeyedHasher; random: Random; lastUse: LastUseRecorder }) {
    this.#hasher = deps.hasher;
    this.#random = deps.random;
    this.#lastUse = deps.lastUse;
  }

  /** Mints a value for `spec` and stores the token under the value's keyed hash through `stores`. */
  async insert(stores: Stores, spec: TokenSpec): Promise<IssuedToken> {
    const value = generateTokenValue(this.#random);
    const token: AccessToken = {
      id: newId('tok', this.#random, spec.now),
      accountId: spec.accountId,
      name: spec.name,
      masked: maskToken(value),
      scopes: spec.scopes,
      createdAt: spec.now,
      expiresAt: spec.expiresAt,
      lastUsedAt: null,
      lastUsedIp: null,
      lastUsedUserAgent: null,
      revokedAt: null,
      revokedReason: null,
      createdVia: spec.origin,
      clientId: spec.clientId ?? null,
      replaces: spec.replaces ?? null,
      replacedBy: null,
    };
    await stores.tokens.insert(token, this.#hasher.hash('token-hash', value));
    return { token, value };
  }

  /** `token` as a reader should see it now: with last-use data not yet written applied. */
  present(token: AccessToken): AccessToken {
    const use = this.#lastUse.pending(token.id);
    if (use === undefined || (token.lastUsedAt !== null && token.lastUsedAt >= use.at)) return token;
    return { ...token, lastUsedAt: use.at, lastUsedIp: use.ip, lastUsedUserAgent: use.userAgent };
  }
}

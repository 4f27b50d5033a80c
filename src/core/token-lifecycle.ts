import type { AuditLog } from './audit.js';
import type { Clock } from './clock.js';
import { type KeyedHasher, memoryKeyOf } from './keyed-hash.js';
import type { LastUseRecorder } from './last-use-recorder.js';
import type {
  AccessToken,
  Actor,
  RequestContext,
  RevocationReason,
  TokenOrigin,
  TokenRestrictions,
} from './model.js';
import type { Stores, UnitOfWork } from './ports.js';
import { newId, type Random } from './random.js';
import { generateTokenValue, maskToken } from './token-format.js';
import type { UnknownTokenCache } from './unknown-token-cache.js';
import type { VerifiedTokenCache } from './verified-token-cache.js';
import type { WebhookEvent } from '@skytells/contract';
import type { WebhookEvents } from './webhooks/webhook-events.js';

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
  /** The trusted workload whose token exchange issues it. */
  workloadId?: string;
  /** Where, how often and on which projects the token may be used; absent: no restriction. */
  restrictions?: TokenRestrictions | null;
}

/** Why a token is revoked, by whom, and from where: what its `token.revoked` audit event says. */
export interface Revocation {
  reason: RevocationReason;
  actor: Actor;
  context: RequestContext;
}

/** Dependencies of {@link TokenLifecycle}. */
export interface TokenLifecycleDeps {
  uow: UnitOfWork;
  hasher: KeyedHasher;
  clock: Clock;
  random: Random;
  audit: AuditLog;
  lastUse: LastUseRecorder;
  /** The verifier's cache: every token that is revoked or replaced leaves it once the change commits. */
  cache?: VerifiedTokenCache;
  /** The verifier's recently unknown hashes: a token issued here is never refused as unknown. */
  unknown?: UnknownTokenCache;
  /** The account's webhooks: each change here publishes its event in the same transaction. */
  webhooks?: WebhookEvents;
}

/** What a token's webhook events say of it: ids, name, masked value, scopes; never the value. */
export function tokenEventData(token: AccessToken): Record<string, unknown> {
  return {
    token_id: token.id,
    name: token.name,
    masked: token.masked,
    scopes: token.scopes,
    expires_at: token.expiresAt?.toISOString() ?? null,
    created_via: token.createdVia,
    client_id: token.clientId,
    workload_id: token.workloadId,
  };
}

/**
 * The one owner of an access token's life: minting (a value whose keyed hash alone is stored),
 * revocation with its audit event, and eviction from the verification cache. Every path that ends or
 * replaces a token (the console and API, rotation, leak reports, OAuth grants and revocation,
 * application removal) goes through {@link change}, so none can forget the eviction.
 */
export class TokenLifecycle {
  readonly #deps: TokenLifecycleDeps;

  constructor(deps: TokenLifecycleDeps) {
    this.#deps = deps;
  }

  /**
   * Runs `work` in one transaction. Every token it revokes or replaces is evicted from this process's
   * verification cache when the transaction ends, committed or not (evicting more than needed only
   * costs a database read), and announced once, as the transaction's last statement, to the other
   * processes sharing the database: they hear of it when it commits, and nothing if it rolls back.
   * @throws whatever `work` throws, after rolling back.
   */
  async change<T>(work: (changes: TokenChanges) => Promise<T>): Promise<T> {
    const touched = new Set<string>();
    try {
      return await this.#deps.uow.transaction(async (stores) => {
        const result = await work(new TokenChanges(this.#deps, stores, touched));
        if (touched.size > 0) await stores.invalidations.publish([...touched]);
        return result;
      });
    } finally {
      for (const id of touched) this.#deps.cache?.evict(id);
    }
  }

  /**
   * Mints a token inside a transaction the caller already holds (an OAuth grant redeeming its code).
   * Issuing never needs an eviction, so it may run outside {@link change}.
   */
  issueIn(stores: Stores, spec: TokenSpec): Promise<IssuedToken> {
    return new TokenChanges(this.#deps, stores, new Set()).issue(spec);
  }

  /**
   * Whether `replacement` has a predecessor waiting for its first use to be revoked: one read, made
   * when the replacement is looked up in the database, never on a cached verification.
   */
  async hasWaitingPredecessor(replacement: AccessToken): Promise<boolean> {
    if (replacement.replaces === null) return false;
    const old = await this.#deps.uow.stores.tokens.findById(replacement.accountId, replacement.replaces);
    return old?.revokeOnFirstUseOf === replacement.id && old.revokedAt === null;
  }

  /**
   * Revokes the token that `replacement` replaced with "revoke on first use", now that the
   * replacement has been used: reason `replaced`, evicted and announced to every process. Processes
   * racing on the same first use all succeed, and only one revokes and audits it.
   * @returns whether this call revoked it (false when it was revoked already, or is not waiting).
   */
  revokeReplaced(replacement: AccessToken, context: RequestContext): Promise<boolean> {
    const oldId = replacement.replaces;
    if (oldId === null) return Promise.resolve(false);
    return this.change(async (changes) => {
      // Processes racing on the same first use queue here, and all but the first find it revoked.
      await changes.stores.accounts.lock(replacement.accountId);
      const old = await changes.stores.tokens.findById(replacement.accountId, oldId);
      if (old?.revokeOnFirstUseOf !== replacement.id || old.revokedAt !== null) return false;
      const actor: Actor = { type: 'token', id: replacement.id, label: replacement.masked };
      return changes.revoke(old, { reason: 'replaced', actor, context });
    });
  }

  /** Publishes the webhook event `type` of `accountId` inside a transaction the caller already holds. */
  publishIn(
    stores: Stores,
    accountId: string,
    type: WebhookEvent,
    data: Record<string, unknown>,
  ): Promise<void> {
    return new TokenChanges(this.#deps, stores, new Set()).publish(accountId, type, data);
  }

  /** `token` as a reader should see it now: with last-use data not yet written applied. */
  present(token: AccessToken): AccessToken {
    const use = this.#deps.lastUse.pending(token.id);
    if (use === undefined || (token.lastUsedAt !== null && token.lastUsedAt >= use.at)) return token;
    return { ...token, lastUsedAt: use.at, lastUsedIp: use.ip, lastUsedUserAgent: use.userAgent };
  }
}

/** The changes one transaction of {@link TokenLifecycle.change} may make to tokens. */
export class TokenChanges {
  readonly #deps: TokenLifecycleDeps;
  readonly #touched: Set<string>;
  /** The transaction's stores, for the reads and the other writes of the same change. */
  readonly stores: Stores;

  constructor(deps: TokenLifecycleDeps, stores: Stores, touched: Set<string>) {
    this.#deps = deps;
    this.stores = stores;
    this.#touched = touched;
  }

  /**
   * Marks the credential `id` (a token, or an API key changed by `ApiKeyLifecycle`) changed: it
   * leaves the verification cache and is announced to the other processes, like every token here.
   */
  invalidate(id: string): void {
    this.#touched.add(id);
  }

  /**
   * Publishes the webhook event `type` of `accountId` in this transaction: it is delivered only if
   * the change commits.
   */
  async publish(accountId: string, type: WebhookEvent, data: Record<string, unknown>): Promise<void> {
    await this.#deps.webhooks?.publish(this.stores, accountId, type, data);
  }

  /** Mints a value for `spec` and stores the token under the value's keyed hash. */
  async issue(spec: TokenSpec): Promise<IssuedToken> {
    const value = generateTokenValue(this.#deps.random);
    const token: AccessToken = {
      id: newId('tok', this.#deps.random, spec.now),
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
      workloadId: spec.workloadId ?? null,
      replaces: spec.replaces ?? null,
      replacedBy: null,
      revokeOnFirstUseOf: null,
      restrictions: spec.restrictions ?? null,
    };
    const hash = this.#deps.hasher.hash('token-hash', value);
    await this.stores.tokens.insert(token, hash);
    this.#deps.unknown?.forget(memoryKeyOf(value));
    return { token, value };
  }

  /**
   * Revokes `token` now and records `token.revoked`. Revoking a token already revoked changes
   * nothing and records nothing.
   * @returns whether this call revoked it.
   */
  async revoke(token: AccessToken, revocation: Revocation): Promise<boolean> {
    this.#touched.add(token.id);
    if (!(await this.stores.tokens.revoke(token.id, this.#deps.clock.now(), revocation.reason))) return false;
    await this.#deps.audit.record(this.stores, {
      accountId: token.accountId,
      action: 'token.revoked',
      actor: revocation.actor,
      target: { type: 'token', id: token.id },
      context: revocation.context,
      details: { name: token.name, masked: token.masked, reason: revocation.reason },
    });
    await this.publish(token.accountId, 'token.revoked', {
      ...tokenEventData(token),
      reason: revocation.reason,
    });
    return true;
  }

  /**
   * Links `old` to its replacement and, with `revokeAt`, schedules the old token's revocation for
   * that instant (the rotation's own audit event records it), or, with `'first_use'`, leaves it
   * active until the replacement is first used ({@link TokenLifecycle.revokeReplaced}).
   */
  async replace(old: AccessToken, replacementId: string, revokeAt: Date | 'first_use' | null): Promise<void> {
    // Announced now, with its future `revokedAt`: every cached copy then carries the instant, which
    // the verifier checks on every request, so nothing needs announcing when that instant comes.
    this.#touched.add(old.id);
    await this.stores.tokens.setReplacedBy(old.id, replacementId, revokeAt === 'first_use');
    if (revokeAt instanceof Date) await this.stores.tokens.revoke(old.id, revokeAt, 'rotated');
  }
}

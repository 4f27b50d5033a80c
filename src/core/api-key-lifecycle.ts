import type { AuditLog } from './audit.js';
import type { Clock } from './clock.js';
import { type KeyedHasher, memoryKeyOf } from './keyed-hash.js';
import type { LastUseRecorder } from './last-use-recorder.js';
import type { WebhookEvent } from '@skytells/contract';
import type { Actor, ApiKey, ApiKeyRevocationReason, RequestContext } from './model.js';
import type { Stores } from './ports.js';
import { newId, type Random } from './random.js';
import { generateApiKeyValue, maskApiKey } from './token-format.js';
import type { TokenChanges, TokenLifecycle } from './token-lifecycle.js';
import type { UnknownTokenCache } from './unknown-token-cache.js';

/** An API key together with its value, which exists only in this one response. */
export interface IssuedApiKey {
  key: ApiKey;
  value: string;
}

/** Why an API key is revoked, by whom, and from where: what its `api_key.revoked` event says. */
export interface ApiKeyRevocation {
  reason: ApiKeyRevocationReason;
  actor: Actor;
  context: RequestContext;
}

/** What an API key's webhook events say of it: id, name, masked value; never the value. */
export function apiKeyEventData(key: ApiKey): Record<string, unknown> {
  return { api_key_id: key.id, name: key.name, masked: key.masked };
}

/** Dependencies of {@link ApiKeyLifecycle}. */
export interface ApiKeyLifecycleDeps {
  /** Its transactions evict and announce every credential they change: API keys go through them too. */
  tokens: TokenLifecycle;
  hasher: KeyedHasher;
  clock: Clock;
  random: Random;
  audit: AuditLog;
  lastUse: LastUseRecorder;
  /** The verifier's recently unknown hashes: a key issued here is never refused as unknown. */
  unknown?: UnknownTokenCache;
}

/**
 * The one owner of an API key's life: minting (a value whose keyed hash alone is stored), revocation
 * with its audit event, and replacement by a roll. It runs on {@link TokenLifecycle.change}, so an API
 * key that ends leaves the same verification cache and reaches the other processes through the same
 * announcement as a token.
 */
export class ApiKeyLifecycle {
  readonly #deps: ApiKeyLifecycleDeps;

  constructor(deps: ApiKeyLifecycleDeps) {
    this.#deps = deps;
  }

  /**
   * Runs `work` in one transaction; every key it revokes or replaces is evicted and announced as in
   * {@link TokenLifecycle.change}.
   * @throws whatever `work` throws, after rolling back.
   */
  change<T>(work: (changes: ApiKeyChanges) => Promise<T>): Promise<T> {
    return this.#deps.tokens.change((changes) => work(new ApiKeyChanges(this.#deps, changes)));
  }

  /** `key` as a reader should see it now: with last-use data not yet written applied. */
  present(key: ApiKey): ApiKey {
    const use = this.#deps.lastUse.pending(key.id);
    if (use === undefined || (key.lastUsedAt !== null && key.lastUsedAt >= use.at)) return key;
    return { ...key, lastUsedAt: use.at, lastUsedIp: use.ip };
  }
}

/** The changes one transaction of {@link ApiKeyLifecycle.change} may make to API keys. */
export class ApiKeyChanges {
  readonly #deps: ApiKeyLifecycleDeps;
  readonly #changes: TokenChanges;
  /** The transaction's stores, for the reads and the other writes of the same change. */
  readonly stores: Stores;

  constructor(deps: ApiKeyLifecycleDeps, changes: TokenChanges) {
    this.#deps = deps;
    this.#changes = changes;
    this.stores = changes.stores;
  }

  /** Mints a value and stores a new key of `accountId` named `name` under the value's keyed hash. */
  async issue(spec: {
    accountId: string;
    name: string;
    now: Date;
    replaces?: string;
  }): Promise<IssuedApiKey> {
    const value = generateApiKeyValue(this.#deps.random);
    const key: ApiKey = {
      id: newId('key', this.#deps.random, spec.now),
      accountId: spec.accountId,
      name: spec.name,
      masked: maskApiKey(value),
      createdAt: spec.now,
      expiresAt: null,
      lastUsedAt: null,
      lastUsedIp: null,
      revokedAt: null,
      revokedReason: null,
      replaces: spec.replaces ?? null,
      replacedBy: null,
    };
    const hash = this.#deps.hasher.hash('api-key-hash', value);
    await this.stores.apiKeys.insert(key, hash);
    this.#deps.unknown?.forget(memoryKeyOf(value));
    return { key, value };
  }

  /**
   * Revokes `key` now and records `api_key.revoked`. Revoking a key already revoked changes nothing
   * and records nothing.
   * @returns whether this call revoked it.
   */
  async revoke(key: ApiKey, revocation: ApiKeyRevocation): Promise<boolean> {
    this.#changes.invalidate(key.id);
    if (!(await this.stores.apiKeys.revoke(key.id, this.#deps.clock.now(), revocation.reason))) return false;
    await this.#deps.audit.record(this.stores, {
      accountId: key.accountId,
      action: 'api_key.revoked',
      actor: revocation.actor,
      target: { type: 'api_key', id: key.id },
      context: revocation.context,
      details: { name: key.name, masked: key.masked, reason: revocation.reason },
    });
    await this.#changes.publish(key.accountId, 'api_key.revoked', {
      ...apiKeyEventData(key),
      reason: revocation.reason,
    });
    return true;
  }

  /** Publishes the webhook event `type` of `accountId` in this transaction (see {@link TokenChanges.publish}). */
  publish(accountId: string, type: WebhookEvent, data: Record<string, unknown>): Promise<void> {
    return this.#changes.publish(accountId, type, data);
  }

  /**
   * Links `old` to its replacement and, with `expiresAt`, sets the end of its grace period.
   * Announced now, with the future instant: every cached copy then carries it, and the verifier checks
   * it on every request, so nothing needs announcing when the grace ends.
   */
  async replace(old: ApiKey, replacementId: string, expiresAt: Date | null): Promise<void> {
    this.#changes.invalidate(old.id);
    await this.stores.apiKeys.setReplacedBy(old.id, replacementId, expiresAt);
  }
}

import { MAX_API_KEY_GRACE_SECONDS } from '@skytells/contract';
import type { AccountNotices } from './account-notices.js';
import { apiKeyEventData, type ApiKeyLifecycle, type IssuedApiKey } from './api-key-lifecycle.js';
import type { AuditLog } from './audit.js';
import type { Clock } from './clock.js';
import { decodeCursor, toPage } from './cursor.js';
import { ApiError, invalidField } from './errors.js';
import type { KeyedHasher } from './keyed-hash.js';
import { type ApiKey, type Page, type RequestContext, type TokenStatus, tokenStatus } from './model.js';
import type { UnitOfWork } from './ports.js';
import { actorOf, type Principal } from './principal.js';
import { isWellFormedApiKey } from './token-format.js';
import { parseTokenName } from './token-rules.js';

export type { IssuedApiKey } from './api-key-lifecycle.js';

/** Dependencies of {@link ApiKeyService}. */
export interface ApiKeyServiceDeps {
  uow: UnitOfWork;
  hasher: KeyedHasher;
  clock: Clock;
  audit: AuditLog;
  /** Issues, revokes and evicts: every change to an API key goes through it. */
  lifecycle: ApiKeyLifecycle;
  /** Account e-mail: the leaked-key notice. */
  notices: AccountNotices;
}

/** Creation, listing, inspection, revocation and rolling of legacy API keys (docs/api-keys.md). */
export class ApiKeyService {
  readonly #deps: ApiKeyServiceDeps;

  constructor(deps: ApiKeyServiceDeps) {
    this.#deps = deps;
  }

  /**
   * Issues a new API key for the caller's account and records `api_key.created`.
   * @throws ApiError `validation_failed` for a bad name.
   */
  async create(principal: Principal, name: string, context: RequestContext): Promise<IssuedApiKey> {
    const now = this.#deps.clock.now();
    const parsed = parseTokenName(name);
    return this.#deps.lifecycle.change(async (changes) => {
      const issued = await changes.issue({ accountId: principal.accountId, name: parsed, now });
      await this.#deps.audit.record(changes.stores, {
        accountId: principal.accountId,
        action: 'api_key.created',
        actor: actorOf(principal),
        target: { type: 'api_key', id: issued.key.id },
        context,
        details: { name: parsed, masked: issued.key.masked },
      });
      await changes.publish(principal.accountId, 'api_key.created', apiKeyEventData(issued.key));
      return issued;
    });
  }

  /**
   * The account's keys with `status`, newest first.
   * @throws ApiError `invalid_cursor`.
   */
  async list(
    accountId: string,
    options: { status: TokenStatus | 'all'; cursor?: string; limit: number },
  ): Promise<Page<ApiKey>> {
    const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    const rows = await this.#deps.uow.stores.apiKeys.list(
      accountId,
      { status: options.status, now: this.#deps.clock.now() },
      { ...(after === undefined ? {} : { after }), limit: options.limit + 1 },
    );
    const page = toPage(rows, options.limit, (key) => key);
    return { ...page, items: page.items.map((key) => this.#deps.lifecycle.present(key)) };
  }

  /**
   * The account's key `id`.
   * @throws ApiError `not_found`, also for another account's key.
   */
  async get(accountId: string, id: string): Promise<ApiKey> {
    const key = await this.#deps.uow.stores.apiKeys.findById(accountId, id);
    if (key === undefined) throw notFound();
    return this.#deps.lifecycle.present(key);
  }

  /**
   * Revokes the account's key `id` at once. Revoking a revoked key succeeds and changes nothing.
   * @throws ApiError `not_found`.
   */
  async revoke(principal: Principal, id: string, context: RequestContext): Promise<void> {
    await this.#deps.lifecycle.change(async (changes) => {
      const key = await changes.stores.apiKeys.findById(principal.accountId, id);
      if (key === undefined) throw notFound();
      await changes.revoke(key, { reason: 'revoked', actor: actorOf(principal), context });
    });
  }

  /**
   * Replaces key `id` by a new key of the same name. The old key keeps working for `graceSeconds`
   * (its expiry is set to then); with 0 it is revoked at once, with reason `rolled`.
   * @throws ApiError `not_found`, `token_not_active` (a revoked, expired or already rolled key),
   * `validation_failed` (a grace outside 0 to 7 days).
   */
  async roll(
    principal: Principal,
    id: string,
    graceSeconds: number,
    context: RequestContext,
  ): Promise<IssuedApiKey> {
    if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > MAX_API_KEY_GRACE_SECONDS) {
      throw invalidField('grace_seconds', `must be a whole number from 0 to ${MAX_API_KEY_GRACE_SECONDS}`);
    }
    const now = this.#deps.clock.now();
    const actor = actorOf(principal);
    return this.#deps.lifecycle.change(async (changes) => {
      const { stores } = changes;
      await stores.accounts.lock(principal.accountId);
      const old = await stores.apiKeys.findById(principal.accountId, id);
      if (old === undefined) throw notFound();
      if (tokenStatus(old, now) !== 'active' || old.replacedBy !== null) {
        throw new ApiError('token_not_active', {
          detail: 'Only an active API key that was not yet rolled can be rolled.',
        });
      }
      const fresh = await changes.issue({
        accountId: principal.accountId,
        name: old.name,
        now,
        replaces: old.id,
      });
      const endsAt = graceSeconds === 0 ? null : new Date(now.getTime() + graceSeconds * 1000);
      await changes.replace(old, fresh.key.id, endsAt);
      if (endsAt === null) await changes.revoke(old, { reason: 'rolled', actor, context });
      await this.#deps.audit.record(stores, {
        accountId: principal.accountId,
        action: 'api_key.rolled',
        actor,
        target: { type: 'api_key', id: old.id },
        context,
        details: {
          replaced_by: fresh.key.id,
          masked: old.masked,
          new_masked: fresh.key.masked,
          grace_seconds: graceSeconds,
          old_expires_at: (endsAt ?? now).toISOString(),
        },
      });
      await changes.publish(principal.accountId, 'api_key.rolled', {
        ...apiKeyEventData(old),
        replaced_by: fresh.key.id,
        new_masked: fresh.key.masked,
        old_expires_at: (endsAt ?? now).toISOString(),
      });
      return fresh;
    });
  }

  /**
   * Revokes every active API key among `values`, whoever holds them (reason `leaked`), and tells each
   * owner by e-mail. Values that are not well-formed keys, unknown or already inactive are skipped.
   * @returns how many keys were revoked.
   */
  async revokeLeaked(values: readonly string[], context: RequestContext): Promise<number> {
    const now = this.#deps.clock.now();
    const hashes = new Set(
      values.filter(isWellFormedApiKey).map((value) => this.#deps.hasher.hash('api-key-hash', value)),
    );
    const actor = { type: 'anonymous', id: null } as const;
    let revoked = 0;
    for (const hash of hashes) {
      const key = await this.#deps.uow.stores.apiKeys.findByHash(hash);
      if (key === undefined || tokenStatus(key, now) !== 'active') continue;
      const changed = await this.#deps.lifecycle.change(async (changes) => {
        if (!(await changes.revoke(key, { reason: 'leaked', actor, context }))) return false;
        await this.#deps.notices.toOwnerOf(changes.stores, key.accountId, (account) =>
          this.#deps.notices.apiKeyLeaked(changes.stores, account, key, context),
        );
        return true;
      });
      if (changed) revoked += 1;
    }
    return revoked;
  }
}

function notFound(): ApiError {
  return new ApiError('not_found', { detail: 'No such API key.' });
}

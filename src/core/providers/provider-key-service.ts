import type { ProviderName } from '@skytells/contract';
import type { AuditLog } from '../audit.js';
import type { Clock } from '../clock.js';
import { ApiError } from '../errors.js';
import type { RequestContext } from '../model.js';
import type { UnitOfWork } from '../ports.js';
import { actorOf, type Principal } from '../principal.js';
import { newId, type Random } from '../random.js';
import type { EnvelopeCipher } from './envelope-cipher.js';
import { checkBaseUrl, checkProviderKey, maskProviderKey } from './provider-key-rules.js';
import type { StoredProviderKey } from './provider-key-store.js';
import type { ProviderKeyTester, ProviderKeyTestResult } from './provider-key-tester.js';

/** Dependencies of {@link ProviderKeyService}. */
export interface ProviderKeyServiceDeps {
  uow: UnitOfWork;
  clock: Clock;
  random: Random;
  audit: AuditLog;
  cipher: EnvelopeCipher;
  tester: ProviderKeyTester;
  /** Where OpenAI and Anthropic are reached (the configuration's base URLs). */
  baseUrls: { readonly openai: string; readonly anthropic: string };
}

/** A saved provider key as the account sees it: never the key. */
export interface ProviderKeySummary {
  provider: ProviderName;
  masked: string;
  baseUrl: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What saving a key did. */
export interface SavedProviderKey extends ProviderKeySummary {
  /** The outcome of trying the key, when asked for. */
  test?: ProviderKeyTestResult;
}

/** A decrypted provider key and where to use it. */
export interface RevealedProviderKey {
  apiKey: string;
  /** The saved base URL for `openai_compatible`, the configured one for the others. */
  baseUrl: string;
}

/**
 * The associated data of a provider key's envelope: the account, the provider, the row and the base
 * URL the key is sent to, so that a sealed key moved to another row, account or URL does not open.
 */
export function providerKeyAssociatedData(
  key: Pick<StoredProviderKey, 'id' | 'accountId' | 'provider' | 'baseUrl'>,
): string {
  return JSON.stringify(['skytells/provider-key/v1', key.accountId, key.provider, key.id, key.baseUrl]);
}

function summaryOf(key: StoredProviderKey): ProviderKeySummary {
  return {
    provider: key.provider,
    masked: key.masked,
    baseUrl: key.baseUrl,
    createdAt: key.createdAt,
    updatedAt: key.updatedAt,
  };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * The account's own keys for model providers (BYOK): saved encrypted, listed masked, revealed only
 * to the inference gateway. The key is never returned, logged or audited.
 */
export class ProviderKeyService {
  readonly #deps: ProviderKeyServiceDeps;

  constructor(deps: ProviderKeyServiceDeps) {
    this.#deps = deps;
  }

  /**
   * Saves or replaces the account's key for `provider`, sealed under a fresh data key. With
   * `test`, first tries the key against the provider; the key is saved whatever the outcome.
   * @throws ApiError `validation_failed` (the key, or a `base_url` given or missing wrongly).
   */
  async save(
    principal: Principal,
    provider: ProviderName,
    input: { apiKey: string; baseUrl?: string; test?: boolean },
    context: RequestContext,
  ): Promise<SavedProviderKey> {
    checkProviderKey(input.apiKey);
    const baseUrl = checkBaseUrl(provider, input.baseUrl);
    const test =
      input.test === true
        ? await this.#deps.tester.test({
            provider,
            apiKey: input.apiKey,
            baseUrl: baseUrl ?? this.#configuredBaseUrl(provider),
          })
        : undefined;
    const { accountId } = principal;
    const now = this.#deps.clock.now();
    // A new row id on every save: the new sealed key is bound to it, and a replaced one is gone.
    const id = newId('pk', this.#deps.random, now);
    // Sealed before the transaction: the cipher reads key-encryption keys outside it.
    const envelope = await this.#deps.cipher.encrypt(
      encoder.encode(input.apiKey),
      providerKeyAssociatedData({ id, accountId, provider, baseUrl }),
    );
    const saved = await this.#deps.uow.transaction(async (stores) => {
      await stores.accounts.lock(accountId);
      const existing = await stores.providerKeys.find(accountId, provider);
      const key: StoredProviderKey = {
        id,
        accountId,
        provider,
        baseUrl,
        masked: maskProviderKey(input.apiKey),
        envelope,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
      await stores.providerKeys.put(key);
      await this.#deps.audit.record(stores, {
        accountId,
        action: 'provider.saved',
        actor: actorOf(principal),
        target: { type: 'provider_key', id },
        context,
        details: {
          provider,
          replaced: existing !== undefined,
          masked: key.masked,
          base_url: baseUrl,
          ...(test === undefined ? {} : { test_ok: test.ok }),
        },
      });
      return key;
    });
    return { ...summaryOf(saved), ...(test === undefined ? {} : { test }) };
  }

  /** The account's saved keys, masked, by provider name. */
  async list(accountId: string): Promise<ProviderKeySummary[]> {
    const keys = await this.#deps.uow.stores.providerKeys.list(accountId);
    return keys.map(summaryOf);
  }

  /** Deletes the account's key for `provider`. @throws ApiError `not_found` when none is saved. */
  async delete(principal: Principal, provider: ProviderName, context: RequestContext): Promise<void> {
    await this.#deps.uow.transaction(async (stores) => {
      const existing = await stores.providerKeys.find(principal.accountId, provider);
      if (existing === undefined || !(await stores.providerKeys.delete(principal.accountId, provider))) {
        throw new ApiError('not_found', { detail: `No ${provider} key is saved.` });
      }
      await this.#deps.audit.record(stores, {
        accountId: principal.accountId,
        action: 'provider.deleted',
        actor: actorOf(principal),
        target: { type: 'provider_key', id: existing.id },
        context,
        details: { provider, masked: existing.masked },
      });
    });
  }

  /**
   * The account's key for `provider`, decrypted, and the base URL to call; for the inference gateway
   * alone. `undefined` when none is saved.
   * @throws ApiError `provider_key_unreadable` when the sealed key does not open (altered or moved
   * rows, another `SKYTELLS_SECRET`, a removed key-encryption key); the private detail says which row.
   */
  async reveal(accountId: string, provider: ProviderName): Promise<RevealedProviderKey | undefined> {
    const key = await this.#deps.uow.stores.providerKeys.find(accountId, provider);
    if (key === undefined) return undefined;
    let apiKey: string;
    try {
      apiKey = decoder.decode(await this.#deps.cipher.decrypt(key.envelope, providerKeyAssociatedData(key)));
    } catch (error) {
      throw new ApiError('provider_key_unreadable', {
        detail: `The saved ${provider} key cannot be decrypted; save it again.`,
        privateDetail:
          `provider key ${key.id} (account ${accountId}, key-encryption key ${key.envelope.kekId}) does not ` +
          `decrypt: ${error instanceof Error ? error.message : String(error)}. Was SKYTELLS_SECRET changed, ` +
          'or the row altered?',
        cause: error,
      });
    }
    return { apiKey, baseUrl: key.baseUrl ?? this.#configuredBaseUrl(provider) };
  }

  #configuredBaseUrl(provider: ProviderName): string {
    // openai_compatible always has its own base URL; the fallback only satisfies the type.
    return provider === 'anthropic' ? this.#deps.baseUrls.anthropic : this.#deps.baseUrls.openai;
  }
}

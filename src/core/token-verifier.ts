import type { AuditLog } from './audit.js';
import type { Clock } from './clock.js';
import { ApiError, type ErrorCode } from './errors.js';
import type { FirstUseRevocations } from './first-use-revocations.js';
import { type KeyedHasher, type KeyPurpose, memoryKeyOf } from './keyed-hash.js';
import type { LastUseRecorder } from './last-use-recorder.js';
import { type AccessToken, type ApiKey, type RequestContext, tokenStatus } from './model.js';
import type { CredentialKind, Stores, UnitOfWork } from './ports.js';
import { isWellFormedApiKey, isWellFormedToken, maskApiKey, maskToken } from './token-format.js';
import type { TokenRestrictionGuard } from './token-restriction-guard.js';
import type { UnknownTokenCache } from './unknown-token-cache.js';
import type { CredentialOfKind, VerifiedTokenCache } from './verified-token-cache.js';

/** Every outcome of one verification, as metrics count them. */
export const VERIFICATION_RESULTS = ['valid', 'malformed', 'invalid', 'expired', 'revoked'] as const;

/** The outcome of one verification. */
export type VerificationResult = (typeof VERIFICATION_RESULTS)[number];

/** Receives every verification's outcome and duration, e.g. for Prometheus. */
export type VerificationObserver = (result: VerificationResult, seconds: number) => void;

/** Dependencies of {@link TokenVerifier}. */
export interface TokenVerifierDeps {
  uow: UnitOfWork;
  hasher: KeyedHasher;
  clock: Clock;
  audit: AuditLog;
  lastUse: LastUseRecorder;
  /** Omit to read through on every verification. */
  cache?: VerifiedTokenCache;
  /** Hashes recently found in no row: repeating an unknown value does not reach the database each time. */
  unknown?: UnknownTokenCache;
  observe?: VerificationObserver;
  /** Revokes a replaced token at its replacement's first use; omit where no rotation asks for it. */
  firstUse?: FirstUseRevocations;
  /** Enforces a token's restrictions (address, rate) before its use is counted; omit for none. */
  restrictions?: TokenRestrictionGuard;
}

const CODE_OF: Record<Exclude<VerificationResult, 'valid'>, ErrorCode> = {
  malformed: 'token_malformed',
  invalid: 'token_invalid',
  expired: 'token_expired',
  revoked: 'token_revoked',
};

const DETAIL_OF: Record<Exclude<VerificationResult, 'valid'>, string> = {
  malformed: 'The access token is malformed.',
  invalid: 'The access token is not valid.',
  expired: 'The access token has expired.',
  revoked: 'The access token has been revoked.',
};

/** What tells the two kinds of credential apart; everything else about verifying them is shared. */
interface KindRules<K extends CredentialKind> {
  kind: K;
  /** Format and checksum: `skt_…` or `sk_live_…`. */
  isWellFormed(value: string): boolean;
  /** The keyed hash the stored rows are found by. */
  purpose: KeyPurpose;
  find(stores: Stores, hash: string): Promise<CredentialOfKind[K] | undefined>;
}

const TOKEN_RULES: KindRules<'token'> = {
  kind: 'token',
  isWellFormed: isWellFormedToken,
  purpose: 'token-hash',
  find: (stores, hash) => stores.tokens.findByHash(hash),
};

const API_KEY_RULES: KindRules<'api_key'> = {
  kind: 'api_key',
  isWellFormed: isWellFormedApiKey,
  purpose: 'api-key-hash',
  find: (stores, hash) => stores.apiKeys.findByHash(hash),
};

/**
 * The hot path of every request: format and checksum → look-up by keyed hash (cache, then recently
 * unknown hashes, then the database) → revoked? expired? One code path for both kinds of credential,
 * access tokens and API keys: the same cache, the same unknown-value cache, the same last-use batching.
 * It never writes to the database on success; last-used data goes to the {@link LastUseRecorder}.
 */
export class TokenVerifier {
  readonly #deps: TokenVerifierDeps;

  constructor(deps: TokenVerifierDeps) {
    this.#deps = deps;
  }

  /**
   * The active token whose value is `value`: at once (no promise) when it is cached, else once the
   * database has answered. A caller on the hot path checks for a promise and so waits for nothing
   * when there is nothing to wait for; any other caller may simply `await` the result.
   * @throws ApiError `token_malformed` (bad format or checksum, no database access), `token_invalid`,
   * `token_expired` or `token_revoked`: at once when no database was needed, else as a rejected
   * promise. A failure of a known (expired or revoked) token is audited on its account, with the
   * masked value only. A token with restrictions is refused `ip_not_allowed` or, past its rate limit,
   * `token_rate_limited` (a `TokenRateLimitedError`, which carries the window) before its use is
   * counted anywhere; where an admitted one's window stands is then the guard's `leaseOf`.
   * @param now the request's time, if the caller has read the clock already; a token read from the
   * database is checked at the time the database answered.
   */
  verify(value: string, context: RequestContext, now?: Date): AccessToken | Promise<AccessToken> {
    return this.#verify(TOKEN_RULES, value, context, now);
  }

  /**
   * The active API key whose value is `value`, as {@link verify} finds a token.
   * @throws ApiError as {@link verify}; a known key's failure is audited as `api_key.auth_failed`.
   */
  verifyApiKey(value: string, context: RequestContext, now?: Date): ApiKey | Promise<ApiKey> {
    return this.#verify(API_KEY_RULES, value, context, now);
  }

  #verify<K extends CredentialKind>(
    rules: KindRules<K>,
    value: string,
    context: RequestContext,
    now: Date | undefined,
  ): CredentialOfKind[K] | Promise<CredentialOfKind[K]> {
    const started = performance.now();
    if (!rules.isWellFormed(value)) return this.#fail('malformed', value, undefined, context, started);
    // The caches know values by a plain digest; the keyed hash is computed only to ask the database.
    const key = memoryKeyOf(value);
    const cached = this.#deps.cache?.get(key, rules.kind);
    if (cached !== undefined) {
      return this.#check(rules.kind, cached, value, context, started, now ?? this.#deps.clock.now());
    }
    if (this.#deps.unknown?.isKnownUnknown(key) === true) {
      return this.#fail('invalid', value, undefined, context, started);
    }
    return this.#verifyFromStore(rules, key, value, context, started);
  }

  async #verifyFromStore<K extends CredentialKind>(
    rules: KindRules<K>,
    key: string,
    value: string,
    context: RequestContext,
    started: number,
  ): Promise<CredentialOfKind[K]> {
    const { cache, unknown } = this.#deps;
    const generation = cache?.generation;
    const credential = await rules.find(this.#deps.uow.stores, this.#deps.hasher.hash(rules.purpose, value));
    if (credential === undefined) {
      unknown?.remember(key);
      return this.#fail('invalid', value, undefined, context, started);
    }
    if ('scopes' in credential) await this.#deps.firstUse?.load(credential);
    cache?.setCredential(key, rules.kind, credential, generation);
    return this.#check(rules.kind, credential, value, context, started, this.#deps.clock.now());
  }

  /** `credential` if it is active at `now` (its use noted for last-used data), else the failure. */
  #check<K extends CredentialKind>(
    kind: K,
    credential: CredentialOfKind[K],
    value: string,
    context: RequestContext,
    started: number,
    now: Date,
  ): CredentialOfKind[K] | Promise<CredentialOfKind[K]> {
    const status = tokenStatus(credential, now);
    if (status !== 'active') return this.#fail(status, value, credential, context, started);
    // A token's restrictions (address, rate) come before anything that counts it as used: a refused
    // request is neither its last use nor the first use that ends a predecessor's rotation.
    const restrictions = 'scopes' in credential ? credential.restrictions : null;
    const guard = this.#deps.restrictions;
    if (restrictions === null || guard === undefined) {
      return this.#use(kind, credential, context, started, now);
    }
    const admitted = guard.admit(credential as AccessToken, restrictions, context, now);
    if (admitted === undefined) return this.#use(kind, credential, context, started, now);
    return admitted.then(() => this.#use(kind, credential, context, started, now));
  }

  /** Notes the admitted use for last-used data, and ends a predecessor waiting for it. */
  #use<K extends CredentialKind>(
    kind: K,
    credential: CredentialOfKind[K],
    context: RequestContext,
    started: number,
    now: Date,
  ): CredentialOfKind[K] | Promise<CredentialOfKind[K]> {
    this.#deps.lastUse.record({
      kind,
      id: credential.id,
      at: now,
      ip: context.ip,
      userAgent: context.userAgent,
    });
    this.#deps.observe?.('valid', (performance.now() - started) / 1000);
    const { firstUse } = this.#deps;
    if (firstUse?.isWaiting(credential.id) === true && 'scopes' in credential) {
      const used: CredentialOfKind[K] = credential;
      return firstUse.revokePredecessor(credential, context).then(() => used);
    }
    return credential;
  }

  /**
   * Counts the failure and refuses: at once for a value that matched no credential, after auditing
   * on its account for a known (expired or revoked) one.
   */
  #fail(
    result: Exclude<VerificationResult, 'valid'>,
    value: string,
    credential: AccessToken | ApiKey | undefined,
    context: RequestContext,
    started: number,
  ): never | Promise<never> {
    this.#deps.observe?.(result, (performance.now() - started) / 1000);
    // Only a known credential's failure belongs to an account whose owner can read the audit log. A
    // malformed or unknown value never touches the database: a flood of them costs no writes, and a
    // bad checksum is rejected before any look-up at all. Metrics and the request log count those.
    if (credential === undefined) throw new ApiError(CODE_OF[result], { detail: DETAIL_OF[result] });
    return this.#auditFailure(result, value, credential, context);
  }

  async #auditFailure(
    result: Exclude<VerificationResult, 'valid'>,
    value: string,
    credential: AccessToken | ApiKey,
    context: RequestContext,
  ): Promise<never> {
    const isToken = 'scopes' in credential;
    await this.#deps.audit.record(this.#deps.uow.stores, {
      accountId: credential.accountId,
      action: isToken ? 'token.auth_failed' : 'api_key.auth_failed',
      actor: { type: 'anonymous', id: null },
      target: { type: isToken ? 'token' : 'api_key', id: credential.id },
      context,
      // Never the value: the masked id only.
      details: { reason: CODE_OF[result], masked: isToken ? maskToken(value) : maskApiKey(value) },
    });
    throw new ApiError(CODE_OF[result], { detail: DETAIL_OF[result] });
  }
}

import type { AuditLog } from './audit.js';
import type { Clock } from './clock.js';
import { ApiError, type ErrorCode } from './errors.js';
import type { KeyedHasher } from './keyed-hash.js';
import type { LastUseRecorder } from './last-use-recorder.js';
import { type AccessToken, type ApiKey, type RequestContext, tokenStatus } from './model.js';
import type { UnitOfWork } from './ports.js';
import { isWellFormedApiKey, isWellFormedToken, maskApiKey, maskToken } from './token-format.js';
import type { UnknownTokenCache } from './unknown-token-cache.js';
import type { VerifiedTokenCache } from './verified-token-cache.js';

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

/**
 * The hot path of every request: format and checksum → look-up by keyed hash (cache, then recently
 * unknown hashes, then the database) → revoked? expired?
 * It never writes to the database on success; last-used data goes to the {@link LastUseRecorder}.
 */
export class TokenVerifier {
  readonly #deps: TokenVerifierDeps;

  constructor(deps: TokenVerifierDeps) {
    this.#deps = deps;
  }

  /**
   * The active token whose value is `value`.
   * @throws ApiError `token_malformed` (bad format or checksum, no database access), `token_invalid`,
   * `token_expired` or `token_revoked`. A failure of a known (expired or revoked) token is audited
   * on its account, with the masked value only.
   */
  async verify(value: string, context: RequestContext): Promise<AccessToken> {
    const started = performance.now();
    const { clock, hasher, cache, unknown, lastUse } = this.#deps;
    if (!isWellFormedToken(value)) return this.#fail('malformed', value, undefined, context, started);

    const hash = hasher.hash('token-hash', value);
    const generation = cache?.generation;
    let token = cache?.get(hash);
    if (token === undefined) {
      if (unknown?.isKnownUnknown(hash) === true)
        return this.#fail('invalid', value, undefined, context, started);
      token = await this.#deps.uow.stores.tokens.findByHash(hash);
      if (token === undefined) {
        unknown?.remember(hash);
        return this.#fail('invalid', value, undefined, context, started);
      }
      cache?.set(hash, token, generation);
    }

    const now = clock.now();
    const status = tokenStatus(token, now);
    if (status !== 'active') return this.#fail(status, value, token, context, started);

    lastUse.record({ kind: 'token', id: token.id, at: now, ip: context.ip, userAgent: context.userAgent });
    this.#deps.observe?.('valid', (performance.now() - started) / 1000);
    return token;
  }

  /**
   * The active API key whose value is `value`, through the same steps, cache, recently unknown hashes
   * and last-use batching as {@link verify}.
   * @throws ApiError as {@link verify}; a known key's failure is audited as `api_key.auth_failed`.
   */
  async verifyApiKey(value: string, context: RequestContext): Promise<ApiKey> {
    const started = performance.now();
    const { clock, hasher, cache, unknown, lastUse } = this.#deps;
    if (!isWellFormedApiKey(value)) return this.#fail('malformed', value, undefined, context, started);

    const hash = hasher.hash('api-key-hash', value);
    const generation = cache?.generation;
    let key = cache?.get(hash, 'api_key');
    if (key === undefined) {
      if (unknown?.isKnownUnknown(hash) === true)
        return this.#fail('invalid', value, undefined, context, started);
      key = await this.#deps.uow.stores.apiKeys.findByHash(hash);
      if (key === undefined) {
        unknown?.remember(hash);
        return this.#fail('invalid', value, undefined, context, started);
      }
      cache?.setApiKey(hash, key, generation);
    }

    const now = clock.now();
    const status = tokenStatus(key, now);
    if (status !== 'active') return this.#fail(status, value, key, context, started);

    lastUse.record({ kind: 'api_key', id: key.id, at: now, ip: context.ip, userAgent: context.userAgent });
    this.#deps.observe?.('valid', (performance.now() - started) / 1000);
    return key;
  }

  async #fail(
    result: Exclude<VerificationResult, 'valid'>,
    value: string,
    credential: AccessToken | ApiKey | undefined,
    context: RequestContext,
    started: number,
  ): Promise<never> {
    this.#deps.observe?.(result, (performance.now() - started) / 1000);
    // Only a known credential's failure belongs to an account whose owner can read the audit log. A
    // malformed or unknown value never touches the database: a flood of them costs no writes, and a
    // bad checksum is rejected before any look-up at all. Metrics and the request log count those.
    if (credential !== undefined) {
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
    }
    throw new ApiError(CODE_OF[result], { detail: DETAIL_OF[result] });
  }
}

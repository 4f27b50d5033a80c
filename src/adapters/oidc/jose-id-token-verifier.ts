import {
  createLocalJWKSet,
  decodeProtectedHeader,
  errors,
  type JSONWebKeySet,
  type JWTPayload,
  jwtVerify,
} from 'jose';
import type { Clock } from '../../core/clock.js';
import { ExchangeRefusal, type IdTokenVerifier } from '../../core/workloads/id-token-verifier.js';
import { type BoundedFetchOptions, fetchBoundedJson } from './bounded-json-fetch.js';

/** Asymmetric algorithms only: never `none`, never an HMAC whose key would be public (RFC 8725 §3.1). */
const ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];

/** Clock skew allowed on `exp`, `nbf` and `iat`, in seconds. */
const CLOCK_TOLERANCE_S = 60;

/** Options of {@link JoseIdTokenVerifier}. */
export interface JoseIdTokenVerifierOptions {
  clock: Clock;
  /** `SKYTELLS_WORKLOAD_ALLOW_INSECURE_ISSUER`: `http://` on loopback, and private addresses. */
  allowInsecure: boolean;
  /** Each fetch's limit. Default 5 s. */
  timeoutMs?: number;
  /** Largest discovery document or JWKS. Default 256 KiB. */
  maxBytes?: number;
  /** How long an issuer's keys are kept. Default 10 minutes. */
  cacheMs?: number;
  /** Least time between two fetches for an unknown `kid`, per issuer. Default 30 s. */
  refetchIntervalMs?: number;
}

/** An issuer's keys as last fetched. */
interface CachedKeys {
  keys: ReturnType<typeof createLocalJWKSet>;
  fetchedAt: number;
}

/**
 * {@link IdTokenVerifier} with `jose`: the issuer's JWKS found by OpenID Connect Discovery, fetched
 * from public addresses within 5 seconds and 256 KiB, kept 10 minutes, fetched again at once for an
 * unknown `kid` (at most every 30 seconds per issuer), so that a key rotation is picked up at its first token.
 */
export class JoseIdTokenVerifier implements IdTokenVerifier {
  readonly #clock: Clock;
  readonly #fetch: BoundedFetchOptions;
  readonly #cacheMs: number;
  readonly #refetchIntervalMs: number;
  readonly #cache = new Map<string, Promise<CachedKeys>>();
  readonly #lastRefetch = new Map<string, number>();

  constructor(options: JoseIdTokenVerifierOptions) {
    this.#clock = options.clock;
    this.#fetch = {
      timeoutMs: options.timeoutMs ?? 5000,
      maxBytes: options.maxBytes ?? 256 * 1024,
      allowPrivate: options.allowInsecure,
    };
    this.#cacheMs = options.cacheMs ?? 10 * 60_000;
    this.#refetchIntervalMs = options.refetchIntervalMs ?? 30_000;
  }

  async verify(idToken: string, issuer: string): Promise<Record<string, unknown>> {
    let cached = await this.#keysOf(issuer);
    try {
      return await this.#verifyWith(idToken, issuer, cached);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || !this.#mayRefetch(issuer))
        throw refusalOf(error, idToken);
    }
    cached = await this.#keysOf(issuer, true);
    try {
      return await this.#verifyWith(idToken, issuer, cached);
    } catch (error) {
      throw refusalOf(error, idToken);
    }
  }

  async #verifyWith(idToken: string, issuer: string, cached: CachedKeys): Promise<JWTPayload> {
    const now = this.#clock.now();
    const { payload } = await jwtVerify(idToken, cached.keys, {
      issuer,
      algorithms: ALGORITHMS,
      clockTolerance: CLOCK_TOLERANCE_S,
      currentDate: now,
      requiredClaims: ['exp'],
    });
    // jose checks `iat` only against a maximum age: one from the future is refused here.
    if (typeof payload.iat === 'number' && payload.iat * 1000 > now.getTime() + CLOCK_TOLERANCE_S * 1000)
      throw new ExchangeRefusal('expiry', 'the ID token was issued in the future (iat).');
    return payload;
  }

  /** Whether an unknown `kid` may fetch the issuer's JWKS again now; if so, counts it. */
  #mayRefetch(issuer: string): boolean {
    const now = this.#clock.now().getTime();
    const last = this.#lastRefetch.get(issuer);
    if (last !== undefined && now - last < this.#refetchIntervalMs) return false;
    this.#lastRefetch.set(issuer, now);
    return true;
  }

  /** The issuer's keys: cached for ten minutes, fetched again when stale or when `fresh`. */
  async #keysOf(issuer: string, fresh = false): Promise<CachedKeys> {
    const now = this.#clock.now().getTime();
    const cached = this.#cache.get(issuer);
    if (!fresh && cached !== undefined) {
      const keys = await cached.catch(() => undefined);
      if (keys !== undefined && now - keys.fetchedAt < this.#cacheMs) return keys;
    }
    const fetching = this.#fetchKeys(issuer, now);
    this.#cache.set(issuer, fetching);
    try {
      return await fetching;
    } catch (error) {
      // A failure is not kept: the next token tries again.
      if (this.#cache.get(issuer) === fetching) this.#cache.delete(issuer);
      throw error;
    }
  }

  /** OpenID Connect Discovery 1.0 §4: the document at the issuer's well-known URI names its JWKS. */
  async #fetchKeys(issuer: string, now: number): Promise<CachedKeys> {
    const fail = (what: string, cause?: unknown) =>
      new ExchangeRefusal('issuer', `the issuer's ${what} (${reason(cause)})`, { cause });
    let discovery: unknown;
    try {
      discovery = await fetchBoundedJson(
        `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
        this.#fetch,
      );
    } catch (error) {
      throw fail('discovery document cannot be fetched', error);
    }
    const document = (discovery ?? {}) as { issuer?: unknown; jwks_uri?: unknown };
    // OpenID Connect Discovery 1.0 §4.3: the document's issuer must be the one asked for.
    if (document.issuer !== issuer) throw fail('discovery document names another issuer');
    if (typeof document.jwks_uri !== 'string') throw fail('discovery document has no jwks_uri');
    let jwks: unknown;
    try {
      jwks = await fetchBoundedJson(document.jwks_uri, this.#fetch);
    } catch (error) {
      throw fail('JWKS cannot be fetched', error);
    }
    try {
      return { keys: createLocalJWKSet(jwks as JSONWebKeySet), fetchedAt: now };
    } catch (error) {
      throw fail('JWKS is not a JSON Web Key Set', error);
    }
  }
}

/** The `kid` of the ID token's header, printable and short, for a refusal's description. */
function kidOf(idToken: string): string {
  try {
    const { kid } = decodeProtectedHeader(idToken);
    return typeof kid === 'string' ? kid.replace(/[^\x20-\x7e]/g, '?').slice(0, 64) : '(none)';
  } catch {
    return '(none)';
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : 'unexpected content';
}

/** The check a `jose` error means (docs/workloads.md, "Refusals"). */
function refusalOf(error: unknown, idToken: string): Error {
  if (error instanceof ExchangeRefusal) return error;
  const refuse = (check: 'format' | 'signature' | 'expiry' | 'issuer', detail: string) =>
    new ExchangeRefusal(check, detail, { cause: error });
  if (error instanceof errors.JWTExpired) return refuse('expiry', 'the ID token has expired (exp).');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return refuse('expiry', 'the ID token is not valid yet (nbf).');
    if (error.claim === 'iat') return refuse('expiry', 'the ID token was issued in the future (iat).');
    if (error.claim === 'exp') return refuse('expiry', 'the ID token has no valid exp.');
    if (error.claim === 'iss') return refuse('issuer', "the ID token's iss is not the workload's issuer.");
    return refuse('format', `the ID token's ${error.claim} claim is malformed.`);
  }
  if (error instanceof errors.JWKSNoMatchingKey)
    return refuse(
      'signature',
      `no key with kid "${kidOf(idToken)}" in the issuer's JWKS, even fetched again.`,
    );
  if (error instanceof errors.JOSEAlgNotAllowed)
    return refuse('signature', 'the ID token is not signed with an asymmetric algorithm.');
  if (
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JWKSMultipleMatchingKeys
  )
    return refuse('signature', 'the ID token signature is not valid.');
  if (
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JOSENotSupported
  )
    return refuse('format', 'the subject token is not a valid signed JWT.');
  return error instanceof Error ? error : new Error(String(error));
}

import { createHash } from 'node:crypto';
import { ACCESS_TOKEN_TYPE, ID_TOKEN_TYPE } from '@skytells/contract';
import type { AuditLog } from '../audit.js';
import type { Clock } from '../clock.js';
import { OAuthError } from '../errors.js';
import type { RequestContext } from '../model.js';
import type { Stores, UnitOfWork } from '../ports.js';
import { ALL_SCOPES, hasScope, isScope, type Scope } from '../scopes.js';
import { type IssuedToken, tokenEventData, type TokenLifecycle } from '../token-lifecycle.js';
import { ExchangeRefusal, type IdTokenVerifier } from './id-token-verifier.js';
import { readUnverifiedClaims } from './jwt-claims.js';
import type { Workload } from './workload.js';
import { matchesClaim, matchesSubject } from './workload-rules.js';
import { numberedName, workloadTokenName } from './workload-token-name.js';

/** RFC 8693 §3: a JWT, accepted as the type of an ID token too. */
const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';

/** The clock skew allowed on `exp`: a replay key is kept until the ID token could no longer pass. */
const SKEW_MS = 60_000;

/** How often the keys of expired ID tokens are forgotten. */
const PURGE_INTERVAL_MS = 10 * 60_000;

/** Dependencies of {@link WorkloadExchange}. */
export interface WorkloadExchangeDeps {
  uow: UnitOfWork;
  clock: Clock;
  audit: AuditLog;
  /** Issues the token: the one owner of every token's lifecycle. */
  lifecycle: TokenLifecycle;
  verifier: IdTokenVerifier;
}

/** The parameters of a token exchange request (RFC 8693 §2.1), as sent. */
export interface ExchangeRequest {
  subjectToken?: string | undefined;
  subjectTokenType?: string | undefined;
  audience?: string | undefined;
  resource?: string | undefined;
  scope?: string | undefined;
  requestedTokenType?: string | undefined;
}

/**
 * RFC 8693 token exchange for trusted workloads (docs/workloads.md): a CI job's OIDC ID token for a
 * short-lived access token of the workload's account, each check refusing with `invalid_grant`
 * naming it, each ID token once.
 */
export class WorkloadExchange {
  readonly #deps: WorkloadExchangeDeps;
  #nextPurgeAt = 0;

  constructor(deps: WorkloadExchangeDeps) {
    this.#deps = deps;
  }

  /**
   * Exchanges the ID token in `request` for an access token of the workload it names.
   * @throws OAuthError `invalid_request` (a parameter missing or of another type), `invalid_target`
   * (no such workload, or a name several accounts' workloads share for this issuer and audience),
   * `invalid_grant` naming the check that failed, audited on the workload's account.
   */
  async exchange(request: ExchangeRequest, context: RequestContext): Promise<IssuedToken> {
    const { subjectToken } = request;
    if (subjectToken === undefined || subjectToken === '')
      throw new OAuthError('invalid_request', 'The subject_token parameter is missing.');
    if (request.subjectTokenType !== ID_TOKEN_TYPE && request.subjectTokenType !== JWT_TOKEN_TYPE)
      throw new OAuthError('invalid_request', `subject_token_type must be ${ID_TOKEN_TYPE}.`);
    if (request.requestedTokenType !== undefined && request.requestedTokenType !== ACCESS_TOKEN_TYPE)
      throw new OAuthError('invalid_request', `requested_token_type must be ${ACCESS_TOKEN_TYPE} or absent.`);
    const target = request.audience ?? request.resource;
    if (target === undefined || target === '')
      throw new OAuthError(
        'invalid_request',
        'Name the workload by its id or name in the audience parameter.',
      );

    const unverified = readUnverifiedClaims(subjectToken);
    const workload = await this.#findWorkload(target, unverified);
    try {
      if (unverified === undefined)
        throw new ExchangeRefusal('format', 'the subject token is not a signed JWT.');
      return await this.#exchangeFor(workload, subjectToken, unverified, request.scope, context);
    } catch (error) {
      if (!(error instanceof ExchangeRefusal)) throw error;
      // Never the ID token: the check and what it found are enough to investigate.
      await this.#deps.audit.record(this.#deps.uow.stores, {
        accountId: workload.accountId,
        action: 'workload.exchange_refused',
        actor: { type: 'anonymous', id: null },
        target: { type: 'workload', id: workload.id },
        context,
        details: { workload_id: workload.id, check: error.check, description: error.description },
      });
      throw new OAuthError('invalid_grant', error.description, { cause: error });
    }
  }

  /**
   * The workload `target` names: by id; else by name, alone of its name or alone among those that
   * trust the ID token's issuer and audience.
   */
  async #findWorkload(target: string, claims: Record<string, unknown> | undefined): Promise<Workload> {
    const { workloads } = this.#deps.uow.stores;
    const byId = await workloads.findAnyById(target);
    if (byId !== undefined) return byId;
    const named = await workloads.findAllByName(target);
    const trusting =
      named.length <= 1
        ? named
        : named.filter((w) => w.issuer === claims?.['iss'] && audiencesOf(claims).includes(w.audience));
    if (trusting.length === 1) return trusting[0]!;
    throw new OAuthError(
      'invalid_target',
      trusting.length === 0
        ? 'No workload has this id or name.'
        : 'Several accounts have a workload of this name for this issuer and audience: name it by its id.',
    );
  }

  async #exchangeFor(
    workload: Workload,
    idToken: string,
    unverified: Record<string, unknown>,
    scope: string | undefined,
    context: RequestContext,
  ): Promise<IssuedToken> {
    // Before any fetch: the workload's issuer alone is asked for keys.
    if (unverified['iss'] !== workload.issuer)
      throw new ExchangeRefusal('issuer', "the ID token's iss is not the workload's issuer.");
    const claims = await this.#deps.verifier.verify(idToken, workload.issuer);
    if (!audiencesOf(claims).includes(workload.audience))
      throw new ExchangeRefusal('audience', `the ID token's aud does not include "${workload.audience}".`);
    const subject = claims['sub'];
    if (typeof subject !== 'string' || !matchesSubject(workload.subject, subject))
      throw new ExchangeRefusal('subject', `the ID token's sub does not match "${workload.subject}".`);
    for (const [name, expected] of Object.entries(workload.claims)) {
      if (!(name in claims)) throw new ExchangeRefusal('claims', `the ID token has no "${name}" claim.`);
      if (!matchesClaim(claims[name], expected))
        throw new ExchangeRefusal('claims', `the ID token's "${name}" claim is not "${expected}".`);
    }
    const scopes = grantedScopes(workload, scope);
    const now = this.#deps.clock.now();
    const issued = await this.#deps.uow.transaction(async (stores) => {
      // A unique key in the database: a second exchange fails whichever process it reaches.
      if (!(await stores.workloads.recordExchange(replayKeyOf(idToken, claims), replayExpiryOf(claims, now))))
        throw new ExchangeRefusal('replay', 'this ID token was exchanged before; each exchanges once.');
      // After the replay check, as documented, and rolled back with it: a refused scope spends nothing.
      if (!Array.isArray(scopes)) throw scopes;
      return this.#issue(stores, { workload, claims, scopes, now, context });
    });
    await this.#purgeExpiredKeys(now);
    return issued;
  }

  async #issue(
    stores: Stores,
    spec: {
      workload: Workload;
      claims: Record<string, unknown>;
      scopes: Scope[];
      now: Date;
      context: RequestContext;
    },
  ): Promise<IssuedToken> {
    const { workload, claims, scopes, now } = spec;
    await stores.accounts.lock(workload.accountId);
    const base = workloadTokenName(workload, claims);
    let name = base;
    for (let n = 2; await stores.tokens.findActiveByName(workload.accountId, name, now); n++)
      name = numberedName(base, n);
    const expiresAt = new Date(now.getTime() + workload.ttlSeconds * 1000);
    const issued = await this.#deps.lifecycle.issueIn(stores, {
      accountId: workload.accountId,
      name,
      scopes,
      expiresAt,
      origin: 'workload',
      now,
      workloadId: workload.id,
      restrictions:
        workload.allowedIps === null
          ? null
          : { allowedIps: workload.allowedIps, rateLimit: null, projects: null },
    });
    await stores.workloads.markExchanged(workload.id, now);
    await this.#deps.audit.record(stores, {
      accountId: workload.accountId,
      action: 'token.created',
      actor: { type: 'workload', id: workload.id, label: workload.name },
      target: { type: 'token', id: issued.token.id },
      context: spec.context,
      details: {
        name,
        masked: issued.token.masked,
        scopes,
        expires_at: expiresAt.toISOString(),
        workload_id: workload.id,
        claims: matchedClaims(workload, claims),
      },
    });
    await this.#deps.lifecycle.publishIn(
      stores,
      workload.accountId,
      'token.created',
      tokenEventData(issued.token),
    );
    return issued;
  }

  /** Forgets the keys of ID tokens that can no longer pass, every ten minutes at most. */
  async #purgeExpiredKeys(now: Date): Promise<void> {
    if (now.getTime() < this.#nextPurgeAt) return;
    this.#nextPurgeAt = now.getTime() + PURGE_INTERVAL_MS;
    await this.#deps.uow.stores.workloads.deleteExpiredExchanges(now);
  }
}

/** The `aud` of an ID token as a list: a string or an array of strings (RFC 7519 §4.1.3). */
function audiencesOf(claims: Record<string, unknown> | undefined): string[] {
  const aud = claims?.['aud'];
  if (typeof aud === 'string') return [aud];
  return Array.isArray(aud) ? aud.filter((value): value is string => typeof value === 'string') : [];
}

/**
 * The scopes of the issued token: the workload's, or the narrower set `scope` asks for (a write the
 * workload grants covers its read); a refusal (returned, raised after the replay check) when it asks
 * for one the workload does not grant.
 */
function grantedScopes(workload: Workload, scope: string | undefined): Scope[] | ExchangeRefusal {
  if (scope === undefined || scope.trim() === '') return workload.scopes;
  const asked = scope.trim().split(/\s+/);
  const wider = asked.find((name) => !isScope(name) || !hasScope(workload.scopes, name));
  if (wider !== undefined)
    return new ExchangeRefusal('scope', `the workload does not grant "${wider.slice(0, 64)}".`);
  return ALL_SCOPES.filter((known) => asked.includes(known));
}

/** What identifies an ID token for replay: its issuer and `jti`, else a hash of the whole token. */
function replayKeyOf(idToken: string, claims: Record<string, unknown>): string {
  const jti = claims['jti'];
  if (typeof jti === 'string' && jti !== '') return `jti:${String(claims['iss'])} ${jti}`;
  return `sha256:${createHash('sha256').update(idToken).digest('base64url')}`;
}

/** Until when a replay must be refused: the ID token's expiry and the skew allowed on it. */
function replayExpiryOf(claims: Record<string, unknown>, now: Date): Date {
  const exp = claims['exp'];
  return new Date((typeof exp === 'number' ? exp * 1000 : now.getTime()) + SKEW_MS);
}

/** The claims that matched, for the audit log: `iss`, `sub`, `aud` and the required ones. */
function matchedClaims(workload: Workload, claims: Record<string, unknown>): Record<string, unknown> {
  const matched: Record<string, unknown> = { iss: claims['iss'], sub: claims['sub'], aud: workload.audience };
  for (const name of Object.keys(workload.claims)) matched[name] = claims[name];
  return matched;
}

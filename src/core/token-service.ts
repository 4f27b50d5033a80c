import { MAX_REVOKE_OLD_AFTER_SECONDS } from '@skytells/contract';
import type { AccountNotices } from './account-notices.js';
import type { AuditLog } from './audit.js';
import type { Clock } from './clock.js';
import { decodeCursor, toPage } from './cursor.js';
import { ApiError, invalidField } from './errors.js';
import type { KeyedHasher } from './keyed-hash.js';
import {
  type AccessToken,
  type Page,
  type RequestContext,
  type TokenOrigin,
  type TokenRestrictions,
  type TokenStatus,
  tokenStatus,
} from './model.js';
import type { Stores, UnitOfWork } from './ports.js';
import { actorOf, type Principal, scopesOf } from './principal.js';
import { assertRecentlyAuthenticated } from './reauthentication.js';
import { firstMissingScope, parseScopes } from './scopes.js';
import { isWellFormedToken } from './token-format.js';
import {
  assertWithinCaller,
  assertWithinPolicy,
  capToCaller,
  capToPolicy,
  type ExpirationInput,
  nameConflict,
  parseTokenName,
  resolveExpiry,
  successorName,
  type TokenPolicy,
} from './token-rules.js';
import {
  assertNarrower,
  parseRestrictions,
  resolveRestrictions,
  type RestrictionsInput,
} from './token-restrictions.js';
import { type IssuedToken, tokenEventData, type TokenLifecycle } from './token-lifecycle.js';

export type { IssuedToken } from './token-lifecycle.js';

/** Dependencies of {@link TokenService}. */
export interface TokenServiceDeps {
  uow: UnitOfWork;
  hasher: KeyedHasher;
  clock: Clock;
  audit: AuditLog;
  /** Issues, revokes and evicts: every change to a token goes through it. */
  lifecycle: TokenLifecycle;
  /** The instance's limits on token lifetimes. */
  policy: TokenPolicy;
  /** Account e-mail: the leaked-token notice. */
  notices: AccountNotices;
}

/** What a caller asks for when creating a token. */
export interface CreateTokenInput extends ExpirationInput, RestrictionsInput {
  name: string;
  scopes: string[];
}

/** What a caller may change when rotating a token; everything else is carried over. */
export interface RotateTokenInput extends ExpirationInput, RestrictionsInput {
  name?: string;
  scopes?: string[];
  /** Revoke the replaced token this many seconds from now (0: at once); absent: keep it. */
  revokeOldAfterSeconds?: number;
  /** Revoke the replaced token at the replacement's first successful use; not with a delay. */
  revokeOldOnFirstUse?: boolean;
}

/** Longest delay for revoking a replaced token: one week. */
export const MAX_REVOKE_DELAY_SECONDS = MAX_REVOKE_OLD_AFTER_SECONDS;

/** Creation, listing, inspection, revocation and rotation of access tokens. */
export class TokenService {
  readonly #deps: TokenServiceDeps;

  constructor(deps: TokenServiceDeps) {
    this.#deps = deps;
  }

  /**
   * Issues a new token for the caller's account. A token caller's restrictions bound the new
   * token's (docs/tokens.md, "Rotation and creation keep or narrow").
   * @throws ApiError `validation_failed` (also a token caller widening or dropping a restriction), `policy_violation` (a lifetime the instance does not allow),
   * `insufficient_scope` (a token granting a scope it lacks), `lifetime_exceeds_caller` (a token
   * creating one that outlives it), `name_conflict`, `reauth_required` (a console session creating a
   * token that never expires without a recent sign-in or re-authentication).
   */
  async create(principal: Principal, input: CreateTokenInput, context: RequestContext): Promise<IssuedToken> {
    const now = this.#deps.clock.now();
    const name = parseTokenName(input.name);
    const scopes = parseScopes(input.scopes);
    const expiresAt = resolveExpiry(input, now) ?? null;
    assertWithinPolicy(expiresAt, now, this.#deps.policy);
    assertCanGrant(principal, scopes);
    assertWithinCaller(expiresAt, callerExpiryOf(principal));
    // A token caller's absent restrictions are its own, and null (none) is wider than any of them: a
    // restricted token never mints a freer one. A session's null is simply none.
    const callerRestrictions = callerRestrictionsOf(principal);
    const restrictions = resolveRestrictions(parseRestrictions(input), callerRestrictions);
    assertNarrower(restrictions, callerRestrictions, 'the calling token');
    // A token that never expires outlives any later password change: the console confirms the owner.
    if (expiresAt === null) assertRecentlyAuthenticated(principal, now);
    const origin: TokenOrigin = principal.kind === 'session' ? 'console' : 'api';

    return this.#deps.lifecycle.change(async (changes) => {
      const { stores } = changes;
      await stores.accounts.lock(principal.accountId);
      if (await stores.tokens.findActiveByName(principal.accountId, name, now)) throw nameConflict(name);
      const issued = await changes.issue({
        accountId: principal.accountId,
        name,
        scopes,
        expiresAt,
        origin,
        now,
        restrictions,
      });
      await this.#deps.audit.record(stores, {
        accountId: principal.accountId,
        action: 'token.created',
        actor: actorOf(principal),
        target: { type: 'token', id: issued.token.id },
        context,
        details: {
          name,
          masked: issued.token.masked,
          scopes,
          expires_at: expiresAt?.toISOString() ?? null,
          ...restrictionDetails(restrictions),
        },
      });
      await changes.publish(principal.accountId, 'token.created', tokenEventData(issued.token));
      return issued;
    });
  }

  /**
   * The account's tokens with `status`, newest first.
   * @throws ApiError `invalid_cursor`.
   */
  async list(
    accountId: string,
    options: { status: TokenStatus | 'all'; cursor?: string; limit: number },
  ): Promise<Page<AccessToken>> {
    const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    const rows = await this.#deps.uow.stores.tokens.list(
      accountId,
      { status: options.status, now: this.#deps.clock.now() },
      { ...(after === undefined ? {} : { after }), limit: options.limit + 1 },
    );
    const page = toPage(rows, options.limit, (token) => token);
    return { ...page, items: page.items.map((token) => this.#deps.lifecycle.present(token)) };
  }

  /**
   * The account's token `id`.
   * @throws ApiError `not_found`, also for another account's token.
   */
  async get(accountId: string, id: string): Promise<AccessToken> {
    const token = await this.#deps.uow.stores.tokens.findById(accountId, id);
    if (token === undefined) throw notFound();
    return this.#deps.lifecycle.present(token);
  }

  /**
   * Revokes the account's token `id` at once. Revoking a revoked token succeeds and changes nothing.
   * @throws ApiError `not_found`.
   */
  async revoke(principal: Principal, id: string, context: RequestContext): Promise<void> {
    await this.#deps.lifecycle.change(async (changes) => {
      const token = await changes.stores.tokens.findById(principal.accountId, id);
      if (token === undefined) throw notFound();
      await changes.revoke(token, { reason: 'revoked', actor: actorOf(principal), context });
    });
  }

  /**
   * Issues a replacement for token `id` with the same or fewer scopes, and optionally schedules the
   * old token's revocation: after a delay, or at the replacement's first successful use. Without a stated expiry the replacement gets the old token's lifetime
   * counted from now, cut to the instance's longest lifetime and to the caller's own expiry. Each
   * restriction left out is the old token's; a null one is dropped.
   * @throws ApiError `not_found`, `token_not_active`, `validation_failed` (scopes not a subset, bad
   * expiry or delay, a delay together with revocation on first use, a token caller widening or
   * dropping a restriction), `policy_violation` and `lifetime_exceeds_caller` (for a stated expiry, as in
   * {@link create}), `insufficient_scope`, `name_conflict`, `reauth_required` (as in {@link create},
   * when the replacement would never expire).
   */
  async rotate(
    principal: Principal,
    id: string,
    input: RotateTokenInput,
    context: RequestContext,
  ): Promise<IssuedToken> {
    const now = this.#deps.clock.now();
    const delay = input.revokeOldAfterSeconds;
    if (delay !== undefined && (!Number.isInteger(delay) || delay < 0 || delay > MAX_REVOKE_DELAY_SECONDS)) {
      throw invalidField(
        'revoke_old_after_seconds',
        `must be a whole number from 0 to ${MAX_REVOKE_DELAY_SECONDS}`,
      );
    }
    const onFirstUse = input.revokeOldOnFirstUse === true;
    if (onFirstUse && delay !== undefined) {
      throw invalidField('revoke_old_on_first_use', 'cannot be combined with revoke_old_after_seconds');
    }
    const requestedName = input.name === undefined ? undefined : parseTokenName(input.name);
    const requestedScopes = input.scopes === undefined ? undefined : parseScopes(input.scopes);
    const requestedExpiry = resolveExpiry(input, now, true);
    const requestedRestrictions = parseRestrictions(input);
    const callerExpiry = callerExpiryOf(principal);
    if (requestedExpiry !== undefined) {
      assertWithinPolicy(requestedExpiry, now, this.#deps.policy);
      assertWithinCaller(requestedExpiry, callerExpiry);
    }

    return this.#deps.lifecycle.change(async (changes) => {
      const { stores } = changes;
      await stores.accounts.lock(principal.accountId);
      const old = await stores.tokens.findById(principal.accountId, id);
      if (old === undefined) throw notFound();
      if (tokenStatus(old, now) !== 'active' || old.replacedBy !== null) {
        throw new ApiError('token_not_active', {
          detail: 'Only an active token that was not yet replaced can be rotated.',
        });
      }
      const scopes = requestedScopes ?? old.scopes;
      const outside = firstMissingScope(old.scopes, scopes);
      if (outside !== undefined) {
        throw invalidField('scopes', `must be a subset of the replaced token's scopes; "${outside}" is not`);
      }
      assertCanGrant(principal, scopes);
      // Absent parts are the old token's; a token caller may only keep or narrow them (null, none, is
      // wider), a console session may set anything, null included.
      const restrictions = resolveRestrictions(requestedRestrictions, old.restrictions);
      if (principal.kind !== 'session') {
        assertNarrower(restrictions, old.restrictions, 'the replaced token');
        assertNarrower(restrictions, callerRestrictionsOf(principal), 'the calling token');
      }
      const name =
        requestedName ?? (await this.#freeSuccessorName(stores, principal.accountId, old.name, now));
      if (await stores.tokens.findActiveByName(principal.accountId, name, now)) throw nameConflict(name);
      // Absent an expiry, the replacement gets the old token's lifetime, counted from now, within
      // the policy and never past the caller's own expiry.
      const inherited =
        old.expiresAt === null
          ? null
          : new Date(now.getTime() + (old.expiresAt.getTime() - old.createdAt.getTime()));
      const expiresAt =
        requestedExpiry !== undefined
          ? requestedExpiry
          : capToCaller(capToPolicy(inherited, now, this.#deps.policy), callerExpiry);
      if (expiresAt === null) assertRecentlyAuthenticated(principal, now);
      const origin: TokenOrigin = principal.kind === 'session' ? 'console' : 'api';
      const fresh = await changes.issue({
        accountId: principal.accountId,
        name,
        scopes,
        expiresAt,
        origin,
        now,
        replaces: old.id,
        restrictions,
      });
      const revokeAt = delay === undefined ? null : new Date(now.getTime() + delay * 1000);
      await changes.replace(old, fresh.token.id, onFirstUse ? 'first_use' : revokeAt);
      await this.#deps.audit.record(stores, {
        accountId: principal.accountId,
        action: 'token.rotated',
        actor: actorOf(principal),
        target: { type: 'token', id: old.id },
        context,
        details: {
          replaced_by: fresh.token.id,
          masked: old.masked,
          new_masked: fresh.token.masked,
          scopes,
          old_revoked_at: revokeAt?.toISOString() ?? null,
          ...restrictionDetails(restrictions),
          revoke_old_on_first_use: onFirstUse,
        },
      });
      await changes.publish(principal.accountId, 'token.rotated', {
        ...tokenEventData(old),
        replaced_by: fresh.token.id,
        new_masked: fresh.token.masked,
        new_scopes: scopes,
        old_revoked_at: revokeAt?.toISOString() ?? null,
      });
      return fresh;
    });
  }

  /**
   * Revokes every active token among `values`, whoever holds them: anyone who finds a leaked token
   * may kill it. Values that are malformed, unknown or already inactive are skipped.
   * @returns how many tokens were revoked.
   */
  async revokeLeaked(values: readonly string[], context: RequestContext): Promise<number> {
    const now = this.#deps.clock.now();
    const hashes = new Set(
      values.filter(isWellFormedToken).map((value) => this.#deps.hasher.hash('token-hash', value)),
    );
    let revoked = 0;
    for (const hash of hashes) {
      const token = await this.#deps.uow.stores.tokens.findByHash(hash);
      if (token === undefined || tokenStatus(token, now) !== 'active') continue;
      const actor = { type: 'anonymous', id: null } as const;
      const changed = await this.#deps.lifecycle.change(async (changes) => {
        if (!(await changes.revoke(token, { reason: 'leaked', actor, context }))) return false;
        // The owner's notice: shown in the audit log and the console.
        await this.#deps.audit.record(changes.stores, {
          accountId: token.accountId,
          action: 'token.leak_reported',
          actor,
          target: { type: 'token', id: token.id },
          context,
          details: { name: token.name, masked: token.masked, reason: 'leaked' },
        });
        await changes.publish(token.accountId, 'token.leak_reported', tokenEventData(token));
        await this.#deps.notices.toOwnerOf(changes.stores, token.accountId, (account) =>
          this.#deps.notices.tokenLeaked(changes.stores, account, token, context),
        );
        return true;
      });
      if (changed) revoked += 1;
    }
    return revoked;
  }

  /** `token` as a reader should see it now: with last-use data not yet written applied. */
  present(token: AccessToken): AccessToken {
    return this.#deps.lifecycle.present(token);
  }

  async #freeSuccessorName(stores: Stores, accountId: string, name: string, now: Date): Promise<string> {
    let candidate = successorName(name);
    for (let i = 0; i < 20 && (await stores.tokens.findActiveByName(accountId, candidate, now)); i++) {
      candidate = successorName(candidate);
    }
    return candidate;
  }
}

/** The expiry a caller's creations may not pass: a token's own; null for a session or a token without one. */
function callerExpiryOf(principal: Principal): Date | null {
  return principal.kind === 'token' ? principal.token.expiresAt : null;
}

/** The restrictions a caller's creations may not widen: a token's own; null for a session. */
function callerRestrictionsOf(principal: Principal): TokenRestrictions | null {
  return principal.kind === 'token' ? principal.token.restrictions : null;
}

/** A token's restrictions for its audit event's details; nothing when it has none. */
function restrictionDetails(restrictions: TokenRestrictions | null): Record<string, unknown> {
  if (restrictions === null) return {};
  return {
    allowed_ips: restrictions.allowedIps,
    rate_limit:
      restrictions.rateLimit === null
        ? null
        : { requests: restrictions.rateLimit.requests, per_seconds: restrictions.rateLimit.perSeconds },
    projects: restrictions.projects,
  };
}

/** A token caller cannot hand out more than it holds. */
/**
 * Refuses to give away a scope the caller does not hold: a token may hand on only its own scopes.
 * @throws ApiError `insufficient_scope` naming the first scope it lacks.
 */
export function assertCanGrant(principal: Principal, scopes: AccessToken['scopes']): void {
  const missing = firstMissingScope(scopesOf(principal), scopes);
  if (missing !== undefined) {
    throw new ApiError('insufficient_scope', {
      detail: `This token cannot grant "${missing}", a scope it does not hold.`,
      scope: missing,
    });
  }
}

function notFound(): ApiError {
  return new ApiError('not_found', { detail: 'No such token.' });
}

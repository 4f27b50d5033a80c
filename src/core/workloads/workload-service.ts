import {
  type CreateWorkloadBody,
  MAX_WORKLOAD_TTL_SECONDS,
  MIN_WORKLOAD_TTL_SECONDS,
} from '@skytells/contract';
import type { AuditLog } from '../audit.js';
import type { Clock } from '../clock.js';
import { decodeCursor, toPage } from '../cursor.js';
import { ApiError, invalidField, OAuthError } from '../errors.js';
import type { Page, RequestContext } from '../model.js';
import { DuplicateError, type UnitOfWork } from '../ports.js';
import { actorOf, type Principal } from '../principal.js';
import { newId, type Random } from '../random.js';
import { assertRecentlyAuthenticated } from '../reauthentication.js';
import { parseScopes } from '../scopes.js';
import { assertNarrower, parseRestrictions } from '../token-restrictions.js';
import { assertCanGrant } from '../token-service.js';
import type { Workload } from './workload.js';
import {
  parseIssuer,
  parseRequiredClaims,
  parseSubjectPattern,
  parseWorkloadName,
} from './workload-rules.js';

/** Dependencies of {@link WorkloadService}. */
export interface WorkloadServiceDeps {
  uow: UnitOfWork;
  clock: Clock;
  random: Random;
  audit: AuditLog;
  /** `SKYTELLS_WORKLOAD_ALLOW_INSECURE_ISSUER`: accept `http://` issuers on loopback. */
  allowInsecureIssuer: boolean;
}

/** Trusting, listing and no longer trusting an account's workloads (docs/workloads.md). */
export class WorkloadService {
  readonly #deps: WorkloadServiceDeps;

  constructor(deps: WorkloadServiceDeps) {
    this.#deps = deps;
  }

  /**
   * Trusts a workload for the caller's account and records `workload.created`.
   * @throws ApiError `validation_failed` naming the field, `insufficient_scope` (a token granting a
   * scope it lacks), `reauth_required` (a console session without a recent sign-in or
   * re-authentication), `name_conflict`.
   */
  async create(principal: Principal, input: CreateWorkloadBody, context: RequestContext): Promise<Workload> {
    const now = this.#deps.clock.now();
    const name = parseWorkloadName(input.name);
    const issuer = parseIssuer(input.issuer, this.#deps.allowInsecureIssuer);
    const audience = input.audience.trim();
    if (audience === '') throw invalidField('audience', 'must not be empty');
    const subject = parseSubjectPattern(input.subject);
    const claims = parseRequiredClaims(input.claims);
    const scopes = parseScopes(input.scopes);
    const allowedIps = boundedAllowedIps(principal, input.allowed_ips);
    const ttl = input.ttl_seconds;
    if (!Number.isInteger(ttl) || ttl < MIN_WORKLOAD_TTL_SECONDS || ttl > MAX_WORKLOAD_TTL_SECONDS) {
      throw invalidField(
        'ttl_seconds',
        `must be a whole number from ${MIN_WORKLOAD_TTL_SECONDS} to ${MAX_WORKLOAD_TTL_SECONDS}`,
      );
    }
    assertCanGrant(principal, scopes);
    // A workload mints tokens without anyone present: the console confirms the owner first.
    assertRecentlyAuthenticated(principal, now);

    const workload: Workload = {
      id: newId('wl', this.#deps.random, now),
      accountId: principal.accountId,
      name,
      issuer,
      audience,
      subject,
      claims,
      scopes,
      allowedIps,
      ttlSeconds: ttl,
      createdAt: now,
      lastExchangedAt: null,
    };
    try {
      await this.#deps.uow.transaction(async (stores) => {
        await stores.workloads.insert(workload);
        await this.#deps.audit.record(stores, {
          accountId: principal.accountId,
          action: 'workload.created',
          actor: actorOf(principal),
          target: { type: 'workload', id: workload.id },
          context,
          details: {
            name,
            issuer,
            audience,
            subject,
            claims,
            scopes,
            allowed_ips: allowedIps,
            ttl_seconds: ttl,
          },
        });
      });
    } catch (error) {
      if (error instanceof DuplicateError) {
        throw new ApiError('name_conflict', { detail: `A workload is already named "${name}".` });
      }
      throw error;
    }
    return workload;
  }

  /**
   * The account's workloads, newest first.
   * @throws ApiError `invalid_cursor`.
   */
  async list(accountId: string, options: { cursor?: string; limit: number }): Promise<Page<Workload>> {
    const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    const rows = await this.#deps.uow.stores.workloads.list(accountId, {
      ...(after === undefined ? {} : { after }),
      limit: options.limit + 1,
    });
    return toPage(rows, options.limit, (workload) => workload);
  }

  /**
   * The account's workload `id`.
   * @throws ApiError `not_found`, also for another account's workload.
   */
  async get(accountId: string, id: string): Promise<Workload> {
    const workload = await this.#deps.uow.stores.workloads.findById(accountId, id);
    if (workload === undefined) throw notFound();
    return workload;
  }

  /**
   * Stops trusting the account's workload `id` at once and records `workload.deleted`; the tokens it
   * issued stay until they expire or are revoked.
   * @throws ApiError `not_found`, also for another account's workload.
   */
  async delete(principal: Principal, id: string, context: RequestContext): Promise<void> {
    await this.#deps.uow.transaction(async (stores) => {
      const workload = await stores.workloads.findById(principal.accountId, id);
      if (workload === undefined || !(await stores.workloads.delete(principal.accountId, id)))
        throw notFound();
      await this.#deps.audit.record(stores, {
        accountId: principal.accountId,
        action: 'workload.deleted',
        actor: actorOf(principal),
        target: { type: 'workload', id },
        context,
        details: { name: workload.name, issuer: workload.issuer },
      });
    });
  }

  /**
   * The workload a job names, by id or by name, of whichever account: what the job needs to ask its
   * CI for an ID token (`GET /oauth/workloads/{workload}`).
   * @throws OAuthError `invalid_target` when none, or when several accounts have a workload of that name.
   */
  async lookup(idOrName: string): Promise<Workload> {
    const { workloads } = this.#deps.uow.stores;
    const byId = await workloads.findAnyById(idOrName);
    if (byId !== undefined) return byId;
    const named = await workloads.findAllByName(idOrName);
    if (named.length === 1) return named[0]!;
    throw new OAuthError(
      'invalid_target',
      named.length === 0
        ? 'No workload has this id or name.'
        : 'Several accounts have a workload of this name: name it by its id.',
    );
  }
}

function notFound(): ApiError {
  return new ApiError('not_found', { detail: 'No such workload.' });
}

/**
 * The addresses a new workload's tokens may be used from. A token that trusts a workload cannot make it
 * freer than itself: its own `allowed_ips` hold when none are given, given ones must lie within them,
 * and a token limited by rate or to projects, which a workload's tokens cannot carry, is refused.
 * @throws ApiError `validation_failed` naming the field.
 */
function boundedAllowedIps(principal: Principal, requested: string[] | undefined): string[] | null {
  const allowedIps =
    requested === undefined ? null : (parseRestrictions({ allowedIps: requested }).allowedIps ?? null);
  const bound = principal.kind === 'token' ? principal.token.restrictions : null;
  if (bound === null) return allowedIps;
  if (bound.rateLimit !== null || bound.projects !== null) {
    throw invalidField(
      'scopes',
      'a token limited by rate_limit or projects cannot trust a workload, whose tokens carry neither: use the console or an unrestricted token',
    );
  }
  const resolved = allowedIps ?? bound.allowedIps;
  assertNarrower({ allowedIps: resolved, rateLimit: null, projects: null }, bound, 'the calling token');
  return resolved;
}

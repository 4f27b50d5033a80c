import { ALL_SCOPES, minimalScopes } from '@skytells/contract';
import type { Clock } from './clock.js';
import { ApiError, invalidField } from './errors.js';
import type { TokenUsageCount, TokenUsageStore, UnitOfWork } from './ports.js';
import { isScope, type Scope } from './scopes.js';
import { type TokenUsageRecorder, utcDay } from './token-usage-recorder.js';

/** Longest and default window of a usage report, in days. */
export const MAX_USAGE_DAYS = 90;
export const DEFAULT_USAGE_DAYS = 30;

const DAY_MS = 86_400_000;

/** What a token did in a window of days, from recorded use. */
export interface TokenUsageReport {
  windowDays: number;
  /** Successful requests in the window. */
  requests: number;
  /** Scopes those requests exercised, in catalogue order. */
  scopesUsed: Scope[];
  /** Scopes the token holds but never exercised. */
  unusedScopes: Scope[];
  /** The narrowest set that would have served every request: a write covers its read. */
  suggestedScopes: Scope[];
  /** Where the requests came from, most requests first. */
  ips: { ip: string; requests: number; lastAt: Date }[];
}

/** Dependencies of {@link TokenUsageReports}. */
export interface TokenUsageReportsDeps {
  uow: UnitOfWork;
  clock: Clock;
  store: Pick<TokenUsageStore, 'list'>;
  /** Counts not yet flushed, included in every report. */
  recorder: Pick<TokenUsageRecorder, 'pending'>;
}

/** Reports on what a token actually did, so its owner can narrow its scopes (docs/tokens.md, "Usage"). */
export class TokenUsageReports {
  readonly #deps: TokenUsageReportsDeps;

  constructor(deps: TokenUsageReportsDeps) {
    this.#deps = deps;
  }

  /**
   * The usage of the account's token `id` over the last `days` UTC days, today included: stored
   * counts and those not yet flushed.
   * @throws ApiError `not_found` (no such token in the account), `validation_failed` (days not 1 to 90).
   */
  async report(accountId: string, id: string, days = DEFAULT_USAGE_DAYS): Promise<TokenUsageReport> {
    if (!Number.isInteger(days) || days < 1 || days > MAX_USAGE_DAYS) {
      throw invalidField('days', `must be a whole number from 1 to ${MAX_USAGE_DAYS}`);
    }
    const token = await this.#deps.uow.stores.tokens.findById(accountId, id);
    if (token === undefined) throw new ApiError('not_found', { detail: 'No such token.' });
    const since = utcDay(new Date(this.#deps.clock.now().getTime() - (days - 1) * DAY_MS));
    const stored = await this.#deps.store.list(id, since);
    const pending = this.#deps.recorder.pending(id).filter((count) => count.day >= since);
    return summarize([...stored, ...pending], token.scopes, days);
  }
}

/** The report of `counts` for a token holding `held`. */
export function summarize(
  counts: readonly TokenUsageCount[],
  held: readonly Scope[],
  windowDays: number,
): TokenUsageReport {
  const used = new Set<Scope>();
  const byIp = new Map<string, { ip: string; requests: number; lastAt: Date }>();
  let requests = 0;
  for (const count of counts) {
    requests += count.requests;
    if (count.scope !== null && isScope(count.scope)) used.add(count.scope);
    const ip = byIp.get(count.ip);
    if (ip === undefined)
      byIp.set(count.ip, { ip: count.ip, requests: count.requests, lastAt: count.lastAt });
    else {
      ip.requests += count.requests;
      if (count.lastAt > ip.lastAt) ip.lastAt = count.lastAt;
    }
  }
  return {
    windowDays,
    requests,
    scopesUsed: ALL_SCOPES.filter((scope) => used.has(scope)),
    unusedScopes: ALL_SCOPES.filter((scope) => held.includes(scope) && !used.has(scope)),
    suggestedScopes: minimalScopes(used),
    ips: [...byIp.values()].sort(
      (a, b) => b.requests - a.requests || b.lastAt.getTime() - a.lastAt.getTime() || (a.ip < b.ip ? -1 : 1),
    ),
  };
}

import type {
  Account as AccountJson,
  ApiKey as ApiKeyJson,
  AuditEvent as AuditEventJson,
  Billing as BillingJson,
  Deployment as DeploymentJson,
  Project as ProjectJson,
  Token as TokenJson,
  TokenUsage as TokenUsageJson,
} from '@skytells/contract';
import type { InferenceTotals, InferenceUsage } from '../../core/inference/inference-ports.js';
import type { AccessToken, Account, ApiKey, AuditEvent, Deployment, Project } from '../../core/model.js';
import { tokenStatus } from '../../core/model.js';
import type { TokenUsageReport } from '../../core/token-usage-reports.js';
import { isoTime } from './iso-time.js';

/** Mappers from core's camelCase objects to the contract's snake_case wire shapes. */

/** The page size of a listing request: its `limit` (an integer, 1 to 100, by its schema) or 50. */
export function pageLimit(limit: number | undefined): number {
  return limit ?? 50;
}

const iso = isoTime;
const isoOrNull = (date: Date | null) => (date === null ? null : isoTime(date));

/** A token's usage report as the contract's `TokenUsage` object. */
export function tokenUsageJson(report: TokenUsageReport): TokenUsageJson {
  return {
    window_days: report.windowDays,
    requests: report.requests,
    scopes_used: report.scopesUsed,
    unused_scopes: report.unusedScopes,
    suggested_scopes: report.suggestedScopes,
    ips: report.ips.map((ip) => ({ ip: ip.ip, requests: ip.requests, last_at: iso(ip.lastAt) })),
  };
}

/** A token as the contract's `Token` object, its status taken at `now`. */
export function tokenJson(token: AccessToken, now: Date): TokenJson {
  return {
    id: token.id,
    name: token.name,
    masked: token.masked,
    scopes: token.scopes,
    status: tokenStatus(token, now),
    created_at: iso(token.createdAt),
    expires_at: isoOrNull(token.expiresAt),
    last_used_at: isoOrNull(token.lastUsedAt),
    last_used_ip: token.lastUsedIp,
    last_used_user_agent: token.lastUsedUserAgent,
    revoked_at: isoOrNull(token.revokedAt),
    created_via: token.createdVia,
    client_id: token.clientId,
    workload_id: token.workloadId,
    replaces: token.replaces,
    replaced_by: token.replacedBy,
    revoke_on_first_use_of: token.revokeOnFirstUseOf,
    allowed_ips: token.restrictions?.allowedIps ?? null,
    rate_limit:
      token.restrictions?.rateLimit == null
        ? null
        : {
            requests: token.restrictions.rateLimit.requests,
            per_seconds: token.restrictions.rateLimit.perSeconds,
          },
    projects: token.restrictions?.projects ?? null,
  };
}

/** An API key as the contract's `ApiKey` object, its status taken at `now`; never its value. */
export function apiKeyJson(key: ApiKey, now: Date): ApiKeyJson {
  return {
    id: key.id,
    name: key.name,
    masked: key.masked,
    status: tokenStatus(key, now),
    created_at: iso(key.createdAt),
    expires_at: isoOrNull(key.expiresAt),
    last_used_at: isoOrNull(key.lastUsedAt),
    last_used_ip: key.lastUsedIp,
    revoked_at: isoOrNull(key.revokedAt),
    replaces: key.replaces,
    replaced_by: key.replacedBy,
  };
}

export function accountJson(account: Account): AccountJson {
  return { id: account.id, email: account.email, name: account.name, created_at: iso(account.createdAt) };
}

export function auditEventJson(event: AuditEvent): AuditEventJson {
  return {
    id: event.id,
    at: iso(event.at),
    action: event.action,
    actor: event.actor,
    target: event.target,
    ip: event.ip,
    user_agent: event.userAgent,
    details: event.details,
  };
}

export function projectJson(project: Project): ProjectJson {
  return { id: project.id, name: project.name, created_at: iso(project.createdAt) };
}

export function deploymentJson(deployment: Deployment): DeploymentJson {
  return {
    id: deployment.id,
    project_id: deployment.projectId,
    environment: deployment.environment,
    ref: deployment.ref,
    status: deployment.status,
    created_at: iso(deployment.createdAt),
  };
}

function inferenceTotalsJson(totals: InferenceTotals) {
  return {
    requests: totals.requests,
    prompt_tokens: totals.promptTokens,
    completion_tokens: totals.completionTokens,
  };
}

export function inferenceUsageJson(usage: InferenceUsage): BillingJson['inference'] {
  return {
    by_provider: usage.byProvider.map((row) => ({ provider: row.provider, ...inferenceTotalsJson(row) })),
    by_api_key: usage.byApiKey.map((row) => ({
      api_key_id: row.apiKeyId,
      name: row.name,
      masked: row.masked,
      ...inferenceTotalsJson(row),
    })),
  };
}

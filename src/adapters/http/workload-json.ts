import type { Workload as WorkloadJson, WorkloadLookup } from '@skytells/contract';
import type { Workload } from '../../core/workloads/workload.js';
import { isoTime } from './iso-time.js';

/** A workload as the contract's `Workload` object. */
export function workloadJson(workload: Workload): WorkloadJson {
  return {
    id: workload.id,
    name: workload.name,
    issuer: workload.issuer,
    audience: workload.audience,
    subject: workload.subject,
    claims: workload.claims,
    scopes: workload.scopes,
    allowed_ips: workload.allowedIps,
    ttl_seconds: workload.ttlSeconds,
    created_at: isoTime(workload.createdAt),
    last_exchanged_at: workload.lastExchangedAt === null ? null : isoTime(workload.lastExchangedAt),
  };
}

/** The public facts of a workload, as `GET /oauth/workloads/{workload}` answers. */
export function workloadLookupJson(workload: Workload): WorkloadLookup {
  return { id: workload.id, name: workload.name, issuer: workload.issuer, audience: workload.audience };
}

import { credential, type Operation, PUBLIC } from '../operation.js';
import { IdParams, PageSchema } from '../schemas/common.js';
import {
  CreateWorkloadBody,
  WorkloadLookupParams,
  WorkloadLookupSchema,
  WorkloadSchema,
} from '../schemas/workloads.js';

/** Trusted workloads: CI jobs that exchange their OIDC ID token for a short-lived access token. */
export const workloadsOperations = {
  listWorkloads: {
    method: 'GET',
    path: '/v1/workloads',
    summary: "The account's trusted workloads",
    tag: 'workloads',
    auth: credential('workloads:read'),
    responses: { 200: PageSchema(WorkloadSchema) },
  },
  createWorkload: {
    method: 'POST',
    path: '/v1/workloads',
    summary: 'Trust a workload; a console session must have re-authenticated',
    tag: 'workloads',
    auth: credential('workloads:write'),
    body: CreateWorkloadBody,
    responses: { 201: WorkloadSchema },
    errors: ['reauth_required', 'name_conflict'],
  },
  getWorkload: {
    method: 'GET',
    path: '/v1/workloads/{id}',
    summary: 'One trusted workload',
    tag: 'workloads',
    auth: credential('workloads:read'),
    params: IdParams,
    responses: { 200: WorkloadSchema },
    errors: ['not_found'],
  },
  deleteWorkload: {
    method: 'DELETE',
    path: '/v1/workloads/{id}',
    summary: 'Stop trusting a workload; tokens it issued stay until they expire or are revoked',
    tag: 'workloads',
    auth: credential('workloads:write'),
    params: IdParams,
    responses: { 204: null },
    errors: ['not_found'],
  },
  lookupWorkload: {
    method: 'GET',
    path: '/oauth/workloads/{workload}',
    summary: "A workload's issuer and audience, by id or name: what a job asks its CI for",
    tag: 'oauth',
    auth: PUBLIC,
    params: WorkloadLookupParams,
    oauthErrors: true,
    responses: { 200: WorkloadLookupSchema },
  },
} as const satisfies Record<string, Operation>;

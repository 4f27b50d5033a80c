import { type Operation, PUBLIC } from '../operation.js';
import { HealthSchema, OpenApiDocumentSchema, ReadySchema } from '../schemas/ops.js';

/** Liveness, readiness, metrics and this description of the API. */
export const opsOperations = {
  getHealth: {
    method: 'GET',
    path: '/healthz',
    summary: 'Liveness: the process answers',
    tag: 'operations',
    auth: PUBLIC,
    responses: { 200: HealthSchema },
  },
  getReadiness: {
    method: 'GET',
    path: '/readyz',
    summary: 'Readiness: the database answers',
    tag: 'operations',
    auth: PUBLIC,
    responses: { 200: ReadySchema },
    errors: ['database_unavailable'],
  },
  getMetrics: {
    method: 'GET',
    path: '/metrics',
    summary: 'Prometheus metrics, text exposition format',
    tag: 'operations',
    auth: PUBLIC,
    responses: { 200: 'text' },
  },
  getOpenApiDocument: {
    method: 'GET',
    path: '/openapi.json',
    summary: 'This description of the API (OpenAPI 3.1), generated from the contract',
    tag: 'operations',
    auth: PUBLIC,
    responses: { 200: OpenApiDocumentSchema },
  },
} as const satisfies Record<string, Operation>;

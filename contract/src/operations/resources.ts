import { Type } from '@sinclair/typebox';
import { credential, type Operation } from '../operation.js';
import { AuditEventSchema, AuditQuery } from '../schemas/audit.js';
import { IdParams, PageQuery, PageSchema } from '../schemas/common.js';
import {
  BillingSchema,
  CreateDeploymentBody,
  CreateProjectBody,
  DeploymentSchema,
  ProjectSchema,
} from '../schemas/projects.js';

const Paging = Type.Object({ ...PageQuery }, { additionalProperties: false });

/** The audit log and the resources the scopes protect: projects, deployments, billing. */
export const resourcesOperations = {
  listAuditEvents: {
    method: 'GET',
    path: '/v1/audit',
    summary: 'The audit log, newest first',
    tag: 'audit',
    auth: credential('audit:read'),
    query: AuditQuery,
    responses: { 200: PageSchema(AuditEventSchema) },
    errors: ['invalid_cursor'],
  },
  listProjects: {
    method: 'GET',
    path: '/v1/projects',
    summary: 'List projects',
    tag: 'projects',
    auth: credential('projects:read'),
    query: Paging,
    responses: { 200: PageSchema(ProjectSchema) },
    errors: ['invalid_cursor'],
  },
  createProject: {
    method: 'POST',
    path: '/v1/projects',
    summary: 'Create a project',
    tag: 'projects',
    auth: credential('projects:write'),
    body: CreateProjectBody,
    responses: { 201: ProjectSchema },
    // A token limited to some projects (docs/tokens.md, "Restrictions") creates none.
    errors: ['project_not_allowed'],
  },
  getProject: {
    method: 'GET',
    path: '/v1/projects/{id}',
    summary: 'One project',
    tag: 'projects',
    auth: credential('projects:read'),
    params: IdParams,
    responses: { 200: ProjectSchema },
    errors: ['not_found'],
  },
  deleteProject: {
    method: 'DELETE',
    path: '/v1/projects/{id}',
    summary: 'Delete a project and its deployments',
    tag: 'projects',
    auth: credential('projects:write'),
    params: IdParams,
    responses: { 204: null },
    errors: ['not_found'],
  },
  listDeployments: {
    method: 'GET',
    path: '/v1/projects/{id}/deployments',
    summary: "List a project's deployments",
    tag: 'deployments',
    auth: credential('deployments:read'),
    params: IdParams,
    query: Paging,
    responses: { 200: PageSchema(DeploymentSchema) },
    errors: ['not_found', 'invalid_cursor'],
  },
  createDeployment: {
    method: 'POST',
    path: '/v1/projects/{id}/deployments',
    summary: 'Deploy a project',
    tag: 'deployments',
    auth: credential('deployments:write'),
    params: IdParams,
    body: CreateDeploymentBody,
    bodyOptional: true,
    responses: { 201: DeploymentSchema },
    errors: ['not_found'],
  },
  getBilling: {
    method: 'GET',
    path: '/v1/billing',
    summary: 'Plan and usage of the account',
    tag: 'billing',
    auth: credential('billing:read'),
    responses: { 200: BillingSchema },
  },
} as const satisfies Record<string, Operation>;

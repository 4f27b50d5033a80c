import type { AuditLog } from './audit.js';
import type { Clock } from './clock.js';
import { decodeCursor, toPage } from './cursor.js';
import { ApiError, invalidField } from './errors.js';
import type { Deployment, Page, Project, RequestContext } from './model.js';
import type { UnitOfWork } from './ports.js';
import { actorOf, type Principal } from './principal.js';
import { isProjectAllowed } from './token-restrictions.js';
import { newId, type Random } from './random.js';

/** Dependencies of {@link ProjectService}. */
export interface ProjectServiceDeps {
  uow: UnitOfWork;
  clock: Clock;
  random: Random;
  audit: AuditLog;
}

/** The account's plan and usage, as `GET /v1/billing` reports it. */
export interface Billing {
  plan: 'free';
  usage: { projects: number; deployments: number };
  limits: { projects: number; deployments: number };
}

const LABEL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const FREE_LIMITS = { projects: 100, deployments: 10_000 };

/** Projects, deployments and billing: the resources the scopes protect. */
export class ProjectService {
  readonly #deps: ProjectServiceDeps;

  constructor(deps: ProjectServiceDeps) {
    this.#deps = deps;
  }

  /**
   * Creates a project.
   * @throws ApiError `validation_failed`, `project_not_allowed` (a token limited to some projects).
   */
  async createProject(principal: Principal, rawName: string, context: RequestContext): Promise<Project> {
    if (projectsOf(principal) !== null) {
      throw new ApiError('project_not_allowed', {
        detail: 'This token is limited to some projects and cannot create others.',
      });
    }
    const name = rawName.trim();
    if (!LABEL.test(name)) {
      throw invalidField(
        'name',
        'must be 1 to 63 letters, digits, ".", "_" or "-", starting with a letter or digit',
      );
    }
    const now = this.#deps.clock.now();
    const project: Project = {
      id: newId('prj', this.#deps.random, now),
      accountId: principal.accountId,
      name,
      createdAt: now,
    };
    await this.#deps.uow.transaction(async (stores) => {
      await stores.projects.insertProject(project);
      await this.#deps.audit.record(stores, {
        accountId: principal.accountId,
        action: 'project.created',
        actor: actorOf(principal),
        target: { type: 'project', id: project.id },
        context,
        details: { name },
      });
    });
    return project;
  }

  /**
   * The projects the caller may see, newest first: the account's, or those of them a restricted
   * token names. @throws ApiError `invalid_cursor`.
   */
  async listProjects(
    principal: Principal,
    options: { cursor?: string; limit: number },
  ): Promise<Page<Project>> {
    const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    const only = projectsOf(principal);
    if (only?.length === 0) return { items: [], nextCursor: null };
    const rows = await this.#deps.uow.stores.projects.listProjects(
      principal.accountId,
      { ...(after === undefined ? {} : { after }), limit: options.limit + 1 },
      only ?? undefined,
    );
    return toPage(rows, options.limit, (project) => project);
  }

  /**
   * The account's project `id`.
   * @throws ApiError `not_found`, also for a project a restricted token does not name.
   */
  async getProject(principal: Principal, id: string): Promise<Project> {
    assertVisible(principal, id);
    const project = await this.#deps.uow.stores.projects.findProject(principal.accountId, id);
    if (project === undefined) throw notFound();
    return project;
  }

  /** Deletes the account's project `id` and its deployments. @throws ApiError `not_found`. */
  async deleteProject(principal: Principal, id: string, context: RequestContext): Promise<void> {
    assertVisible(principal, id);
    await this.#deps.uow.transaction(async (stores) => {
      if (!(await stores.projects.deleteProject(principal.accountId, id))) {
        throw new ApiError('not_found', { detail: 'No such project.' });
      }
      await this.#deps.audit.record(stores, {
        accountId: principal.accountId,
        action: 'project.deleted',
        actor: actorOf(principal),
        target: { type: 'project', id },
        context,
      });
    });
  }

  /**
   * Starts a deployment of the account's project `projectId`.
   * @throws ApiError `not_found`, `validation_failed`.
   */
  async createDeployment(
    principal: Principal,
    projectId: string,
    input: { environment?: string; ref?: string },
    context: RequestContext,
  ): Promise<Deployment> {
    assertVisible(principal, projectId);
    const environment = input.environment ?? 'production';
    if (!LABEL.test(environment))
      throw invalidField('environment', 'must be a short label such as "production"');
    const ref = input.ref?.trim() ?? null;
    if (ref !== null && (ref.length === 0 || ref.length > 200 || /\p{Cc}/u.test(ref))) {
      throw invalidField('ref', 'must be 1 to 200 characters without control characters');
    }
    const now = this.#deps.clock.now();
    return this.#deps.uow.transaction(async (stores) => {
      if ((await stores.projects.findProject(principal.accountId, projectId)) === undefined) {
        throw new ApiError('not_found', { detail: 'No such project.' });
      }
      const deployment: Deployment = {
        id: newId('dep', this.#deps.random, now),
        accountId: principal.accountId,
        projectId,
        environment,
        ref,
        status: 'ready',
        createdAt: now,
      };
      await stores.projects.insertDeployment(deployment);
      await this.#deps.audit.record(stores, {
        accountId: principal.accountId,
        action: 'deployment.created',
        actor: actorOf(principal),
        target: { type: 'deployment', id: deployment.id },
        context,
        details: { project_id: projectId, environment, ref },
      });
      return deployment;
    });
  }

  /** The project's deployments, newest first. @throws ApiError `not_found`, `invalid_cursor`. */
  async listDeployments(
    principal: Principal,
    projectId: string,
    options: { cursor?: string; limit: number },
  ): Promise<Page<Deployment>> {
    await this.getProject(principal, projectId);
    const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    const rows = await this.#deps.uow.stores.projects.listDeployments(principal.accountId, projectId, {
      ...(after === undefined ? {} : { after }),
      limit: options.limit + 1,
    });
    return toPage(rows, options.limit, (deployment) => deployment);
  }

  /** The account's plan and usage. */
  async billing(accountId: string): Promise<Billing> {
    return {
      plan: 'free',
      usage: await this.#deps.uow.stores.projects.usage(accountId),
      limits: FREE_LIMITS,
    };
  }
}

/** The projects a caller is limited to: a restricted token's list; null for every project. */
function projectsOf(principal: Principal): readonly string[] | null {
  return principal.kind === 'token' ? (principal.token.restrictions?.projects ?? null) : null;
}

/** A project the caller may not see reads as absent, as another account's does. */
function assertVisible(principal: Principal, projectId: string): void {
  if (!isProjectAllowed(projectsOf(principal), projectId)) throw notFound();
}

function notFound(): ApiError {
  return new ApiError('not_found', { detail: 'No such project.' });
}

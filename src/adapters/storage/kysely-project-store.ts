import type { Kysely } from 'kysely';
import type { Deployment, Project } from '../../core/model.js';
import type { ListOptions, ProjectStore } from '../../core/ports.js';
import { olderThan } from './paging.js';
import { type Schema, toDate } from './schema.js';

/** {@link ProjectStore} on Kysely. */
export class KyselyProjectStore implements ProjectStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async insertProject(project: Project): Promise<void> {
    await this.db
      .insertInto('projects')
      .values({
        id: project.id,
        account_id: project.accountId,
        name: project.name,
        created_at: project.createdAt.toISOString(),
      })
      .execute();
  }

  async findProject(accountId: string, id: string): Promise<Project | undefined> {
    const row = await this.db
      .selectFrom('projects')
      .selectAll()
      .where('id', '=', id)
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    return row === undefined
      ? undefined
      : { id: row.id, accountId: row.account_id, name: row.name, createdAt: toDate(row.created_at) };
  }

  async listProjects(accountId: string, page: ListOptions, only?: readonly string[]): Promise<Project[]> {
    let query = this.db.selectFrom('projects').selectAll().where('account_id', '=', accountId);
    if (only !== undefined) query = query.where('id', 'in', only);
    if (page.after !== undefined) query = query.where(olderThan(page.after));
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
    return rows.map((row) => ({
      id: row.id,
      accountId: row.account_id,
      name: row.name,
      createdAt: toDate(row.created_at),
    }));
  }

  async deleteProject(accountId: string, id: string): Promise<boolean> {
    await this.db
      .deleteFrom('deployments')
      .where('project_id', '=', id)
      .where('account_id', '=', accountId)
      .execute();
    const result = await this.db
      .deleteFrom('projects')
      .where('id', '=', id)
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async insertDeployment(deployment: Deployment): Promise<void> {
    await this.db
      .insertInto('deployments')
      .values({
        id: deployment.id,
        account_id: deployment.accountId,
        project_id: deployment.projectId,
        environment: deployment.environment,
        ref: deployment.ref,
        status: deployment.status,
        created_at: deployment.createdAt.toISOString(),
      })
      .execute();
  }

  async listDeployments(accountId: string, projectId: string, page: ListOptions): Promise<Deployment[]> {
    let query = this.db
      .selectFrom('deployments')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('project_id', '=', projectId);
    if (page.after !== undefined) query = query.where(olderThan(page.after));
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
    return rows.map((row) => ({
      id: row.id,
      accountId: row.account_id,
      projectId: row.project_id,
      environment: row.environment,
      ref: row.ref,
      status: row.status as Deployment['status'],
      createdAt: toDate(row.created_at),
    }));
  }

  async usage(accountId: string): Promise<{ projects: number; deployments: number }> {
    const count = async (table: 'projects' | 'deployments') => {
      const row = await this.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
        .where('account_id', '=', accountId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    };
    return { projects: await count('projects'), deployments: await count('deployments') };
  }
}

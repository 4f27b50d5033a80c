import type { Project } from '@skytells/contract';
import type { CliContext } from '../context.js';
import { relativeTime } from '../format.js';
import type { Column } from '../render.js';
import { requireSession } from '../session.js';

const PROJECT_COLUMNS: Column<Project>[] = [
  { header: 'ID', value: (p) => p.id },
  { header: 'NAME', value: (p) => p.name },
  { header: 'CREATED', value: (p) => relativeTime(p.created_at) },
];

/** Names a project for a `not_found` sentence. */
export const projectSubject = (id: string) => ({
  name: `project ${id}`,
  listCommand: 'skytells projects list',
});

/** `skytells projects list`. */
export async function listProjects(ctx: CliContext, options: { json?: boolean }): Promise<void> {
  const { api } = await requireSession(ctx);
  const projects = await ctx.render.spin('Loading projects…', api.listAll('listProjects', {}));
  if (options.json === true) ctx.render.printJson(projects);
  else
    ctx.render.table(
      PROJECT_COLUMNS,
      projects,
      'No projects yet. Create one with `skytells projects create NAME`.',
    );
}

/** `skytells projects create NAME`. */
export async function createProject(
  ctx: CliContext,
  name: string,
  options: { json?: boolean },
): Promise<void> {
  const { api } = await requireSession(ctx);
  const project = await ctx.render.spin(
    'Creating the project…',
    api.call('createProject', { body: { name } }),
  );
  if (options.json === true) ctx.render.printJson(project);
  else {
    ctx.render.out(project.id);
    ctx.render.success(`Created project ${project.name} (${project.id}).`);
  }
}

/** `skytells projects delete ID`. */
export async function deleteProject(ctx: CliContext, id: string, options: { json?: boolean }): Promise<void> {
  const { api } = await requireSession(ctx);
  await ctx.render.spin(
    'Deleting the project…',
    api.call('deleteProject', { params: { id } }, { subject: projectSubject(id) }),
  );
  if (options.json === true) ctx.render.printJson({ id, deleted: true });
  else ctx.render.success(`Deleted project ${id} and its deployments.`);
}

import type { Deployment } from '@skytells/contract';
import type { CliContext } from '../context.js';
import { relativeTime } from '../format.js';
import type { Column } from '../render.js';
import { requireSession } from '../session.js';
import { projectSubject } from './projects.js';

const DEPLOYMENT_COLUMNS: Column<Deployment>[] = [
  { header: 'ID', value: (d) => d.id },
  { header: 'ENVIRONMENT', value: (d) => d.environment },
  { header: 'REF', value: (d) => d.ref ?? '-' },
  { header: 'STATUS', value: (d) => d.status },
  { header: 'CREATED', value: (d) => relativeTime(d.created_at) },
];

/** `skytells deployments list PROJECT_ID`. */
export async function listDeployments(
  ctx: CliContext,
  projectId: string,
  options: { json?: boolean },
): Promise<void> {
  const { api } = await requireSession(ctx);
  const deployments = await ctx.render.spin(
    'Loading deployments…',
    api.listAll('listDeployments', { params: { id: projectId } }, { subject: projectSubject(projectId) }),
  );
  if (options.json === true) ctx.render.printJson(deployments);
  else
    ctx.render.table(
      DEPLOYMENT_COLUMNS,
      deployments,
      `No deployments of ${projectId} yet. Deploy with \`skytells deployments create ${projectId}\`.`,
    );
}

/** Options of `skytells deployments create`. */
export interface CreateDeploymentOptions {
  environment?: string;
  ref?: string;
  json?: boolean;
}

/** `skytells deployments create PROJECT_ID [--environment E] [--ref R]`. */
export async function createDeployment(
  ctx: CliContext,
  projectId: string,
  options: CreateDeploymentOptions,
): Promise<void> {
  const { api } = await requireSession(ctx);
  const deployment = await ctx.render.spin(
    'Deploying…',
    api.call(
      'createDeployment',
      {
        params: { id: projectId },
        body: {
          ...(options.environment === undefined ? {} : { environment: options.environment }),
          ...(options.ref === undefined ? {} : { ref: options.ref }),
        },
      },
      { subject: projectSubject(projectId) },
    ),
  );
  if (options.json === true) ctx.render.printJson(deployment);
  else {
    ctx.render.out(deployment.id);
    ctx.render.success(
      `Deployed ${projectId} to ${deployment.environment}${deployment.ref === null ? '' : ` at ${deployment.ref}`} (${deployment.status}).`,
    );
  }
}

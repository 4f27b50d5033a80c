import type { Workload } from './workload.js';

/** The longest token name (the contract's rule). */
const MAX_NAME = 100;

function text(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * The name of a token an exchange issues (docs/workloads.md): `github:<repository>@<branch> run
 * <run_id>` for a GitHub Actions job, `gitlab:<project_path>@<ref> pipeline <pipeline_id>` for a
 * GitLab CI job, else `<workload name>: <sub>`; control characters become spaces, cut to 100 characters.
 */
export function workloadTokenName(workload: Workload, claims: Record<string, unknown>): string {
  const repository = text(claims['repository']);
  const runId = text(claims['run_id']);
  const projectPath = text(claims['project_path']);
  const pipelineId = text(claims['pipeline_id']);
  let name: string;
  if (repository !== undefined && runId !== undefined) {
    const ref = text(claims['ref_name']) ?? text(claims['ref'])?.replace(/^refs\/(heads|tags)\//, '');
    name = `github:${repository}${ref === undefined ? '' : `@${ref}`} run ${runId}`;
  } else if (projectPath !== undefined && pipelineId !== undefined) {
    const ref = text(claims['ref']);
    name = `gitlab:${projectPath}${ref === undefined ? '' : `@${ref}`} pipeline ${pipelineId}`;
  } else {
    name = `${workload.name}: ${text(claims['sub']) ?? ''}`;
  }
  return clip(name.replace(/\p{Cc}/gu, ' ').trim(), MAX_NAME);
}

/** `name` with ` (n)` appended, cut first so that the whole stays within 100 characters. */
export function numberedName(name: string, n: number): string {
  const suffix = ` (${n})`;
  return `${clip(name, MAX_NAME - suffix.length).trimEnd()}${suffix}`;
}

/** At most `max` code points of `value`, never half a surrogate pair. */
function clip(value: string, max: number): string {
  const points = [...value];
  return points.length <= max ? value : points.slice(0, max).join('');
}

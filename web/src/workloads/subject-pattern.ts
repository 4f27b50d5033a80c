/**
 * The subject pattern of a trusted workload, as the console checks and explains it. The server's rule
 * (docs/workloads.md): the ID token's `sub` is matched exactly, except that a segment that is exactly
 * `*`, between `:` or `/`, matches any one non-empty segment. `*` inside a segment is refused.
 */

/** One piece of a pattern: literal text (separators included), or a `*` segment. */
export type SubjectPart = { kind: 'text'; text: string } | { kind: 'any' };

/** The segments of `subject`, split at `:` and `/`. */
function segmentsOf(subject: string): string[] {
  return subject.split(/[:/]/);
}

/**
 * Why `subject` is not a pattern the server accepts, or `null` when it is (empty counts as fine: the
 * form says "required" on its own).
 */
export function subjectProblem(subject: string): string | null {
  const partial = segmentsOf(subject).find((segment) => segment.includes('*') && segment !== '*');
  if (partial === undefined) return null;
  return `“${partial}”: * must be a whole segment between “:” or “/”, where it matches any one segment. It cannot match part of one.`;
}

/** `subject` as literal text and `*` segments, for showing the wildcards apart. */
export function subjectParts(subject: string): SubjectPart[] {
  const parts: SubjectPart[] = [];
  let text = '';
  for (const piece of subject.split(/([:/])/)) {
    if (piece === '*') {
      if (text !== '') parts.push({ kind: 'text', text });
      parts.push({ kind: 'any' });
      text = '';
    } else {
      text += piece;
    }
  }
  if (text !== '') parts.push({ kind: 'text', text });
  return parts;
}

/** "any repository of acme", "acme/api"; `undefined` when a wildcard sits somewhere harder to say. */
function projectWords(path: string, noun: string): string | undefined {
  const segments = path.split('/');
  const last = segments.at(-1);
  const parents = segments.slice(0, -1);
  if (segments.every((segment) => segment !== '*')) return path;
  if (last === '*' && parents.length > 0 && parents.every((segment) => segment !== '*')) {
    return `any ${noun} of ${parents.join('/')}`;
  }
  return undefined;
}

/** "any branch of acme/api" or "the branch main of acme/api". */
function refWords(kind: string, ref: string, project: string): string {
  return ref === '*' ? `any ${kind} of ${project}` : `the ${kind} ${ref} of ${project}`;
}

const NO_SLASH = 'whose name has no “/”';

/** GitHub Actions subjects: `repo:OWNER/REPO:ref:refs/heads/BRANCH`, `…:environment:NAME`, … */
function githubWords(subject: string): string | undefined {
  const match = /^repo:([^:]+):(.+)$/.exec(subject);
  if (match === null) return undefined;
  const project = projectWords(match[1] ?? '', 'repository');
  if (project === undefined) return undefined;
  const context = match[2] ?? '';
  let found: RegExpExecArray | null;
  if ((found = /^ref:refs\/heads\/([^:]+)$/.exec(context)) !== null) {
    const branch = found[1] ?? '';
    return `Jobs running for ${refWords('branch', branch, project)}${branch === '*' ? ` ${NO_SLASH}` : ''}.`;
  }
  if ((found = /^ref:refs\/tags\/([^:]+)$/.exec(context)) !== null) {
    const tag = found[1] ?? '';
    return `Jobs running for ${refWords('tag', tag, project)}${tag === '*' ? ` ${NO_SLASH}` : ''}.`;
  }
  if ((found = /^environment:([^:/]+)$/.exec(context)) !== null) {
    const environment = found[1] ?? '';
    return environment === '*'
      ? `Jobs of ${project} in any environment.`
      : `Jobs of ${project} in the environment ${environment}.`;
  }
  if (context === 'pull_request') return `Pull-request jobs of ${project}.`;
  return undefined;
}

/** GitLab CI subjects: `project_path:GROUP/PROJECT:ref_type:branch:ref:NAME`. */
function gitlabWords(subject: string): string | undefined {
  const match = /^project_path:([^:]+):ref_type:(branch|tag|\*):ref:([^:]+)$/.exec(subject);
  if (match === null) return undefined;
  const project = projectWords(match[1] ?? '', 'project');
  if (project === undefined) return undefined;
  const kind = match[2] === '*' ? 'branch or tag' : (match[2] ?? '');
  const ref = match[3] ?? '';
  return `Jobs running for ${refWords(kind, ref, project)}${ref === '*' ? ` ${NO_SLASH}` : ''}.`;
}

/** What a valid pattern accepts, in words. */
export interface SubjectMeaning {
  /** What the CI's jobs it accepts are, when the pattern has a shape of GitHub or GitLab. */
  summary: string | undefined;
  /** How many `*` segments it has. */
  wildcards: number;
}

/** What `subject` accepts; call only for a pattern without {@link subjectProblem}. */
export function subjectMeaning(subject: string): SubjectMeaning {
  return {
    summary: githubWords(subject) ?? gitlabWords(subject),
    wildcards: segmentsOf(subject).filter((segment) => segment === '*').length,
  };
}

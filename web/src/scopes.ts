import { impliedRead as contractImpliedRead, isScope, type ScopeResource } from '@skytells/contract';

/**
 * Scope logic of the console: grouping by resource, "write implies read", presets and the plain
 * summary of what a token can do. Pure: the catalogue comes from `GET /v1/scopes`.
 */

/** One scope of the catalogue. */
export interface ScopeDefinition {
  name: string;
  description: string;
}

/** The scopes of one resource, e.g. `projects:read` and `projects:write`. */
export interface ResourceGroup {
  resource: string;
  label: string;
  read: ScopeDefinition | undefined;
  write: ScopeDefinition | undefined;
  /** Any other access, e.g. `inference:use`. */
  others: ScopeDefinition[];
}

// One label per resource of the contract's catalogue: a resource added or removed there is a compile error here.
const LABELS: Record<ScopeResource, string> = {
  account: 'Account',
  tokens: 'Access tokens',
  projects: 'Projects',
  deployments: 'Deployments',
  billing: 'Billing',
  audit: 'Audit log',
  apps: 'Applications',
  api_keys: 'API keys',
  providers: 'Model providers',
  webhooks: 'Webhooks',
  inference: 'Model inference',
  workloads: 'Trusted workloads',
};

/** The resource part of `resource:access`. */
export function resourceOf(scope: string): string {
  const colon = scope.indexOf(':');
  return colon === -1 ? scope : scope.slice(0, colon);
}

/** "Projects" for `projects`; unknown resources are shown capitalised. */
export function resourceLabel(resource: string): string {
  return (
    (LABELS as Record<string, string>)[resource] ??
    resource.charAt(0).toUpperCase() + resource.slice(1).replace(/_/g, ' ')
  );
}

/** The catalogue grouped by resource, in catalogue order. */
export function groupScopes(catalogue: readonly ScopeDefinition[]): ResourceGroup[] {
  const groups = new Map<string, ResourceGroup>();
  for (const scope of catalogue) {
    const resource = resourceOf(scope.name);
    let group = groups.get(resource);
    if (group === undefined) {
      group = { resource, label: resourceLabel(resource), read: undefined, write: undefined, others: [] };
      groups.set(resource, group);
    }
    if (scope.name.endsWith(':read')) group.read = scope;
    else if (scope.name.endsWith(':write')) group.write = scope;
    else group.others.push(scope);
  }
  return [...groups.values()];
}

/** The `read` scope a `write` scope implies (the contract's rule), if the catalogue has it. */
export function impliedRead(scope: string, catalogue: readonly ScopeDefinition[]): string | undefined {
  const read = isScope(scope) ? contractImpliedRead(scope) : undefined;
  return read !== undefined && catalogue.some((entry) => entry.name === read) ? read : undefined;
}

function inCatalogueOrder(names: ReadonlySet<string>, catalogue: readonly ScopeDefinition[]): string[] {
  const known = catalogue.map((entry) => entry.name).filter((name) => names.has(name));
  const unknown = [...names].filter((name) => !catalogue.some((entry) => entry.name === name)).sort();
  return [...known, ...unknown];
}

/** Everything `scopes` allow: the scopes themselves and the reads their writes imply. */
export function effectiveScopes(scopes: Iterable<string>, catalogue: readonly ScopeDefinition[]): string[] {
  const all = new Set<string>();
  for (const scope of scopes) {
    all.add(scope);
    const read = impliedRead(scope, catalogue);
    if (read !== undefined) all.add(read);
  }
  return inCatalogueOrder(all, catalogue);
}

/** The shortest list that grants the same as `scopes`: reads implied by a write are dropped. */
export function minimalScopes(scopes: Iterable<string>, catalogue: readonly ScopeDefinition[]): string[] {
  const all = new Set(scopes);
  for (const scope of [...all]) {
    const read = impliedRead(scope, catalogue);
    if (read !== undefined) all.delete(read);
  }
  return inCatalogueOrder(all, catalogue);
}

/** True when `a` and `b` grant exactly the same. */
export function sameGrant(
  a: Iterable<string>,
  b: Iterable<string>,
  catalogue: readonly ScopeDefinition[],
): boolean {
  return effectiveScopes(a, catalogue).join(' ') === effectiveScopes(b, catalogue).join(' ');
}

/** A starting set of scopes for a common kind of holder. */
export interface Preset {
  id: string;
  label: string;
  hint: string;
  scopes: readonly string[];
}

/** The presets of the create form; each is the least a holder of that kind needs. */
export const PRESETS: readonly Preset[] = [
  {
    id: 'deploy',
    label: 'Deploy pipeline',
    hint: 'Reads projects and creates deployments. For CI/CD.',
    scopes: ['projects:read', 'deployments:write'],
  },
  {
    id: 'monitoring',
    label: 'Read-only monitoring',
    hint: 'Reads everything, changes nothing.',
    scopes: ['account:read', 'projects:read', 'deployments:read', 'billing:read', 'audit:read'],
  },
  {
    id: 'cli',
    label: 'CLI',
    hint: 'Day-to-day work from a terminal.',
    scopes: ['account:read', 'tokens:read', 'projects:write', 'deployments:write'],
  },
];

/** A preset's scopes that exist in `catalogue`. */
export function presetScopes(preset: Preset, catalogue: readonly ScopeDefinition[]): string[] {
  return preset.scopes.filter((scope) => catalogue.some((entry) => entry.name === scope));
}

/** One line of a token's summary: a scope it holds, directly or through a `write`. */
export interface Capability {
  scope: string;
  description: string;
  /** The chosen `write` scope that brings this `read` along, if any. */
  impliedBy: string | undefined;
}

/** What a token with `scopes` can do, and the resources it cannot touch at all. */
export function summarize(
  scopes: Iterable<string>,
  catalogue: readonly ScopeDefinition[],
): { can: Capability[]; untouched: string[] } {
  const chosen = new Set(scopes);
  const can = effectiveScopes(chosen, catalogue).map((scope) => {
    const writer = [...chosen].find((candidate) => impliedRead(candidate, catalogue) === scope);
    return {
      scope,
      description: catalogue.find((entry) => entry.name === scope)?.description ?? '',
      impliedBy: writer,
    };
  });
  const touched = new Set(can.map((capability) => resourceOf(capability.scope)));
  const untouched = groupScopes(catalogue)
    .filter((group) => !touched.has(group.resource))
    .map((group) => group.label);
  return { can, untouched };
}

/** The suggested name of a replacement: `deploy` → `deploy-2` (the same rule as the API's). */
export { successorName } from '@skytells/contract';

/** Every scope a token may hold, with the description `GET /v1/scopes` shows (docs/tokens.md). */
export const SCOPE_CATALOGUE = {
  'account:read': 'Read the account profile.',
  'account:write': 'Change the account profile.',
  'tokens:read': 'List and inspect access tokens.',
  'tokens:write': 'Create, rotate and revoke access tokens.',
  'projects:read': 'List and inspect projects.',
  'projects:write': 'Create and delete projects.',
  'deployments:read': 'List and inspect deployments.',
  'deployments:write': 'Create deployments.',
  'billing:read': 'Read the plan and usage.',
  'audit:read': 'Read the audit log.',
  'apps:read': 'List and inspect registered OAuth applications and authorized apps.',
  'apps:write': 'Register, change and delete OAuth applications; remove authorized apps.',
  'api_keys:read': 'List and inspect API keys.',
  'api_keys:write': 'Create, roll and revoke API keys.',
  'providers:read': 'See which model providers have a key saved (never the key).',
  'providers:write': 'Save, replace and delete model provider keys.',
  'webhooks:read': 'List webhooks and their deliveries.',
  'webhooks:write': 'Add, test and delete webhooks.',
  'inference:use': "Call the model-inference gateway with the account's provider keys.",
  'workloads:read': 'List and inspect trusted workloads.',
  'workloads:write': 'Trust and stop trusting workloads (CI jobs exchanging their OIDC ID token).',
} as const;

/** A scope name, `resource:access`. */
export type Scope = keyof typeof SCOPE_CATALOGUE;

/** The resource part of a scope: `projects` of `projects:read`. */
export type ScopeResource = Scope extends `${infer Resource}:${string}` ? Resource : never;

/** All scopes, in catalogue order. */
export const ALL_SCOPES = Object.keys(SCOPE_CATALOGUE) as Scope[];

/** True when `name` is a scope in the catalogue. */
export function isScope(name: string): name is Scope {
  return Object.hasOwn(SCOPE_CATALOGUE, name);
}

/** The resource part of `resource:access`. */
export function resourceOf(scope: Scope): ScopeResource {
  return scope.slice(0, scope.indexOf(':')) as ScopeResource;
}

/** The `read` scope a `write` scope implies, if any: `tokens:write` implies `tokens:read`. */
export function impliedRead(scope: Scope): Scope | undefined {
  if (!scope.endsWith(':write')) return undefined;
  const read = `${scope.slice(0, -':write'.length)}:read`;
  return isScope(read) ? read : undefined;
}

/** What each scope allows: itself and the read its write implies. Built once: checked on every request. */
const ALLOWS: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  ALL_SCOPES.map((scope) => {
    const read = impliedRead(scope);
    return [scope, new Set(read === undefined ? [scope] : [scope, read])];
  }),
);

/** True when a holder of `granted` may act with `needed` (`write` implies `read`). */
export function hasScope(granted: readonly Scope[], needed: Scope): boolean {
  for (const scope of granted) if (ALLOWS.get(scope)?.has(needed) === true) return true;
  return false;
}

/** The first scope of `requested` that `granted` does not cover, if any. */
export function firstMissingScope(granted: readonly Scope[], requested: readonly Scope[]): Scope | undefined {
  return requested.find((scope) => !hasScope(granted, scope));
}

/** Everything `scopes` allow, in catalogue order: the scopes themselves and the reads their writes imply. */
export function effectiveScopes(scopes: Iterable<Scope>): Scope[] {
  const all = new Set<Scope>();
  for (const scope of scopes) {
    all.add(scope);
    const read = impliedRead(scope);
    if (read !== undefined) all.add(read);
  }
  return ALL_SCOPES.filter((scope) => all.has(scope));
}

/** The shortest list, in catalogue order, that grants the same as `scopes`: reads implied by a write are dropped. */
export function minimalScopes(scopes: Iterable<Scope>): Scope[] {
  const all = new Set(scopes);
  for (const scope of [...all]) {
    const read = impliedRead(scope);
    if (read !== undefined) all.delete(read);
  }
  return ALL_SCOPES.filter((scope) => all.has(scope));
}

import { invalidField } from './errors.js';

/** Every scope a token may hold, with the description `GET /v1/scopes` shows (CONTRACT §2). */
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
} as const;

/** A scope name, `resource:access`. */
export type Scope = keyof typeof SCOPE_CATALOGUE;

/** All scopes, in catalogue order. */
export const ALL_SCOPES = Object.keys(SCOPE_CATALOGUE) as Scope[];

/** True when `name` is a scope in the catalogue. */
export function isScope(name: string): name is Scope {
  return Object.hasOwn(SCOPE_CATALOGUE, name);
}

/** The scope `write` access implies, if any: `tokens:write` implies `tokens:read`. */
function impliedRead(scope: Scope): Scope | undefined {
  if (!scope.endsWith(':write')) return undefined;
  const read = `${scope.slice(0, -':write'.length)}:read`;
  return isScope(read) ? read : undefined;
}

/** True when a holder of `granted` may act with `needed` (`write` implies `read`). */
export function hasScope(granted: readonly Scope[], needed: Scope): boolean {
  return granted.some((scope) => scope === needed || impliedRead(scope) === needed);
}

/** The first scope of `requested` that `granted` does not cover, if any. */
export function firstMissingScope(granted: readonly Scope[], requested: readonly Scope[]): Scope | undefined {
  return requested.find((scope) => !hasScope(granted, scope));
}

/**
 * Validates and normalises a requested scope list: known names only, at least one, duplicates
 * removed, catalogue order.
 *
 * @throws ApiError `validation_failed` naming the field and the first unknown scope.
 */
export function parseScopes(names: readonly string[], field = 'scopes'): Scope[] {
  if (names.length === 0) throw invalidField(field, 'must name at least one scope');
  const unknown = names.find((name) => !isScope(name));
  if (unknown !== undefined) throw invalidField(field, `unknown scope "${unknown}"`);
  return ALL_SCOPES.filter((scope) => names.includes(scope));
}

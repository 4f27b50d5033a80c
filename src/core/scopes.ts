import { ALL_SCOPES, isScope, type Scope } from '@skytells/contract';
import { invalidField } from './errors.js';

export {
  ALL_SCOPES,
  firstMissingScope,
  hasScope,
  isScope,
  SCOPE_CATALOGUE,
  type Scope,
} from '@skytells/contract';

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

import { ApiProblem } from '../api';
import type { RestrictionErrors } from './restrictions-field';

/** Field errors of a failed token request, in the form's words. */
export interface TokenFormErrors {
  name?: string;
  scopes?: string;
  expiration?: string;
  restrictions?: RestrictionErrors;
  form?: string;
}

/** The restriction a request field belongs to: `allowed_ips/2` → `addresses`. */
function restrictionOf(field: string): keyof RestrictionErrors | undefined {
  if (field.startsWith('allowed_ips')) return 'addresses';
  if (field.startsWith('rate_limit')) return 'requests';
  if (field.startsWith('projects')) return 'projects';
  return undefined;
}

/** Maps an API problem of `POST /v1/tokens` or `/rotate` to the form's fields. */
export function tokenFormErrors(failure: unknown, name: string): TokenFormErrors {
  if (!(failure instanceof ApiProblem)) return { form: 'Something went wrong. Try again.' };
  switch (failure.code) {
    case 'name_conflict':
      return {
        name: `An active token is already named “${name.trim()}”. Pick another name, or revoke that token first.`,
      };
    case 'validation_failed': {
      const errors: TokenFormErrors = {};
      for (const error of failure.errors) {
        if (error.field === 'name') errors.name = `Name ${error.message}.`;
        else if (error.field.startsWith('scopes')) errors.scopes = `Scopes: ${error.message}.`;
        else if (error.field.startsWith('expires')) errors.expiration = `Expiration ${error.message}.`;
        else if (restrictionOf(error.field) !== undefined) {
          errors.restrictions = {
            ...errors.restrictions,
            [restrictionOf(error.field) ?? '']: restrictionMessage(error.field, error.message),
          };
        } else errors.form = failure.detail;
      }
      return Object.keys(errors).length === 0 ? { form: failure.detail } : errors;
    }
    case 'token_not_active':
      return { form: 'This token is no longer active or was already replaced, so it cannot be rotated.' };
    case 'reauth_required':
      return { form: 'A token that never expires needs your password. Confirm it and try again.' };
    case 'rate_limited':
      return { form: `Too many requests. Try again in ${failure.retryAfter ?? 60} seconds.` };
    default:
      return { form: failure.detail };
  }
}

function restrictionMessage(field: string, message: string): string {
  switch (restrictionOf(field)) {
    case 'addresses':
      return `Addresses: ${message}. Write one IPv4 or IPv6 address or CIDR per line.`;
    case 'requests':
      return `Rate limit: ${message}.`;
    default:
      return `Projects: ${message}. Reload the page to see the account's projects.`;
  }
}

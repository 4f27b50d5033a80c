import { MAX_WORKLOAD_CLAIMS } from '@skytells/contract';
import { ApiProblem } from '../api';
import { addressProblems } from '../tokens/address-check';
import { subjectProblem } from './subject-pattern';

/** Field errors of the add-workload form, in its words. */
export interface WorkloadFormErrors {
  name?: string;
  issuer?: string;
  audience?: string;
  subject?: string;
  claims?: string;
  scopes?: string;
  addresses?: string;
  ttl?: string;
  form?: string;
}

/** One required-claim row as typed. */
export interface ClaimRow {
  /** Stable across edits, so React keeps each row's inputs (and focus) in place. */
  key: number;
  name: string;
  value: string;
}

/** Claims the server checks itself and that cannot be named (docs/workloads.md). */
export const REGISTERED_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti'] as const;

/** The rows that say something: both fields empty is a row not filled in yet. */
export function filledClaims(rows: readonly ClaimRow[]): ClaimRow[] {
  return rows.filter((row) => row.name.trim() !== '' || row.value !== '');
}

/** Why the required claims cannot be sent, or `undefined`. */
export function claimsProblem(rows: readonly ClaimRow[]): string | undefined {
  const filled = filledClaims(rows);
  const names = filled.map((row) => row.name.trim());
  if (names.some((name) => name === '')) return 'Every required claim needs a name.';
  const registered = names.find((name) => (REGISTERED_CLAIMS as readonly string[]).includes(name));
  if (registered !== undefined) {
    return `“${registered}” is checked by the server itself and cannot be a required claim.`;
  }
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) return `“${repeated}” is listed twice. Keep one row per claim.`;
  if (filled.length > MAX_WORKLOAD_CLAIMS) return `Name at most ${MAX_WORKLOAD_CLAIMS} required claims.`;
  return undefined;
}

/** Why `issuer` is not an `http(s)` URL; whether the server accepts it (https, public) is its call. */
export function issuerProblem(issuer: string): string | undefined {
  try {
    const url = new URL(issuer.trim());
    if (url.protocol === 'https:' || url.protocol === 'http:') return undefined;
  } catch {
    // Reported below.
  }
  return 'Enter the issuer’s URL, like https://token.actions.githubusercontent.com.';
}

/** What the user typed, as the checks need it. */
export interface WorkloadFormInput {
  name: string;
  issuer: string;
  audience: string;
  subject: string;
  claims: readonly ClaimRow[];
  scopeCount: number;
  addresses: string;
}

/** Checks what the browser can check before asking the server. */
export function checkWorkloadForm(input: WorkloadFormInput): WorkloadFormErrors {
  const errors: WorkloadFormErrors = {};
  if (input.name.trim() === '') errors.name = 'Give the workload a name; the CI job uses it to log in.';
  else if (input.name.trim().length > 100) errors.name = 'Keep the name to 100 characters.';
  if (input.issuer.trim() === '') errors.issuer = 'Enter the issuer, or choose GitHub Actions or GitLab CI.';
  else {
    const problem = issuerProblem(input.issuer);
    if (problem !== undefined) errors.issuer = problem;
  }
  if (input.audience.trim() === '') errors.audience = 'Enter the audience the ID token must carry.';
  const subject = subjectProblem(input.subject.trim());
  if (input.subject.trim() === '') errors.subject = 'Enter the subject the ID token must have.';
  else if (subject !== null) errors.subject = subject;
  const claims = claimsProblem(input.claims);
  if (claims !== undefined) errors.claims = claims;
  if (input.scopeCount === 0) errors.scopes = 'Select at least one scope.';
  if (addressProblems(input.addresses).length > 0) {
    errors.addresses = 'Fix the addresses marked below, or remove them.';
  }
  return errors;
}

/** The form field a request field belongs to: `allowed_ips/2` → `addresses`. */
function fieldOf(field: string): keyof WorkloadFormErrors {
  const head = field.replace(/^\//, '').split(/[/.[]/)[0] ?? '';
  switch (head) {
    case 'name':
    case 'issuer':
    case 'audience':
    case 'subject':
    case 'claims':
    case 'scopes':
      return head;
    case 'allowed_ips':
      return 'addresses';
    case 'ttl_seconds':
      return 'ttl';
    default:
      return 'form';
  }
}

const LABELS: Record<keyof WorkloadFormErrors, string> = {
  name: 'Name',
  issuer: 'Issuer',
  audience: 'Audience',
  subject: 'Subject',
  claims: 'Required claims:',
  scopes: 'Scopes:',
  addresses: 'Addresses:',
  ttl: 'Token lifetime:',
  form: '',
};

/** Maps an API problem of `POST /v1/workloads` to the form's fields. */
export function workloadFormErrors(failure: unknown, name: string): WorkloadFormErrors {
  if (!(failure instanceof ApiProblem)) return { form: 'Something went wrong. Try again.' };
  switch (failure.code) {
    case 'name_conflict':
      return { name: `A workload is already named “${name.trim()}”. Pick another name.` };
    case 'reauth_required':
      return { form: 'Trusting a workload needs your password. Confirm it and try again.' };
    case 'insufficient_scope':
      return { scopes: `${failure.detail} Choose only scopes you hold.` };
    case 'rate_limited':
      return { form: `Too many requests. Try again in ${failure.retryAfter ?? 60} seconds.` };
    case 'validation_failed': {
      const errors: WorkloadFormErrors = {};
      for (const error of failure.errors) {
        const field = fieldOf(error.field);
        if (field === 'form') errors.form = failure.detail;
        else errors[field] ??= `${LABELS[field]} ${error.message}.`;
      }
      // A refusal about no single field (an issuer that is not https, say) names the issuer when it can.
      if (Object.keys(errors).length === 0) {
        return /issuer/i.test(failure.detail) ? { issuer: failure.detail } : { form: failure.detail };
      }
      return errors;
    }
    default:
      return /issuer/i.test(failure.detail) ? { issuer: failure.detail } : { form: failure.detail };
  }
}

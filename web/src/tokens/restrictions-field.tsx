import type { BodyOf } from '@skytells/contract';
import { useEffect, useId, useState } from 'react';
import { api, ApiProblem } from '../api';
import type { Token } from '../types';
import { addressLines, addressProblems } from './address-check';
import { AddressesField } from './addresses-field';
import { FieldNotice } from './field-notice';

/** The "per" choices of the rate limit, in seconds. */
export const RATE_PERIODS = [
  { value: 'second', seconds: 1 },
  { value: 'minute', seconds: 60 },
  { value: 'hour', seconds: 3600 },
  { value: 'day', seconds: 86_400 },
] as const;
type RatePeriod = (typeof RATE_PERIODS)[number]['value'];

/** Most requests `rate_limit` accepts (docs/tokens.md). */
const MAX_REQUESTS = 100_000;

/** The state of {@link RestrictionsField}: what the user typed and checked. */
export interface RestrictionsValue {
  /** One address or CIDR per line. */
  addresses: string;
  /** The "Requests" field as typed; empty for no rate limit. */
  requests: string;
  per: RatePeriod;
  projects: ReadonlySet<string>;
}

/**
 * The restriction fields of a create or rotate request: each only when filled, or null on a
 * rotation for a part of the old token's the user cleared (docs/tokens.md, "Restrictions").
 */
export type RestrictionsRequest = Pick<BodyOf<'rotateToken'>, 'allowed_ips' | 'rate_limit' | 'projects'>;

/** The parts of the old token's restrictions a rotation form leaves empty, so removes. */
export interface RemovedRestrictions {
  addresses: boolean;
  rateLimit: boolean;
  projects: boolean;
}

/** What the form says, under the field, about each part the replacement will no longer have. */
export const REMOVED_NOTICES: Record<keyof RemovedRestrictions, string> = {
  addresses: 'The replacement will not be limited to addresses: it will work from anywhere.',
  rateLimit: 'The replacement will have no rate limit.',
  projects: 'The replacement will not be limited to projects: it will see and act on every project.',
};

/**
 * The parts `old` restricts that `value` leaves empty. A project list the old token had empty (no
 * project) cannot be shown as checkboxes, so unchecked projects keep it.
 */
export function removedRestrictions(value: RestrictionsValue, old: Token): RemovedRestrictions {
  return {
    addresses: old.allowed_ips !== null && addressLines(value.addresses).length === 0,
    rateLimit: old.rate_limit !== null && value.requests.trim() === '',
    projects: (old.projects?.length ?? 0) > 0 && value.projects.size === 0,
  };
}

/** Field errors of the restrictions section, in the form's words. */
export interface RestrictionErrors {
  addresses?: string;
  requests?: string;
  projects?: string;
}

/** No restrictions. */
export const NO_RESTRICTIONS: RestrictionsValue = {
  addresses: '',
  requests: '',
  per: 'minute',
  projects: new Set(),
};

/** The restrictions `token` carries, as the form shows them (a rotation starts from the old token's). */
export function restrictionsOf(token: Token): RestrictionsValue {
  const limit = token.rate_limit;
  const period = RATE_PERIODS.find((candidate) => candidate.seconds === limit?.per_seconds);
  // A period the select does not offer is shown per minute, rounded up.
  const requests =
    limit === null
      ? ''
      : String(period ? limit.requests : Math.ceil((limit.requests * 60) / limit.per_seconds));
  return {
    addresses: (token.allowed_ips ?? []).join('\n'),
    requests,
    per: period?.value ?? 'minute',
    projects: new Set(token.projects ?? []),
  };
}

function requestsProblem(requests: string): string | undefined {
  if (requests.trim() === '') return undefined;
  const count = Number(requests);
  if (!Number.isInteger(count) || count < 1 || count > MAX_REQUESTS) {
    return `Requests must be a whole number from 1 to ${MAX_REQUESTS.toLocaleString('en')}, or empty for no limit.`;
  }
  return undefined;
}

/**
 * The request fields for `value`, or the errors that keep it from being sent. With `removed` (a
 * rotation), each part removed is sent as null, so the replacement does not keep the old token's.
 */
export function restrictionsRequest(
  value: RestrictionsValue,
  removed?: RemovedRestrictions,
): {
  request: RestrictionsRequest;
  errors: RestrictionErrors;
} {
  const errors: RestrictionErrors = {};
  const problems = addressProblems(value.addresses);
  if (problems.length > 0) errors.addresses = 'Fix the addresses marked below, or remove them.';
  const requestsError = requestsProblem(value.requests);
  if (requestsError !== undefined) errors.requests = requestsError;
  const request: RestrictionsRequest = {};
  const addresses = addressLines(value.addresses);
  if (addresses.length > 0) request.allowed_ips = addresses;
  if (value.requests.trim() !== '' && requestsError === undefined) {
    const per = RATE_PERIODS.find((period) => period.value === value.per)?.seconds ?? 60;
    request.rate_limit = { requests: Number(value.requests), per_seconds: per };
  }
  if (value.projects.size > 0) request.projects = [...value.projects];
  if (removed?.addresses) request.allowed_ips = null;
  if (removed?.rateLimit) request.rate_limit = null;
  if (removed?.projects) request.projects = null;
  return { request, errors };
}

type Projects = { id: string; name: string }[];

/** The account's projects, for "Only these projects"; `null` while loading. */
function useProjects(): { projects: Projects | null; error: string | null } {
  const [projects, setProjects] = useState<Projects | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api.listProjects().then(
      (page) => live && setProjects(page.data),
      (failure: unknown) => {
        if (!live) return;
        setProjects([]);
        setError(
          failure instanceof ApiProblem
            ? `The projects could not be loaded (${failure.detail}). Reload the page to try again.`
            : 'The projects could not be loaded. Reload the page to try again.',
        );
      },
    );
    return () => {
      live = false;
    };
  }, []);
  return { projects, error };
}

/** Props of {@link RestrictionsField}. */
export interface RestrictionsFieldProps {
  value: RestrictionsValue;
  onChange: (next: RestrictionsValue) => void;
  errors: RestrictionErrors;
  /** What the section says under its heading; the create form's words by default. */
  hint?: string;
  /** On a rotation, the old token's parts the form now leaves empty: each says so under its field. */
  removed?: RemovedRestrictions;
}

/**
 * The optional "Restrictions" section of the create and rotate forms: the addresses a token may be
 * used from (checked as you type), a rate limit, and the projects it may act on.
 */
export function RestrictionsField({ value, onChange, errors, hint, removed }: RestrictionsFieldProps) {
  const id = useId();
  const { projects, error: projectsError } = useProjects();
  const requestsError = errors.requests ?? requestsProblem(value.requests);
  const set = (patch: Partial<RestrictionsValue>) => onChange({ ...value, ...patch });
  const toggleProject = (project: string, checked: boolean) => {
    const next = new Set(value.projects);
    if (checked) next.add(project);
    else next.delete(project);
    set({ projects: next });
  };

  return (
    <section className="restrictions" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="label">
        Restrictions <span className="muted label-inline">(optional)</span>
      </h2>
      <p className="hint">
        {hint ?? 'Each one you fill in narrows where, how often and on what the token works.'}
      </p>

      <AddressesField
        value={value.addresses}
        onChange={(addresses) => set({ addresses })}
        error={errors.addresses}
        notice={removed?.addresses ? REMOVED_NOTICES.addresses : undefined}
      />

      <fieldset className="field" aria-describedby={`${id}-rate-hint ${id}-rate-notice`}>
        <legend className="label label-inline">At most N requests per …</legend>
        <div className="rate-limit">
          <span className="rate-limit-part">
            <label htmlFor={`${id}-requests`}>Requests</label>
            <input
              id={`${id}-requests`}
              className="input input-number"
              type="number"
              inputMode="numeric"
              min={1}
              max={MAX_REQUESTS}
              value={value.requests}
              aria-invalid={requestsError !== undefined ? true : undefined}
              aria-describedby={requestsError !== undefined ? `${id}-rate-error` : undefined}
              onChange={(event) => set({ requests: event.currentTarget.value })}
            />
          </span>
          <span className="rate-limit-part">
            <label htmlFor={`${id}-per`}>per</label>
            <select
              id={`${id}-per`}
              className="input select-inline"
              value={value.per}
              onChange={(event) => set({ per: event.currentTarget.value as RatePeriod })}
            >
              {RATE_PERIODS.map((period) => (
                <option key={period.value} value={period.value}>
                  {period.value}
                </option>
              ))}
            </select>
          </span>
        </div>
        <p id={`${id}-rate-hint`} className="hint">
          Counted across every server. Past the limit, requests are refused until the period ends. Empty: no
          limit.
        </p>
        <div aria-live="polite">
          {requestsError !== undefined ? (
            <p id={`${id}-rate-error`} className="field-error">
              {requestsError}
            </p>
          ) : null}
        </div>
        <FieldNotice
          id={`${id}-rate-notice`}
          text={removed?.rateLimit ? REMOVED_NOTICES.rateLimit : undefined}
        />
      </fieldset>

      <fieldset className="field" aria-describedby={`${id}-projects-hint ${id}-projects-notice`}>
        <legend className="label label-inline">Only these projects</legend>
        <p id={`${id}-projects-hint`} className="hint">
          The token sees and acts on the checked projects only. None checked: every project.
        </p>
        {projects === null ? (
          <p className="muted" aria-busy="true">
            Loading projects…
          </p>
        ) : projects.length === 0 && projectsError === null ? (
          <p className="muted">The account has no projects yet.</p>
        ) : (
          <ul className="project-options">
            {projects.map((project) => (
              <li key={project.id}>
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={value.projects.has(project.id)}
                    onChange={(event) => toggleProject(project.id, event.currentTarget.checked)}
                  />
                  <span>{project.name}</span> <span className="mono muted">{project.id}</span>
                </label>
              </li>
            ))}
          </ul>
        )}
        {projectsError !== null ? (
          <p className="field-error" role="alert">
            {projectsError}
          </p>
        ) : null}
        {errors.projects !== undefined ? (
          <p className="field-error" role="alert">
            {errors.projects}
          </p>
        ) : null}
        <FieldNotice
          id={`${id}-projects-notice`}
          text={removed?.projects ? REMOVED_NOTICES.projects : undefined}
        />
      </fieldset>
    </section>
  );
}

import { type FormEvent, useId, useRef, useState } from 'react';
import { api } from '../api';
import { minimalScopes } from '../scopes';
import { focusFirstInvalid } from '../tokens/create-token-page';
import { addressLines } from '../tokens/address-check';
import { AddressesField } from '../tokens/addresses-field';
import { ScopePicker } from '../tokens/scope-picker';
import type { Workload } from '../types';
import { useFocusOnMount, useScopes } from '../ui/hooks';
import { useReauth } from '../ui/reauth';
import { ClaimsField } from './claims-field';
import { SubjectField } from './subject-field';
import {
  type ClaimRow,
  checkWorkloadForm,
  filledClaims,
  workloadFormErrors,
  type WorkloadFormErrors,
} from './workload-form-errors';
import { IssuerField, type IssuerChoice, presetOf, TTL_CHOICES } from './issuer-field';

/** Props of {@link AddWorkloadForm}. */
export interface AddWorkloadFormProps {
  onCreated: (workload: Workload) => void;
  onCancel: () => void;
}

/**
 * Trust a workload: which CI's ID tokens (issuer, audience, subject, required claims) may be exchanged
 * for a token with which scopes, from where, and for how long.
 */
export function AddWorkloadForm({ onCreated, onCancel }: AddWorkloadFormProps) {
  const id = useId();
  const withReauth = useReauth();
  const { scopes: catalogue, error: catalogueError } = useScopes();
  const formRef = useRef<HTMLFormElement>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const [choice, setChoice] = useState<IssuerChoice>('github');
  const [name, setName] = useState('');
  const [issuer, setIssuer] = useState(presetOf('github')?.issuer ?? '');
  const [audience, setAudience] = useState(window.location.origin);
  const [subject, setSubject] = useState('');
  const [claims, setClaims] = useState<ClaimRow[]>([]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [addresses, setAddresses] = useState('');
  const [ttl, setTtl] = useState(900);
  const [errors, setErrors] = useState<WorkloadFormErrors>({});
  const [busy, setBusy] = useState(false);
  useFocusOnMount(nameRef);
  const preset = presetOf(choice);

  /** Sets one field; an edit answers the complaint about it (each field checks itself as it is typed). */
  const edit =
    <T,>(set: (value: T) => void, field: keyof WorkloadFormErrors) =>
    (value: T) => {
      set(value);
      setErrors(({ [field]: _answered, ...rest }) => rest);
    };

  const choose = (next: IssuerChoice) => {
    setChoice(next);
    setIssuer(presetOf(next)?.issuer ?? '');
    setErrors(({ issuer: _answered, ...rest }) => rest);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy || catalogue === null) return;
    const found = checkWorkloadForm({
      name,
      issuer,
      audience,
      subject,
      claims,
      scopeCount: selected.size,
      addresses,
    });
    setErrors(found);
    if (Object.keys(found).length > 0) {
      focusFirstInvalid(formRef.current);
      return;
    }
    const required = filledClaims(claims);
    const allowed = addressLines(addresses);
    setBusy(true);
    try {
      const created = await withReauth(() =>
        api.createWorkload({
          name: name.trim(),
          issuer: issuer.trim(),
          audience: audience.trim(),
          subject: subject.trim(),
          ...(required.length > 0
            ? { claims: Object.fromEntries(required.map((row) => [row.name.trim(), row.value])) }
            : {}),
          scopes: minimalScopes(selected, catalogue),
          ...(allowed.length > 0 ? { allowed_ips: allowed } : {}),
          ttl_seconds: ttl,
        }),
      );
      onCreated(created);
    } catch (failure) {
      setErrors(workloadFormErrors(failure, name));
      setBusy(false);
      focusFirstInvalid(formRef.current);
    }
  };

  return (
    <section className="section card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="section-title">
        New workload
      </h2>
      <form ref={formRef} noValidate className="stack" onSubmit={(event) => void submit(event)}>
        <div className="field">
          <label htmlFor={`${id}-name`} className="label">
            Name
          </label>
          <input
            id={`${id}-name`}
            ref={nameRef}
            className="input"
            value={name}
            maxLength={100}
            autoComplete="off"
            spellCheck={false}
            placeholder="e.g. deploy-api"
            aria-invalid={errors.name !== undefined ? true : undefined}
            aria-describedby={`${id}-name-hint${errors.name !== undefined ? ` ${id}-name-error` : ''}`}
            onChange={(event) => edit(setName, 'name')(event.currentTarget.value)}
          />
          <p id={`${id}-name-hint`} className="hint">
            The job logs in with it: <code>skytells login --workload {name.trim() || 'NAME'}</code>.
          </p>
          {errors.name !== undefined ? (
            <p id={`${id}-name-error`} className="field-error" role="alert">
              {errors.name}
            </p>
          ) : null}
        </div>

        <IssuerField
          choice={choice}
          onChoice={choose}
          issuer={issuer}
          onIssuer={edit(setIssuer, 'issuer')}
          issuerError={errors.issuer}
          audience={audience}
          onAudience={edit(setAudience, 'audience')}
          audienceError={errors.audience}
        />

        <SubjectField
          value={subject}
          onChange={edit(setSubject, 'subject')}
          example={preset?.subjectExample}
          error={errors.subject}
        />

        <ClaimsField
          rows={claims}
          onChange={edit(setClaims, 'claims')}
          suggestions={preset?.claims ?? []}
          suggestedBy={preset?.label}
          error={errors.claims}
        />

        {catalogueError !== null ? (
          <p className="alert alert-danger" role="alert">
            {catalogueError}
          </p>
        ) : catalogue === null ? (
          <p className="muted" aria-busy="true">
            Loading scopes…
          </p>
        ) : (
          <ScopePicker
            catalogue={catalogue}
            selected={selected}
            onChange={edit(setSelected, 'scopes')}
            error={errors.scopes}
            hint="What the tokens this workload gets may do. Select the minimum its jobs need; write access includes read access."
          />
        )}

        <AddressesField
          value={addresses}
          onChange={edit(setAddresses, 'addresses')}
          error={errors.addresses}
          hint="Optional. One IPv4 or IPv6 address or CIDR range per line: the tokens this workload gets work only from there. Empty: any address."
        />

        <div className="field">
          <label htmlFor={`${id}-ttl`} className="label">
            Token lifetime
          </label>
          <select
            id={`${id}-ttl`}
            className="input select"
            value={ttl}
            aria-describedby={`${id}-ttl-hint${errors.ttl !== undefined ? ` ${id}-ttl-error` : ''}`}
            aria-invalid={errors.ttl !== undefined ? true : undefined}
            onChange={(event) => edit(setTtl, 'ttl')(Number(event.currentTarget.value))}
          >
            {TTL_CHOICES.map((seconds) => (
              <option key={seconds} value={seconds}>
                {seconds / 60} minutes
              </option>
            ))}
          </select>
          <p id={`${id}-ttl-hint`} className="hint">
            How long each token lives. A job logs in again when it needs a new one.
          </p>
          {errors.ttl !== undefined ? (
            <p id={`${id}-ttl-error`} className="field-error" role="alert">
              {errors.ttl}
            </p>
          ) : null}
        </div>

        {errors.form !== undefined ? (
          <p className="alert alert-danger" role="alert">
            {errors.form}
          </p>
        ) : null}
        <div className="form-actions">
          <button
            type="submit"
            className="button button-primary"
            aria-disabled={busy || catalogue === null}
            aria-busy={busy}
          >
            Add workload
          </button>
          <button type="button" className="button button-quiet" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}

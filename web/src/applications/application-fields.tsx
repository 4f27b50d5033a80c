import { useId } from 'react';
import { ApiProblem } from '../api';

/** Field errors of a failed application request, in the form's words. */
export interface AppFormErrors {
  name?: string;
  redirectUris?: string;
  form?: string;
}

/** The redirect URIs typed one per line: trimmed, blank lines dropped. */
export function parseRedirectUris(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** Checks what the browser can check before asking the server. */
export function checkAppFields(name: string, redirectUris: string[]): AppFormErrors {
  const errors: AppFormErrors = {};
  if (name.trim() === '')
    errors.name = 'Give the application the name people will see when it asks for access.';
  if (redirectUris.length === 0) errors.redirectUris = 'Enter at least one redirect URI.';
  else if (redirectUris.length > 10) errors.redirectUris = 'Enter at most 10 redirect URIs.';
  return errors;
}

/** Maps an API problem of `POST /v1/apps` or `PATCH /v1/apps/{id}` to the form's fields. */
export function appFormErrors(failure: unknown): AppFormErrors {
  if (!(failure instanceof ApiProblem)) return { form: 'Something went wrong. Try again.' };
  if (failure.code === 'reauth_required') {
    return { form: 'Registering an application needs your password. Confirm it and try again.' };
  }
  if (failure.code !== 'validation_failed') return { form: failure.detail };
  const errors: AppFormErrors = {};
  for (const error of failure.errors) {
    if (error.field === 'name') errors.name = `Name ${error.message}.`;
    else if (error.field.startsWith('redirect_uris')) errors.redirectUris = `Redirect URI ${error.message}.`;
    else errors.form = failure.detail;
  }
  return Object.keys(errors).length === 0 ? { form: failure.detail } : errors;
}

/** Props of {@link ApplicationFields}. */
export interface ApplicationFieldsProps {
  name: string;
  redirectUris: string;
  errors: AppFormErrors;
  onName: (name: string) => void;
  onRedirectUris: (text: string) => void;
}

/** The Name and Redirect URIs fields, shared by registering and editing an application. */
export function ApplicationFields({
  name,
  redirectUris,
  errors,
  onName,
  onRedirectUris,
}: ApplicationFieldsProps) {
  const id = useId();
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-name`} className="label">
          Name
        </label>
        <input
          id={`${id}-name`}
          className="input"
          value={name}
          maxLength={100}
          autoComplete="off"
          placeholder="e.g. Acme Deploy Dashboard"
          aria-invalid={errors.name ? true : undefined}
          aria-describedby={`${id}-name-hint${errors.name ? ` ${id}-name-error` : ''}`}
          onChange={(event) => onName(event.currentTarget.value)}
        />
        <p id={`${id}-name-hint`} className="hint">
          Shown on the consent page, so people know who is asking for access.
        </p>
        {errors.name ? (
          <p id={`${id}-name-error`} className="field-error" role="alert">
            {errors.name}
          </p>
        ) : null}
      </div>
      <div className="field">
        <label htmlFor={`${id}-uris`} className="label">
          Redirect URIs
        </label>
        <textarea
          id={`${id}-uris`}
          className="input mono textarea"
          value={redirectUris}
          rows={3}
          spellCheck={false}
          autoComplete="off"
          placeholder="https://app.example.com/oauth/callback"
          aria-invalid={errors.redirectUris ? true : undefined}
          aria-describedby={`${id}-uris-hint${errors.redirectUris ? ` ${id}-uris-error` : ''}`}
          onChange={(event) => onRedirectUris(event.currentTarget.value)}
        />
        <p id={`${id}-uris-hint`} className="hint">
          One per line, up to 10: https URLs, loopback URLs such as <code>http://127.0.0.1/callback</code>, or
          app schemes such as <code>com.example.app:/callback</code>. An authorization request must name one
          exactly; a public app whose URIs are all loopback may use any port.
        </p>
        {errors.redirectUris ? (
          <p id={`${id}-uris-error`} className="field-error" role="alert">
            {errors.redirectUris}
          </p>
        ) : null}
      </div>
    </>
  );
}

import { type FormEvent, useId, useRef, useState } from 'react';
import { api, ApiProblem } from '../api';
import type { IssuedApiKeyValue } from '../types';
import { useFocusOnMount } from '../ui/hooks';
import { useReauth } from '../ui/reauth';

/** What went wrong with a create request, in the form's words. */
function createError(failure: unknown): string {
  if (!(failure instanceof ApiProblem)) return 'Something went wrong. Try again.';
  switch (failure.code) {
    case 'validation_failed': {
      const name = failure.fieldMessage('name');
      return name === undefined ? failure.detail : `Name ${name}.`;
    }
    case 'rate_limited':
      return `Too many requests. Try again in ${failure.retryAfter ?? 60} seconds.`;
    case 'reauth_required':
      return 'Creating an API key needs you to confirm your password. Try again and confirm it.';
    default:
      return `${failure.detail} Try again.`;
  }
}

/** Props of {@link CreateApiKeyForm}. */
export interface CreateApiKeyFormProps {
  onCreated: (issued: IssuedApiKeyValue) => void;
  onCancel: () => void;
}

/** Names a new API key and creates it; the caller shows its value once. */
export function CreateApiKeyForm({ onCreated, onCancel }: CreateApiKeyFormProps) {
  const id = useId();
  const withReauth = useReauth();
  const inputRef = useRef<HTMLInputElement>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useFocusOnMount(inputRef);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (name.trim() === '') {
      setError('Give the key a name that says which program uses it.');
      inputRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onCreated(await withReauth(() => api.createApiKey({ name: name.trim() })));
    } catch (failure) {
      setError(createError(failure));
      setBusy(false);
      inputRef.current?.focus();
    }
  };

  return (
    <section className="section card stack" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="section-title">
        New API key
      </h2>
      <form noValidate onSubmit={(event) => void submit(event)} className="stack">
        <div className="field">
          <label htmlFor={`${id}-name`} className="label">
            Name
          </label>
          <input
            id={`${id}-name`}
            ref={inputRef}
            className="input"
            value={name}
            maxLength={100}
            autoComplete="off"
            spellCheck={false}
            placeholder="e.g. support-chatbot-prod"
            aria-invalid={error !== null ? true : undefined}
            aria-describedby={`${id}-hint${error !== null ? ` ${id}-error` : ''}`}
            onChange={(event) => setName(event.currentTarget.value)}
          />
          <p id={`${id}-hint`} className="hint">
            Name it after the program that uses it, so you know what stops working when you revoke it.
          </p>
          {error !== null ? (
            <p id={`${id}-error`} className="field-error" role="alert">
              {error}
            </p>
          ) : null}
        </div>
        <div className="form-actions">
          <button type="submit" className="button button-primary" aria-disabled={busy} aria-busy={busy}>
            Create API key
          </button>
          <button type="button" className="button button-quiet" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}

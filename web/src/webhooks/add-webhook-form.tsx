import { WEBHOOK_EVENTS } from '@skytells/contract';
import { type FormEvent, useId, useRef, useState } from 'react';
import { api, ApiProblem } from '../api';
import type { CreatedWebhook, WebhookEvent } from '../types';
import { useFocusOnMount } from '../ui/hooks';

/** What went wrong with an add request, in the form's words. */
function createError(failure: unknown): string {
  if (!(failure instanceof ApiProblem)) return 'Something went wrong. Try again.';
  switch (failure.code) {
    case 'webhook_url_not_allowed':
      return `${failure.detail} Webhooks are delivered to public addresses only.`;
    case 'validation_failed': {
      const url = failure.fieldMessage('url');
      return url === undefined ? failure.detail : `URL ${url}.`;
    }
    case 'rate_limited':
      return `Too many requests. Try again in ${failure.retryAfter ?? 60} seconds.`;
    default:
      return `${failure.detail} Try again.`;
  }
}

/** Props of {@link AddWebhookForm}. */
export interface AddWebhookFormProps {
  onCreated: (created: CreatedWebhook) => void;
  onCancel: () => void;
}

/** The URL and events of a new webhook; the caller shows its signing secret once. */
export function AddWebhookForm({ onCreated, onCancel }: AddWebhookFormProps) {
  const id = useId();
  const urlRef = useRef<HTMLInputElement>(null);
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WebhookEvent[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useFocusOnMount(urlRef);

  const toggle = (event: WebhookEvent, checked: boolean) =>
    setEvents((current) => (checked ? [...current, event] : current.filter((name) => name !== event)));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (url.trim() === '') {
      setError('Enter the https URL that receives the events.');
      urlRef.current?.focus();
      return;
    }
    if (events.length === 0) {
      setError('Choose at least one event.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const ordered = WEBHOOK_EVENTS.filter((name) => events.includes(name));
      onCreated(await api.createWebhook({ url: url.trim(), events: ordered }));
    } catch (failure) {
      setError(createError(failure));
      setBusy(false);
      urlRef.current?.focus();
    }
  };

  return (
    <section className="section card stack" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="section-title">
        New webhook
      </h2>
      <form noValidate onSubmit={(event) => void submit(event)} className="stack">
        <div className="field">
          <label htmlFor={`${id}-url`} className="label">
            URL
          </label>
          <input
            id={`${id}-url`}
            ref={urlRef}
            className="input"
            type="url"
            inputMode="url"
            value={url}
            maxLength={2000}
            autoComplete="off"
            spellCheck={false}
            placeholder="https://example.com/hooks/skytells"
            aria-invalid={error !== null ? true : undefined}
            aria-describedby={`${id}-hint${error !== null ? ` ${id}-error` : ''}`}
            onChange={(event) => setUrl(event.currentTarget.value)}
          />
          <p id={`${id}-hint`} className="hint">
            Each event is POSTed here as JSON, signed with the secret shown after you add it.
          </p>
        </div>
        <fieldset className="field">
          <legend className="label">Events</legend>
          {WEBHOOK_EVENTS.map((name) => (
            <label key={name} className="checkbox">
              <input
                type="checkbox"
                checked={events.includes(name)}
                onChange={(event) => toggle(name, event.currentTarget.checked)}
              />
              <span className="mono">{name}</span>
            </label>
          ))}
        </fieldset>
        {error !== null ? (
          <p id={`${id}-error`} className="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="form-actions">
          <button type="submit" className="button button-primary" aria-disabled={busy} aria-busy={busy}>
            Add webhook
          </button>
          <button type="button" className="button button-quiet" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}

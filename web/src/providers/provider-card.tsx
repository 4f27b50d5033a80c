import { useId, useRef, useState } from 'react';
import { api, ApiProblem } from '../api';
import type { InferenceUsage, Provider, ProviderName } from '../types';
import { ConfirmDialog } from '../ui/dialog';
import { useReauth } from '../ui/reauth';
import { Time } from '../ui/time';
import { UsageText } from '../ui/inference-usage';
import { ProviderKeyForm } from './provider-key-form';

/** What the card says after an action, in its status region. */
interface Outcome {
  tone: 'success' | 'warning';
  text: string;
}

/** The status line after a save: the provider's verdict on the key when it was tested. */
function savedOutcome(saved: Provider, label: string): Outcome {
  if (saved.test === undefined) return { tone: 'success', text: `${label} key saved. It was not tested.` };
  if (saved.test.ok)
    return { tone: 'success', text: `${label} key saved. Test passed: ${saved.test.detail}` };
  return {
    tone: 'warning',
    text: `${label} key saved, but the test failed: ${saved.test.detail} Check the key${
      saved.provider === 'openai_compatible' ? ' and the base URL' : ''
    } and replace it.`,
  };
}

/** Props of {@link ProviderCard}. */
export interface ProviderCardProps {
  provider: ProviderName;
  label: string;
  description: string;
  /** The saved key, masked; `null` when none is saved. */
  saved: Provider | null;
  /** The gateway's counts for this provider; `undefined` when billing is not readable (nothing shown). */
  usage: InferenceUsage | null | undefined;
  now: Date;
  onChange: (provider: ProviderName, saved: Provider | null) => void;
}

/** One provider: its saved key (masked) with Replace and Remove, or a form to add one. */
export function ProviderCard({
  provider,
  label,
  description,
  saved,
  usage,
  now,
  onChange,
}: ProviderCardProps) {
  const id = useId();
  const withReauth = useReauth();
  const [editing, setEditing] = useState(false);
  const [removing, setRemoving] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [error, setError] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const openRef = useRef<HTMLButtonElement>(null);

  const focusLater = (target: { current: HTMLElement | null }) =>
    window.requestAnimationFrame(() => target.current?.focus());

  const open = () => {
    setOutcome(null);
    setError(null);
    setEditing(true);
  };

  const remove = async () => {
    setError(null);
    setBusy(true);
    try {
      await withReauth(() => api.deleteProvider(provider));
      removed();
    } catch (failure) {
      // Already gone (removed in another tab): the outcome the user asked for.
      if (failure instanceof ApiProblem && failure.code === 'not_found') {
        removed();
      } else {
        setRemoving(false);
        setError(
          `The key could not be removed: ${failure instanceof ApiProblem ? failure.detail : 'something went wrong.'} Try again.`,
        );
      }
    } finally {
      setBusy(false);
    }
  };

  const removed = () => {
    setRemoving(false);
    onChange(provider, null);
    setOutcome({ tone: 'success', text: `${label} key removed.` });
    focusLater(openRef);
  };

  return (
    <article className="card stack provider-card" aria-labelledby={`${id}-heading`} data-provider={provider}>
      <header>
        <h2 id={`${id}-heading`} ref={headingRef} className="section-title" tabIndex={-1}>
          {label}
        </h2>
        <p className="muted">{description}</p>
      </header>

      <p role="status" className={outcome === null ? 'visually-hidden' : `alert alert-${outcome.tone}`}>
        {outcome?.text}
      </p>
      {error !== null ? (
        <p className="alert alert-danger" role="alert">
          {error}
        </p>
      ) : null}

      {editing ? (
        <ProviderKeyForm
          provider={provider}
          label={label}
          baseUrl={saved?.base_url ?? null}
          onSaved={(result) => {
            setEditing(false);
            onChange(provider, result);
            setOutcome(savedOutcome(result, label));
            focusLater(headingRef);
          }}
          onCancel={() => {
            setEditing(false);
            focusLater(openRef);
          }}
        />
      ) : saved !== null ? (
        <>
          <dl className="facts facts-inline">
            <div>
              <dt>Key</dt>
              <dd className="mono">{saved.masked}</dd>
            </div>
            {saved.base_url !== null ? (
              <div>
                <dt>Base URL</dt>
                <dd className="mono break">{saved.base_url}</dd>
              </div>
            ) : null}
            <div>
              <dt>Updated</dt>
              <dd>
                <Time at={saved.updated_at} now={now} />
              </dd>
            </div>
            {usage !== undefined ? (
              <div>
                <dt>Usage</dt>
                <dd>
                  <UsageText usage={usage ?? undefined} />
                </dd>
              </div>
            ) : null}
          </dl>
          <div className="form-actions">
            <button ref={openRef} type="button" className="button" onClick={open}>
              Replace key
            </button>
            <button type="button" className="button button-danger-quiet" onClick={() => setRemoving(true)}>
              Remove key
            </button>
          </div>
        </>
      ) : (
        <>
          <p>No key saved: requests for {label} models are refused until you add one.</p>
          <div className="form-actions">
            <button ref={openRef} type="button" className="button button-primary" onClick={open}>
              Add key
            </button>
          </div>
        </>
      )}

      {removing ? (
        <ConfirmDialog
          title={`Remove the ${label} key?`}
          confirmLabel="Remove key"
          tone="danger"
          busy={busy}
          onConfirm={() => void remove()}
          onCancel={() => setRemoving(false)}
        >
          <p>
            The key is deleted from this server. Model requests for {label} are refused with{' '}
            <code>provider_not_configured</code> until you add a key again; other providers are not affected.
          </p>
        </ConfirmDialog>
      ) : null}
    </article>
  );
}

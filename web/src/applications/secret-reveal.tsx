import { useId, useMemo, useRef, useState } from 'react';
import { useLeaveGuard } from '../router';
import type { OAuthApp } from '../types';

/** Props of {@link SecretReveal}. */
export interface SecretRevealProps {
  app: OAuthApp;
  /** The client secret, from the creating response. It lives in this component's props only. */
  secret: string;
  heading: string;
  /** The primary button; the page decides where it goes once the user is done. */
  done: { label: string; onDone: () => void };
}

/**
 * An application's client secret, shown once, as a token value is: a Copy button (clipboard, or
 * select-for-copy as the fallback) and a plain warning. Leaving the page asks first.
 */
export function SecretReveal({ app, secret, heading, done }: SecretRevealProps) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [copyState, setCopyState] = useState<'idle' | 'copied' | 'selected'>('idle');
  const fieldId = useId();
  const hintId = useId();

  const guard = useMemo(
    () => ({
      title: 'Leave without the client secret?',
      message:
        copyState === 'copied'
          ? `You copied the client secret of ${app.name}. Once you leave, it cannot be shown again: make sure it is stored somewhere safe.`
          : `The client secret of ${app.name} will not be shown again. If you have not copied it yet, stay and copy it now.`,
      confirmLabel: 'Leave',
      cancelLabel: 'Stay',
    }),
    [copyState, app.name],
  );
  useLeaveGuard(guard);

  const copy = async () => {
    try {
      if (navigator.clipboard === undefined) throw new Error('no clipboard');
      await navigator.clipboard.writeText(secret);
      setCopyState('copied');
    } catch {
      // No clipboard access (plain http, permissions): select the text so Ctrl+C / ⌘C copies it.
      inputRef.current?.focus();
      inputRef.current?.select();
      setCopyState('selected');
    }
  };

  return (
    <section className="reveal card" aria-labelledby={`${fieldId}-heading`}>
      <h2 id={`${fieldId}-heading`} className="section-title">
        {heading}
      </h2>
      <p className="alert alert-warning" id={hintId}>
        <strong>This is the only time the client secret is shown.</strong> Copy it now into your
        application&apos;s server-side configuration or secrets manager. Never ship it in a mobile app, a
        browser or a public repository. If you lose it, rotate the secret.
      </p>
      <label htmlFor={fieldId} className="label">
        Client secret
      </label>
      <div className="copy-row">
        <input
          id={fieldId}
          ref={inputRef}
          className="input mono copy-input"
          readOnly
          value={secret}
          spellCheck={false}
          autoComplete="off"
          aria-describedby={hintId}
          onFocus={(event) => event.currentTarget.select()}
        />
        <button type="button" className="button button-primary" onClick={() => void copy()}>
          Copy
        </button>
      </div>
      <p className="copy-status" role="status">
        {copyState === 'copied'
          ? 'Copied to the clipboard.'
          : copyState === 'selected'
            ? 'The clipboard is not available here: the secret is selected, press Ctrl+C (⌘C on a Mac) to copy it.'
            : ''}
      </p>
      <dl className="facts facts-inline">
        <div>
          <dt>Application</dt>
          <dd className="break">{app.name}</dd>
        </div>
        <div>
          <dt>Client ID</dt>
          <dd className="mono">{app.client_id}</dd>
        </div>
      </dl>
      <div className="form-actions">
        <button type="button" className="button button-primary" onClick={done.onDone}>
          {done.label}
        </button>
      </div>
    </section>
  );
}

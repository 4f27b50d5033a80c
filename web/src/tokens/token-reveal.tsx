import { useId, useMemo, useRef, useState } from 'react';
import { navigate, useLeaveGuard } from '../router';
import type { Token } from '../types';
import { Expiry, ScopeChips } from './token-bits';

/** Props of {@link TokenReveal}. */
export interface TokenRevealProps {
  token: Token;
  /** The value, from the creating response. It lives in this component's props only. */
  value: string;
  now: Date;
  /** Where the primary button goes; leaving asks for confirmation first. */
  next: { to: string; label: string };
  heading?: string;
}

/**
 * The token value, shown once: a Copy button (clipboard, or select-for-copy as the fallback) and a
 * plain warning. Leaving the page asks first, since the value cannot be shown again.
 */
export function TokenReveal({ token, value, now, next, heading }: TokenRevealProps) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [copyState, setCopyState] = useState<'idle' | 'copied' | 'selected'>('idle');
  const fieldId = useId();
  const hintId = useId();

  const guard = useMemo(
    () => ({
      title: 'Leave without the token value?',
      message:
        copyState === 'copied'
          ? `You copied the value of ${token.name}. Once you leave, it cannot be shown again: make sure it is stored somewhere safe.`
          : `The value of ${token.name} will not be shown again. If you have not copied it yet, stay and copy it now.`,
      confirmLabel: 'Leave',
      cancelLabel: 'Stay',
    }),
    [copyState, token.name],
  );
  useLeaveGuard(guard);

  const selectValue = () => {
    inputRef.current?.focus();
    inputRef.current?.select();
  };

  const copy = async () => {
    try {
      if (navigator.clipboard === undefined) throw new Error('no clipboard');
      await navigator.clipboard.writeText(value);
      setCopyState('copied');
    } catch {
      // No clipboard access (plain http, permissions): select the text so Ctrl+C / ⌘C copies it.
      selectValue();
      setCopyState('selected');
    }
  };

  return (
    <section className="reveal card" aria-labelledby={`${fieldId}-heading`}>
      <h2 id={`${fieldId}-heading`} className="section-title">
        {heading ?? 'Copy your new token'}
      </h2>
      <p className="alert alert-warning" id={hintId}>
        <strong>This is the only time the token value is shown.</strong> Copy it now and store it in a secrets
        manager, a CI/CD secret or an encrypted environment variable. If you lose it, revoke the token and
        create a new one.
      </p>
      <label htmlFor={fieldId} className="label">
        Token value
      </label>
      <div className="copy-row">
        <input
          id={fieldId}
          ref={inputRef}
          className="input mono copy-input"
          readOnly
          value={value}
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
            ? 'The clipboard is not available here: the value is selected, press Ctrl+C (⌘C on a Mac) to copy it.'
            : ''}
      </p>
      <dl className="facts facts-inline">
        <div>
          <dt>Name</dt>
          <dd>{token.name}</dd>
        </div>
        <div>
          <dt>Identifier</dt>
          <dd className="mono">{token.masked}</dd>
        </div>
        <div>
          <dt>Scopes</dt>
          <dd>
            <ScopeChips scopes={token.scopes} max={6} />
          </dd>
        </div>
        <div>
          <dt>Expires</dt>
          <dd>
            <Expiry token={token} now={now} />
          </dd>
        </div>
      </dl>
      <div className="form-actions">
        <button type="button" className="button button-primary" onClick={() => navigate(next.to)}>
          {next.label}
        </button>
      </div>
    </section>
  );
}

import { useId, useRef } from 'react';
import { navigate } from '../router';
import { CopyOnceField } from '../ui/copy-once-field';
import { useFocusOnMount } from '../ui/hooks';
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
  const headingId = useId();
  const hintId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useFocusOnMount(headingRef);
  return (
    <section className="reveal card" aria-labelledby={headingId}>
      <h2 id={headingId} ref={headingRef} className="section-title" tabIndex={-1}>
        {heading ?? 'Copy your new token'}
      </h2>
      <p className="alert alert-warning" id={hintId}>
        <strong>This is the only time the token value is shown.</strong> Copy it now and store it in a secrets
        manager, a CI/CD secret or an encrypted environment variable. If you lose it, revoke the token and
        create a new one.
      </p>
      <CopyOnceField
        label="Token value"
        value={value}
        subject={`the value of ${token.name}`}
        describedBy={hintId}
      />
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

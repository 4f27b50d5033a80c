import { useId, useRef } from 'react';
import { CopyOnceField } from '../ui/copy-once-field';
import { useFocusOnMount } from '../ui/hooks';
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
  const headingId = useId();
  const hintId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useFocusOnMount(headingRef);
  return (
    <section className="reveal card" aria-labelledby={headingId}>
      <h2 id={headingId} ref={headingRef} className="section-title" tabIndex={-1}>
        {heading}
      </h2>
      <p className="alert alert-warning" id={hintId}>
        <strong>This is the only time the client secret is shown.</strong> Copy it now into your
        application&apos;s server-side configuration or secrets manager. Never ship it in a mobile app, a
        browser or a public repository. If you lose it, rotate the secret.
      </p>
      <CopyOnceField
        label="Client secret"
        value={secret}
        subject={`the client secret of ${app.name}`}
        describedBy={hintId}
      />
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

import { useId, useRef } from 'react';
import { CopyOnceField } from '../ui/copy-once-field';
import { useFocusOnMount } from '../ui/hooks';
import type { IssuedApiKeyValue } from '../types';

/** Props of {@link ApiKeyReveal}. */
export interface ApiKeyRevealProps {
  /** The key and its value, from the creating or rolling response; the value lives in these props only. */
  issued: IssuedApiKeyValue;
  heading: string;
  onDone: () => void;
}

/**
 * A new API key's value, shown once, as a token value is: a Copy button (clipboard, or
 * select-for-copy as the fallback) and a plain warning. Leaving the page asks first.
 */
export function ApiKeyReveal({ issued, heading, onDone }: ApiKeyRevealProps) {
  const headingId = useId();
  const hintId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useFocusOnMount(headingRef);
  const { apiKey, value } = issued;
  return (
    <section className="reveal card" aria-labelledby={headingId}>
      <h2 id={headingId} ref={headingRef} className="section-title" tabIndex={-1}>
        {heading}
      </h2>
      <p className="alert alert-warning" id={hintId}>
        <strong>You won&apos;t see this key again.</strong> Copy it now into the secrets manager or the
        environment variable of the program that calls the model gateway. If you lose it, roll the key or
        create a new one.
      </p>
      <CopyOnceField
        label="Key value"
        value={value}
        subject={`the key of ${apiKey.name}`}
        describedBy={hintId}
      />
      <dl className="facts facts-inline">
        <div>
          <dt>Name</dt>
          <dd className="break">{apiKey.name}</dd>
        </div>
        <div>
          <dt>Identifier</dt>
          <dd className="mono">{apiKey.masked}</dd>
        </div>
      </dl>
      <div className="form-actions">
        <button type="button" className="button button-primary" onClick={onDone}>
          Done
        </button>
      </div>
    </section>
  );
}

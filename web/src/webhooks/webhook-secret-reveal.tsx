import { useId, useRef } from 'react';
import type { CreatedWebhook } from '../types';
import { CopyOnceField } from '../ui/copy-once-field';
import { useFocusOnMount } from '../ui/hooks';

/** Props of {@link WebhookSecretReveal}. */
export interface WebhookSecretRevealProps {
  /** The creation response; the secret lives in these props only. */
  created: CreatedWebhook;
  onDone: () => void;
}

/** A new webhook's signing secret, shown once, with Copy. Leaving the page asks first. */
export function WebhookSecretReveal({ created, onDone }: WebhookSecretRevealProps) {
  const headingId = useId();
  const hintId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useFocusOnMount(headingRef);
  return (
    <section className="reveal card" aria-labelledby={headingId}>
      <h2 id={headingId} ref={headingRef} className="section-title" tabIndex={-1}>
        Copy the signing secret
      </h2>
      <p className="alert alert-warning" id={hintId}>
        <strong>You won&apos;t see this secret again.</strong> Your receiver checks the{' '}
        <code>Skytells-Signature</code> header of every delivery with it. If you lose it, delete the webhook
        and add it again.
      </p>
      <CopyOnceField
        label="Signing secret"
        value={created.secret}
        subject={`the signing secret of ${created.url}`}
        describedBy={hintId}
      />
      <div className="form-actions">
        <button type="button" className="button button-primary" onClick={onDone}>
          Done
        </button>
      </div>
    </section>
  );
}

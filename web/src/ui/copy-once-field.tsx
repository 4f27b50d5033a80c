import { useId, useMemo, useRef, useState } from 'react';
import { useLeaveGuard } from '../router';

/** Props of {@link CopyOnceField}. */
export interface CopyOnceFieldProps {
  /** The field's label, e.g. "Token value". */
  label: string;
  /** The secret; it lives in this component's props only. */
  value: string;
  /** What the secret is, in a sentence: "the value of deploy-bot", "the client secret of Acme". */
  subject: string;
  /** Id of the warning that describes the field. */
  describedBy: string;
}

/**
 * A secret shown once: read-only field, a Copy button (clipboard, or select-for-copy as the
 * fallback), a status line, and a guard that asks before the page is left, since the secret cannot be
 * shown again.
 */
export function CopyOnceField({ label, value, subject, describedBy }: CopyOnceFieldProps) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [copyState, setCopyState] = useState<'idle' | 'copied' | 'selected'>('idle');
  const fieldId = useId();

  const guard = useMemo(
    () => ({
      title: `Leave without the ${label.toLowerCase()}?`,
      message:
        copyState === 'copied'
          ? `You copied ${subject}. Once you leave, it cannot be shown again: make sure it is stored somewhere safe.`
          : `${subject.charAt(0).toUpperCase()}${subject.slice(1)} will not be shown again. If you have not copied it yet, stay and copy it now.`,
      confirmLabel: 'Leave',
      cancelLabel: 'Stay',
    }),
    [copyState, label, subject],
  );
  useLeaveGuard(guard);

  const copy = async () => {
    try {
      if (navigator.clipboard === undefined) throw new Error('no clipboard');
      await navigator.clipboard.writeText(value);
      setCopyState('copied');
    } catch {
      // No clipboard access (plain http, permissions): select the text so Ctrl+C / ⌘C copies it.
      inputRef.current?.focus();
      inputRef.current?.select();
      setCopyState('selected');
    }
  };

  return (
    <>
      <label htmlFor={fieldId} className="label">
        {label}
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
          aria-describedby={describedBy}
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
            ? `The clipboard is not available here: the ${label.toLowerCase()} is selected, press Ctrl+C (⌘C on a Mac) to copy it.`
            : ''}
      </p>
    </>
  );
}

import { useId, useMemo, useRef, useState } from 'react';
import { useLeaveGuard } from '../router';
import { useFocusOnMount } from '../ui/hooks';

/**
 * Recovery codes, shown once: a list, a Copy button that copies them all, and a guard that asks
 * before the page is left, since they cannot be shown again.
 */
export function RecoveryCodesReveal({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const headingId = useId();
  const hintId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const [copyState, setCopyState] = useState<'idle' | 'copied' | 'selected'>('idle');
  useFocusOnMount(headingRef);

  const guard = useMemo(
    () => ({
      title: 'Leave without the recovery codes?',
      message:
        copyState === 'copied'
          ? 'You copied the recovery codes. Once you leave, they cannot be shown again: make sure they are stored somewhere safe.'
          : 'The recovery codes will not be shown again. If you have not saved them yet, stay and copy them now.',
      confirmLabel: 'Leave',
      cancelLabel: 'Stay',
    }),
    [copyState],
  );
  useLeaveGuard(guard);

  const copy = async () => {
    try {
      if (navigator.clipboard === undefined) throw new Error('no clipboard');
      await navigator.clipboard.writeText(`${codes.join('\n')}\n`);
      setCopyState('copied');
    } catch {
      // No clipboard access (plain http, permissions): select the list so Ctrl+C / ⌘C copies it.
      const list = listRef.current;
      if (list !== null) window.getSelection()?.selectAllChildren(list);
      setCopyState('selected');
    }
  };

  return (
    <section className="reveal card" aria-labelledby={headingId}>
      <h2 id={headingId} ref={headingRef} className="section-title" tabIndex={-1}>
        Recovery codes
      </h2>
      <p className="alert alert-warning" id={hintId}>
        <strong>This is the only time these codes are shown.</strong> Each one signs you in once if you lose
        your authenticator app. Keep them in a password manager or another safe place.
      </p>
      <ol ref={listRef} className="recovery-codes mono" aria-describedby={hintId}>
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ol>
      <p className="copy-status" role="status">
        {copyState === 'copied'
          ? 'Copied to the clipboard.'
          : copyState === 'selected'
            ? 'The clipboard is not available here: the codes are selected, press Ctrl+C (⌘C on a Mac) to copy them.'
            : ''}
      </p>
      <div className="form-actions">
        <button type="button" className="button button-primary" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" className="button" onClick={onDone}>
          Done
        </button>
      </div>
    </section>
  );
}

import { type KeyboardEvent, type ReactNode, useCallback, useEffect, useId, useRef, useState } from 'react';
import { ApiProblem } from '../api';

/** Props of {@link ConfirmDialog}. */
export interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  tone?: 'danger' | 'primary';
  busy?: boolean;
  error?: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}

const FOCUSABLE =
  'button:not(:disabled), a[href], input:not(:disabled), select:not(:disabled), textarea:not(:disabled)';

/**
 * Tab from the last control goes to the first, Shift+Tab from the first to the last: a modal
 * `<dialog>` alone lets the focus leave the page for the browser's own controls (WAI-ARIA APG, Dialog).
 */
export function wrapFocus(event: KeyboardEvent<HTMLDialogElement>): void {
  if (event.key !== 'Tab') return;
  const controls = [...event.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE)];
  const first = controls[0];
  const last = controls.at(-1);
  if (first === undefined || last === undefined) return;
  const active = document.activeElement;
  if (event.shiftKey && (active === first || !event.currentTarget.contains(active))) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (active === last || !event.currentTarget.contains(active))) {
    event.preventDefault();
    first.focus();
  }
}

/**
 * Gives the focus back to the control that opened a dialog; when that control is gone or disabled
 * (a revoked row's Revoke), to the first control of its row or card, else to the page's content.
 */
export function returnFocus(opener: Element | null): void {
  if (opener instanceof HTMLElement && opener.isConnected && !opener.matches(':disabled')) {
    opener.focus();
    return;
  }
  const near = opener?.isConnected ? opener.closest('tr, li, article, section, form') : null;
  const fallback = near?.querySelector<HTMLElement>(FOCUSABLE) ?? document.getElementById('main');
  fallback?.focus();
}

/**
 * A modal confirmation on the native `<dialog>`: focus moves in and is trapped, Escape cancels, the
 * page behind is inert, and focus returns to the opener on close.
 */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const bodyId = useId();
  const { onCancel } = props;

  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return undefined;
    const opener = document.activeElement;
    if (!dialog.open) dialog.showModal();
    // The safe answer has the focus: Enter never destroys anything by accident.
    cancelRef.current?.focus();
    return () => {
      if (dialog.open) dialog.close();
      returnFocus(opener);
    };
  }, []);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return undefined;
    const cancel = (event: Event) => {
      event.preventDefault();
      onCancel();
    };
    dialog.addEventListener('cancel', cancel);
    return () => dialog.removeEventListener('cancel', cancel);
  }, [onCancel]);

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onKeyDown={wrapFocus}
    >
      <h2 id={titleId} className="dialog-title">
        {props.title}
      </h2>
      <div id={bodyId} className="dialog-body">
        {props.children}
      </div>
      {props.error ? (
        <p className="alert alert-danger" role="alert">
          {props.error}
        </p>
      ) : null}
      <div className="dialog-actions">
        <button
          type="button"
          ref={cancelRef}
          className="button"
          onClick={props.onCancel}
          disabled={props.busy}
        >
          {props.cancelLabel ?? 'Cancel'}
        </button>
        <button
          type="button"
          className={props.tone === 'danger' ? 'button button-danger' : 'button button-primary'}
          onClick={props.onConfirm}
          disabled={props.busy}
        >
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

/** Props of {@link ActionDialog}. */
export interface ActionDialogProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** Does what the dialog asks about; resolves once it is done. */
  action: () => Promise<void>;
  /** Said when the action fails without a problem from the server: "The webhook could not be deleted." */
  failure: string;
  /** After the action succeeded. */
  onDone: () => void;
  onClose: () => void;
}

/**
 * A {@link ConfirmDialog} for a destructive action: runs it on confirmation, keeps both buttons
 * disabled meanwhile, and shows why it failed, with the server's explanation when there is one.
 */
export function ActionDialog({ action, failure, onDone, onClose, ...props }: ActionDialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await action();
      onDone();
    } catch (problem) {
      setError(`${problem instanceof ApiProblem ? problem.detail : failure} Try again.`);
      setBusy(false);
    }
  };

  const cancel = useCallback(() => {
    if (!busy) onClose();
  }, [busy, onClose]);

  return (
    <ConfirmDialog
      {...props}
      tone="danger"
      busy={busy}
      error={error}
      onConfirm={() => void confirm()}
      onCancel={cancel}
    />
  );
}

import { type ReactNode, useEffect, useId, useRef } from 'react';

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
    if (!dialog.open) dialog.showModal();
    // The safe answer has the focus: Enter never destroys anything by accident.
    cancelRef.current?.focus();
    const cancel = (event: Event) => {
      event.preventDefault();
      onCancel();
    };
    dialog.addEventListener('cancel', cancel);
    return () => {
      dialog.removeEventListener('cancel', cancel);
      if (dialog.open) dialog.close();
    };
  }, [onCancel]);

  return (
    <dialog ref={ref} className="dialog" aria-labelledby={titleId} aria-describedby={bodyId}>
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

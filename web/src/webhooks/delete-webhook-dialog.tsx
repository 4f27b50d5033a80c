import { useCallback, useState } from 'react';
import { api, ApiProblem } from '../api';
import type { Webhook } from '../types';
import { ConfirmDialog } from '../ui/dialog';

/** Props of {@link DeleteWebhookDialog}. */
export interface DeleteWebhookDialogProps {
  webhook: Webhook;
  onDeleted: (webhook: Webhook) => void;
  onClose: () => void;
}

/** Asks before deleting a webhook; deletes on confirmation. */
export function DeleteWebhookDialog({ webhook, onDeleted, onClose }: DeleteWebhookDialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.deleteWebhook(webhook.id);
      onDeleted(webhook);
    } catch (failure) {
      setError(
        failure instanceof ApiProblem
          ? `${failure.detail} Try again.`
          : 'The webhook could not be deleted. Try again.',
      );
      setBusy(false);
    }
  };

  const cancel = useCallback(() => {
    if (!busy) onClose();
  }, [busy, onClose]);

  return (
    <ConfirmDialog
      title="Delete this webhook?"
      confirmLabel="Delete webhook"
      tone="danger"
      busy={busy}
      error={error}
      onConfirm={() => void confirm()}
      onCancel={cancel}
    >
      <p>
        <span className="mono break">{webhook.url}</span> receives no more events. Deliveries still due are
        dropped, and its delivery log goes with it.
      </p>
    </ConfirmDialog>
  );
}

import { api, deleted } from '../api';
import type { Webhook } from '../types';
import { ActionDialog } from '../ui/dialog';

/** Props of {@link DeleteWebhookDialog}. */
export interface DeleteWebhookDialogProps {
  webhook: Webhook;
  onDeleted: (webhook: Webhook) => void;
  onClose: () => void;
}

/** Asks before deleting a webhook; deletes on confirmation. */
export function DeleteWebhookDialog({ webhook, onDeleted, onClose }: DeleteWebhookDialogProps) {
  return (
    <ActionDialog
      title="Delete this webhook?"
      confirmLabel="Delete webhook"
      action={() => deleted(api.deleteWebhook(webhook.id))}
      failure="The webhook could not be deleted."
      onDone={() => onDeleted(webhook)}
      onClose={onClose}
    >
      <p>
        <span className="mono break">{webhook.url}</span> receives no more events. Deliveries still due are
        dropped, and its delivery log goes with it.
      </p>
    </ActionDialog>
  );
}

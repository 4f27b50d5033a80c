import { api, deleted } from '../api';
import type { Workload } from '../types';
import { ActionDialog } from '../ui/dialog';

/** Props of {@link DeleteWorkloadDialog}. */
export interface DeleteWorkloadDialogProps {
  workload: Workload;
  onDeleted: (workload: Workload) => void;
  onClose: () => void;
}

/** Asks before deleting a workload; deletes on confirmation. */
export function DeleteWorkloadDialog({ workload, onDeleted, onClose }: DeleteWorkloadDialogProps) {
  return (
    <ActionDialog
      title="Delete this workload?"
      confirmLabel="Delete workload"
      action={() => deleted(api.deleteWorkload(workload.id))}
      failure="The workload could not be deleted."
      onDone={() => onDeleted(workload)}
      onClose={onClose}
    >
      <p>
        Jobs can no longer exchange their ID tokens as <strong className="break">{workload.name}</strong>.
        Tokens it issued before keep working until they expire, within {Math.round(workload.ttl_seconds / 60)}{' '}
        minutes, unless you revoke them under Tokens.
      </p>
    </ActionDialog>
  );
}

import { useCallback, useState } from 'react';
import { api, ApiProblem } from '../api';
import type { Workload } from '../types';
import { ConfirmDialog } from '../ui/dialog';

/** Props of {@link DeleteWorkloadDialog}. */
export interface DeleteWorkloadDialogProps {
  workload: Workload;
  onDeleted: (workload: Workload) => void;
  onClose: () => void;
}

/** Asks before deleting a workload; deletes on confirmation. */
export function DeleteWorkloadDialog({ workload, onDeleted, onClose }: DeleteWorkloadDialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.deleteWorkload(workload.id);
      onDeleted(workload);
    } catch (failure) {
      if (failure instanceof ApiProblem && failure.status === 404) {
        // Already gone: what the user asked for.
        onDeleted(workload);
        return;
      }
      setError(
        failure instanceof ApiProblem
          ? `${failure.detail} Try again.`
          : 'The workload could not be deleted. Try again.',
      );
      setBusy(false);
    }
  };

  const cancel = useCallback(() => {
    if (!busy) onClose();
  }, [busy, onClose]);

  return (
    <ConfirmDialog
      title="Delete this workload?"
      confirmLabel="Delete workload"
      tone="danger"
      busy={busy}
      error={error}
      onConfirm={() => void confirm()}
      onCancel={cancel}
    >
      <p>
        Jobs can no longer exchange their ID tokens as <strong className="break">{workload.name}</strong>.
        Tokens it issued before keep working until they expire, within {Math.round(workload.ttl_seconds / 60)}{' '}
        minutes, unless you revoke them under Tokens.
      </p>
    </ConfirmDialog>
  );
}

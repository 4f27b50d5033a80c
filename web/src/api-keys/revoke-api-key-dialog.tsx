import { useCallback, useState } from 'react';
import { api, ApiProblem } from '../api';
import type { ApiKey } from '../types';
import { ConfirmDialog } from '../ui/dialog';
import { useReauth } from '../ui/reauth';

/** Props of {@link RevokeApiKeyDialog}. */
export interface RevokeApiKeyDialogProps {
  apiKey: ApiKey;
  onRevoked: (apiKey: ApiKey) => void;
  onClose: () => void;
}

/** Asks before revoking an API key, naming what stops working; revokes on confirmation, at once. */
export function RevokeApiKeyDialog({ apiKey, onRevoked, onClose }: RevokeApiKeyDialogProps) {
  const withReauth = useReauth();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await withReauth(() => api.revokeApiKey(apiKey.id));
      onRevoked({ ...apiKey, status: 'revoked', revoked_at: new Date().toISOString() });
    } catch (failure) {
      setError(
        failure instanceof ApiProblem
          ? `${failure.detail} Try again.`
          : 'The API key could not be revoked. Try again.',
      );
      setBusy(false);
    }
  };

  const cancel = useCallback(() => {
    if (!busy) onClose();
  }, [busy, onClose]);

  return (
    <ConfirmDialog
      title={`Revoke ${apiKey.name}?`}
      confirmLabel="Revoke key"
      tone="danger"
      busy={busy}
      error={error}
      onConfirm={() => void confirm()}
      onCancel={cancel}
    >
      <p>
        <span className="mono">{apiKey.masked}</span> stops working at once: the next model request made with
        it is refused.
      </p>
      <p>This cannot be undone. Other API keys and your access tokens are not affected.</p>
    </ConfirmDialog>
  );
}

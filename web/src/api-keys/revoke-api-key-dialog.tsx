import { api } from '../api';
import type { ApiKey } from '../types';
import { ActionDialog } from '../ui/dialog';
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
  return (
    <ActionDialog
      title={`Revoke ${apiKey.name}?`}
      confirmLabel="Revoke key"
      action={() => withReauth(() => api.revokeApiKey(apiKey.id))}
      failure="The API key could not be revoked."
      onDone={() => onRevoked({ ...apiKey, status: 'revoked', revoked_at: new Date().toISOString() })}
      onClose={onClose}
    >
      <p>
        <span className="mono">{apiKey.masked}</span> stops working at once: the next model request made with
        it is refused.
      </p>
      <p>This cannot be undone. Other API keys and your access tokens are not affected.</p>
    </ActionDialog>
  );
}

import { api } from '../api';
import type { Token } from '../types';
import { ActionDialog } from '../ui/dialog';

/** Props of {@link RevokeDialog}. */
export interface RevokeDialogProps {
  token: Token;
  onRevoked: (token: Token) => void;
  onClose: () => void;
  /** The confirm button's label; "Revoke token" by default. */
  confirmLabel?: string;
  /** A warning to show first, e.g. that the replacement was never used. */
  warning?: string | undefined;
}

/** Asks before revoking, naming the token and what stops working; revokes on confirmation. */
export function RevokeDialog({ token, onRevoked, onClose, confirmLabel, warning }: RevokeDialogProps) {
  return (
    <ActionDialog
      title={`Revoke ${token.name}?`}
      confirmLabel={confirmLabel ?? 'Revoke token'}
      action={() => api.revokeToken(token.id)}
      failure="The token could not be revoked."
      onDone={() => onRevoked({ ...token, status: 'revoked', revoked_at: new Date().toISOString() })}
      onClose={onClose}
    >
      {warning ? <p className="alert alert-warning">{warning}</p> : null}
      <p>
        <span className="mono">{token.masked}</span> stops working at once. Anything that uses it — the CLI on
        a laptop, a CI/CD pipeline, an integration — will be refused with <code>token_revoked</code> from its
        next request, and loses access to: <strong>{token.scopes.join(', ')}</strong>.
      </p>
      <p>This cannot be undone. Other tokens are not affected.</p>
    </ActionDialog>
  );
}

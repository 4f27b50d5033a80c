import { useCallback, useEffect, useState } from 'react';
import { api, ApiProblem } from '../api';
import { Link } from '../router';
import { LastUsed, ScopeChips } from '../tokens/token-bits';
import type { AuthorizedApp } from '../types';
import { ConfirmDialog } from '../ui/dialog';
import { usePolling, useNow } from '../ui/hooks';
import { Time } from '../ui/time';

/** How often the list refreshes while visible: a CLI login elsewhere shows up without a reload. */
const REFRESH_MS = 10_000;

/** "Authorized apps": applications holding tokens of this account, each revocable as a whole. */
export function AuthorizedApps() {
  const now = useNow(15_000);
  const [apps, setApps] = useState<AuthorizedApp[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<AuthorizedApp | null>(null);
  const [busy, setBusy] = useState(false);
  const [dialogError, setDialogError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setApps((await api.authorizedApps()).data);
      setError(null);
    } catch (failure) {
      setError(failure instanceof ApiProblem ? failure.detail : 'The authorized apps could not be loaded.');
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);
  usePolling(() => void load(), REFRESH_MS, apps !== null && revoking === null);

  const close = useCallback(() => {
    if (busy) return;
    setRevoking(null);
    setDialogError(null);
  }, [busy]);

  const revoke = async () => {
    if (revoking === null) return;
    setBusy(true);
    setDialogError(null);
    try {
      await api.revokeAuthorizedApp(revoking.client_id);
      setApps((current) => (current ?? []).filter((app) => app.client_id !== revoking.client_id));
      setRevoking(null);
    } catch (failure) {
      setDialogError(
        failure instanceof ApiProblem ? failure.detail : 'Access could not be revoked. Try again.',
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="section" aria-labelledby="authorized-apps-heading">
      <header className="section-header">
        <div>
          <h2 id="authorized-apps-heading" className="section-title">
            Authorized apps
          </h2>
          <p className="muted">
            Applications you gave access to your account, such as the Skytells CLI, with the tokens they hold.
          </p>
        </div>
      </header>

      {error !== null ? (
        <p className="alert alert-danger" role="alert">
          {error}
        </p>
      ) : null}

      {apps === null ? (
        error === null ? (
          <p className="muted" aria-busy="true">
            Loading authorized apps…
          </p>
        ) : null
      ) : apps.length === 0 ? (
        <p className="empty-note">No application holds a token of your account.</p>
      ) : (
        apps.map((app) => (
          <article
            key={app.client_id}
            className="card authorized-app"
            aria-labelledby={`authorized-${app.client_id}`}
            data-client-id={app.client_id}
          >
            <header className="section-header">
              <div>
                <h3 id={`authorized-${app.client_id}`} className="authorized-app-name break">
                  {app.name}
                </h3>
                <p className="cell-sub">
                  {app.official ? (
                    <span className="badge badge-info">Official Skytells application</span>
                  ) : (
                    <span className="badge badge-warning">Third-party application</span>
                  )}{' '}
                  <span className="mono">{app.client_id}</span>
                </p>
              </div>
              <button
                type="button"
                className="button button-small button-danger-quiet"
                onClick={() => setRevoking(app)}
              >
                Revoke access
              </button>
            </header>
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">Tokens held by {app.name}</caption>
                <thead>
                  <tr>
                    <th scope="col">Token</th>
                    <th scope="col">Scopes</th>
                    <th scope="col">Created</th>
                    <th scope="col">Last used</th>
                  </tr>
                </thead>
                <tbody>
                  {app.tokens.map((token) => (
                    <tr key={token.id} data-token-id={token.id}>
                      <th scope="row" data-label="Token">
                        <Link to={`/settings/tokens/${token.id}`} className="token-name">
                          {token.name}
                        </Link>
                        <span className="cell-sub mono">{token.masked}</span>
                      </th>
                      <td data-label="Scopes">
                        <ScopeChips scopes={token.scopes} />
                      </td>
                      <td data-label="Created">
                        <Time at={token.created_at} now={now} />
                      </td>
                      <td data-label="Last used">
                        <LastUsed token={token} now={now} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </article>
        ))
      )}

      {revoking !== null ? (
        <ConfirmDialog
          title={`Revoke access of ${revoking.name}?`}
          confirmLabel="Revoke access"
          tone="danger"
          busy={busy}
          error={dialogError}
          onConfirm={() => void revoke()}
          onCancel={close}
        >
          <p>
            {revoking.tokens.length === 1
              ? 'Its token stops working at once'
              : `All ${revoking.tokens.length} of its tokens stop working at once`}
            : {revoking.name} will be refused with <code>token_revoked</code> from its next request.
          </p>
          <p>It can ask for access again; you would see its consent page.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

import { useCallback, useEffect, useState } from 'react';
import { api, ApiProblem } from '../api';
import { Link, navigate } from '../router';
import type { IssuedAppSecret, OAuthApp } from '../types';
import { ConfirmDialog } from '../ui/dialog';
import { useNow } from '../ui/hooks';
import { Time } from '../ui/time';
import { RedirectUriList, typeLabel } from './app-bits';
import { SecretReveal } from './secret-reveal';

type Pending = { action: 'rotate' | 'delete'; app: OAuthApp };

function problemText(failure: unknown, fallback: string): string {
  return failure instanceof ApiProblem ? failure.detail : fallback;
}

/** "Your applications": the OAuth applications this account registered, with edit, rotate and delete. */
export function YourApplications() {
  const now = useNow();
  const [apps, setApps] = useState<OAuthApp[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [rotated, setRotated] = useState<IssuedAppSecret | null>(null);

  const load = useCallback(async () => {
    try {
      setApps((await api.listApps()).data);
      setError(null);
    } catch (failure) {
      setError(problemText(failure, 'The applications could not be loaded.'));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const close = useCallback(() => {
    if (busy) return;
    setPending(null);
    setDialogError(null);
  }, [busy]);

  const confirm = async () => {
    if (pending === null) return;
    setBusy(true);
    setDialogError(null);
    try {
      if (pending.action === 'rotate') {
        setRotated(await api.rotateAppSecret(pending.app.client_id));
      } else {
        await api.deleteApp(pending.app.client_id);
        setApps((current) => (current ?? []).filter((app) => app.client_id !== pending.app.client_id));
      }
      setPending(null);
    } catch (failure) {
      setDialogError(problemText(failure, 'That did not work. Try again.'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="section" aria-labelledby="your-apps-heading">
      <header className="section-header">
        <div>
          <h2 id="your-apps-heading" className="section-title">
            Your applications
          </h2>
          <p className="muted">
            Applications you build that ask people for access to their Skytells account through OAuth 2.
          </p>
        </div>
        <button
          type="button"
          className="button button-primary"
          onClick={() => navigate('/settings/applications/new')}
        >
          Register application
        </button>
      </header>

      {rotated !== null && rotated.secret !== null ? (
        <SecretReveal
          app={rotated.app}
          secret={rotated.secret}
          heading={`Copy the new client secret of ${rotated.app.name}`}
          done={{ label: 'Done', onDone: () => setRotated(null) }}
        />
      ) : null}

      {error !== null ? (
        <p className="alert alert-danger" role="alert">
          {error}
        </p>
      ) : null}

      {apps === null ? (
        error === null ? (
          <p className="muted" aria-busy="true">
            Loading applications…
          </p>
        ) : null
      ) : apps.length === 0 ? (
        <p className="empty-note">You have not registered any application.</p>
      ) : (
        <div className="table-wrap">
          <table className="table app-table">
            <caption className="visually-hidden">Your applications</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Redirect URIs</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {apps.map((app) => (
                <tr key={app.client_id} data-client-id={app.client_id}>
                  <th scope="row" data-label="Name">
                    <Link to={`/settings/applications/${app.client_id}`} className="token-name">
                      {app.name}
                    </Link>
                    <span className="cell-sub mono" title="Client ID">
                      {app.client_id}
                    </span>
                  </th>
                  <td data-label="Type">{typeLabel(app.type)}</td>
                  <td data-label="Redirect URIs">
                    <RedirectUriList uris={app.redirect_uris} />
                  </td>
                  <td data-label="Created">
                    <Time at={app.created_at} now={now} />
                  </td>
                  <td className="actions">
                    <button
                      type="button"
                      className="button button-small"
                      onClick={() => navigate(`/settings/applications/${app.client_id}`)}
                    >
                      Edit
                    </button>
                    {app.type === 'confidential' ? (
                      <button
                        type="button"
                        className="button button-small"
                        onClick={() => setPending({ action: 'rotate', app })}
                      >
                        Rotate secret
                      </button>
                    ) : null}
                    <button
                      type="button"
                      className="button button-small button-danger-quiet"
                      onClick={() => setPending({ action: 'delete', app })}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {pending?.action === 'rotate' ? (
        <ConfirmDialog
          title={`Rotate the secret of ${pending.app.name}?`}
          confirmLabel="Rotate secret"
          tone="danger"
          busy={busy}
          error={dialogError}
          onConfirm={() => void confirm()}
          onCancel={close}
        >
          <p>
            A new client secret is created and shown once. The current secret stops working at once:{' '}
            {pending.app.name} cannot redeem authorization codes until it uses the new one.
          </p>
          <p>Tokens it already holds keep working.</p>
        </ConfirmDialog>
      ) : null}
      {pending?.action === 'delete' ? (
        <ConfirmDialog
          title={`Delete ${pending.app.name}?`}
          confirmLabel="Delete application"
          tone="danger"
          busy={busy}
          error={dialogError}
          onConfirm={() => void confirm()}
          onCancel={close}
        >
          <p>
            <strong>Every token it holds will be revoked</strong>, for every person who authorized it, and its
            client ID <span className="mono">{pending.app.client_id}</span> stops working at once.
          </p>
          <p>This cannot be undone.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

import { useCallback, useEffect, useState } from 'react';
import { api, ApiProblem } from '../api';
import type { ActiveSession } from '../types';
import { ConfirmDialog } from '../ui/dialog';
import { useNow } from '../ui/hooks';
import { Time } from '../ui/time';

/** What the confirmation dialog is about to end: one session, or every other one. */
type Pending = { kind: 'one'; session: ActiveSession } | { kind: 'others' };

/** "Sessions": where the account is signed in, with a way to end any other session. */
export function SessionsSection({ reloadKey }: { reloadKey: number }) {
  const now = useNow(30_000);
  const [sessions, setSessions] = useState<ActiveSession[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);
  const [dialogError, setDialogError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const { data } = await api.listSessions();
      // This session first, then the others, most recently active first (the API's order).
      setSessions([...data.filter((s) => s.current), ...data.filter((s) => !s.current)]);
      setError(null);
    } catch (failure) {
      setError(failure instanceof ApiProblem ? failure.detail : 'Your sessions could not be loaded.');
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load, reloadKey]);

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
      if (pending.kind === 'one') {
        await api.revokeSession(pending.session.id);
        setNotice(`Signed out ${pending.session.device}.`);
      } else {
        const { revoked } = await api.revokeOtherSessions();
        setNotice(revoked === 1 ? 'Signed out 1 other session.' : `Signed out ${revoked} other sessions.`);
      }
      setPending(null);
      await load();
    } catch (failure) {
      setDialogError(
        failure instanceof ApiProblem ? failure.detail : 'The session could not be ended. Try again.',
      );
    } finally {
      setBusy(false);
    }
  };

  const others = (sessions ?? []).filter((session) => !session.current);

  return (
    <section className="section" aria-labelledby="sessions-heading">
      <header className="section-header">
        <div>
          <h2 id="sessions-heading" className="section-title">
            Sessions
          </h2>
          <p className="muted">
            Browsers signed in to your account. A session ends after 14 days without use. Sign out any you do
            not recognise, then change your password.
          </p>
        </div>
        <button
          type="button"
          className="button button-small button-danger-quiet"
          onClick={() => setPending({ kind: 'others' })}
          disabled={sessions === null || others.length === 0}
        >
          Sign out other sessions
        </button>
      </header>

      {error !== null ? (
        <p className="alert alert-danger" role="alert">
          {error}
        </p>
      ) : null}
      {notice !== null ? (
        <p className="alert alert-success" role="status">
          {notice}
        </p>
      ) : null}

      {sessions === null ? (
        error === null ? (
          <p className="muted" aria-busy="true">
            Loading sessions…
          </p>
        ) : null
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Your active sessions</caption>
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">IP address</th>
                <th scope="col">Signed in</th>
                <th scope="col">Last active</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((session) => (
                <tr key={session.id} data-session-id={session.id}>
                  <th scope="row" data-label="Device">
                    <span title={session.user_agent ?? undefined}>{session.device}</span>
                    {session.current ? (
                      <>
                        {' '}
                        <span className="badge badge-info">This session</span>
                      </>
                    ) : null}
                  </th>
                  <td data-label="IP address" className="mono">
                    {session.ip ?? 'unknown'}
                  </td>
                  <td data-label="Signed in">
                    <Time at={session.created_at} now={now} />
                  </td>
                  <td data-label="Last active">
                    {session.current ? 'Now' : <Time at={session.last_seen_at} now={now} />}
                  </td>
                  <td data-label="Actions">
                    {session.current ? null : (
                      <button
                        type="button"
                        className="button button-small button-danger-quiet"
                        aria-label={`Sign out ${session.device}, ${session.ip ?? 'unknown address'}`}
                        onClick={() => setPending({ kind: 'one', session })}
                      >
                        Sign out
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {pending !== null ? (
        <ConfirmDialog
          title={pending.kind === 'one' ? `Sign out ${pending.session.device}?` : 'Sign out other sessions?'}
          confirmLabel={pending.kind === 'one' ? 'Sign out' : 'Sign out other sessions'}
          tone="danger"
          busy={busy}
          error={dialogError}
          onConfirm={() => void confirm()}
          onCancel={close}
        >
          <p>
            {pending.kind === 'one'
              ? `The session from ${pending.session.ip ?? 'an unknown address'} ends at once; signing in again needs the password.`
              : `Every session but this one ends at once (${others.length}); signing in again needs the password.`}
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

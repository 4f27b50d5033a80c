import { type FormEvent, useId, useState } from 'react';
import { api, ApiProblem } from '../api';
import { retryText } from '../auth/auth-layout';
import { useReauth } from '../ui/reauth';

function changeError(failure: unknown): string {
  if (!(failure instanceof ApiProblem)) return 'Something went wrong. Try again.';
  switch (failure.code) {
    case 'current_password_incorrect':
      return 'The current password is wrong.';
    case 'reauth_required':
      return 'The password was not changed: confirm it is you first.';
    case 'rate_limited':
      return `Too many wrong passwords. Try again ${retryText(failure.retryAfter)}.`;
    case 'validation_failed':
      return failure.fieldMessage('new_password') !== undefined
        ? `The new password ${failure.fieldMessage('new_password')}.`
        : 'Enter your current password and a new one.';
    default:
      return failure.detail;
  }
}

/** "Password": change it; every other session ends and the account is e-mailed. */
export function PasswordSection({ onChanged }: { onChanged: () => void }) {
  const id = useId();
  const withReauth = useReauth();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (current === '' || next === '') {
      setError('Enter your current password and a new one.');
      return;
    }
    if (next.length < 8) {
      setError('The new password must be at least 8 characters.');
      return;
    }
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      // Like other sensitive actions: after ten minutes, the password or a code is asked inline first.
      await withReauth(() => api.changePassword({ current_password: current, new_password: next }));
      setCurrent('');
      setNext('');
      setDone(true);
      onChanged();
    } catch (failure) {
      setError(changeError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="section" aria-labelledby={`${id}-heading`}>
      <header className="section-header">
        <div>
          <h2 id={`${id}-heading`} className="section-title">
            Password
          </h2>
          <p className="muted">
            Changing it signs out every other session of your account and sends you an e-mail.
          </p>
        </div>
      </header>
      <form noValidate onSubmit={(event) => void submit(event)} className="stack card">
        <div className="field">
          <label htmlFor={`${id}-current`} className="label">
            Current password
          </label>
          <input
            id={`${id}-current`}
            className="input"
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(event) => setCurrent(event.currentTarget.value)}
            required
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-new`} className="label">
            New password
          </label>
          <input
            id={`${id}-new`}
            className="input"
            type="password"
            autoComplete="new-password"
            aria-describedby={`${id}-new-hint`}
            value={next}
            onChange={(event) => setNext(event.currentTarget.value)}
            required
          />
          <p id={`${id}-new-hint`} className="hint">
            At least 8 characters.
          </p>
        </div>
        {error !== null ? (
          <p className="alert alert-danger" role="alert">
            {error}
          </p>
        ) : null}
        {done ? (
          <p className="alert alert-success" role="status">
            Password changed. Every other session has been signed out.
          </p>
        ) : null}
        <div>
          <button type="submit" className="button button-primary" aria-disabled={busy} aria-busy={busy}>
            Change password
          </button>
        </div>
      </form>
    </section>
  );
}

import { type FormEvent, useId, useState } from 'react';
import { api, ApiProblem } from '../api';
import { Link, usePath } from '../router';
import { useSession } from '../session';
import { useTitle } from '../ui/hooks';
import { AuthLayout, retryText } from './auth-layout';
import { carryNext, searchOf } from './next-path';

function signInError(failure: unknown): string {
  if (!(failure instanceof ApiProblem)) return 'Something went wrong. Try again.';
  switch (failure.code) {
    case 'invalid_credentials':
      return 'Wrong email or password.';
    case 'rate_limited':
      return `Too many failed sign-in attempts. Try again ${retryText(failure.retryAfter)}.`;
    case 'validation_failed':
      return 'Enter your email and password.';
    default:
      return failure.detail;
  }
}

/** `/signin`: email and password. */
export function SignInPage({ notice }: { notice?: string | undefined }) {
  useTitle('Sign in');
  const { signedIn } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const path = usePath();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    // The button stays enabled while busy, so the focus stays on it when an error comes back.
    if (busy) return;
    if (email.trim() === '' || password === '') {
      setError('Enter your email and password.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const session = await api.signIn({ email: email.trim(), password });
      signedIn(session.account, session.csrf_token);
    } catch (failure) {
      setError(signInError(failure));
      setBusy(false);
    }
  };

  return (
    <AuthLayout title="Sign in">
      {notice ? <p className="alert alert-info">{notice}</p> : null}
      <form noValidate onSubmit={(event) => void submit(event)} className="stack">
        <div className="field">
          <label htmlFor={`${id}-email`} className="label">
            Email
          </label>
          <input
            id={`${id}-email`}
            className="input"
            type="email"
            autoComplete="username"
            value={email}
            onChange={(event) => setEmail(event.currentTarget.value)}
            required
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-password`} className="label">
            Password
          </label>
          <input
            id={`${id}-password`}
            className="input"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
            required
          />
        </div>
        {error ? (
          <p className="alert alert-danger" role="alert">
            {error}
          </p>
        ) : null}
        <button
          type="submit"
          className="button button-primary button-block"
          aria-disabled={busy}
          aria-busy={busy}
        >
          Sign in
        </button>
      </form>
      <p className="auth-switch">
        New here? <Link to={`/signup${carryNext(searchOf(path))}`}>Create an account</Link>
      </p>
    </AuthLayout>
  );
}

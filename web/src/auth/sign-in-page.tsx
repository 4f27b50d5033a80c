import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
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

function factorError(failure: unknown, mode: FactorMode): string {
  if (failure instanceof ApiProblem && failure.code === 'invalid_credentials') {
    return mode === 'totp'
      ? 'That code is not right, or it was already used. Enter the code the app shows now.'
      : 'That recovery code is not right, or it was already used.';
  }
  return signInError(failure);
}

/** Which second factor the second step asks for. */
type FactorMode = 'totp' | 'recovery_code';

/** `/signin`: email and password, then an authenticator or recovery code when the account has 2FA. */
export function SignInPage({ notice }: { notice?: string | undefined }) {
  useTitle('Sign in');
  const { signedIn } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** Set once the password was right and the account asks for a second factor. */
  const [factor, setFactor] = useState<FactorMode | null>(null);
  const [code, setCode] = useState('');
  const codeRef = useRef<HTMLInputElement>(null);
  const id = useId();
  const path = usePath();

  useEffect(() => {
    if (factor !== null) codeRef.current?.focus();
  }, [factor]);

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
      if (failure instanceof ApiProblem && failure.code === 'second_factor_required') {
        setFactor(failure.factors.includes('totp') ? 'totp' : 'recovery_code');
        setBusy(false);
        return;
      }
      setError(signInError(failure));
      setBusy(false);
    }
  };

  const submitFactor = async (event: FormEvent) => {
    event.preventDefault();
    if (busy || factor === null) return;
    const typed = code.trim();
    if (typed === '') {
      setError(factor === 'totp' ? 'Enter the code from your authenticator app.' : 'Enter a recovery code.');
      codeRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const session = await api.signIn({
        email: email.trim(),
        password,
        ...(factor === 'totp' ? { totp_code: typed.replace(/\s/g, '') } : { recovery_code: typed }),
      });
      signedIn(session.account, session.csrf_token);
    } catch (failure) {
      setError(factorError(failure, factor));
      setBusy(false);
      codeRef.current?.focus();
    }
  };

  const switchFactor = () => {
    setFactor((current) => (current === 'totp' ? 'recovery_code' : 'totp'));
    setCode('');
    setError(null);
  };

  if (factor !== null) {
    const label = factor === 'totp' ? 'Authentication code' : 'Recovery code';
    return (
      <AuthLayout title="Two-factor authentication">
        <p id={`${id}-factor-hint`}>
          {factor === 'totp'
            ? 'Enter the 6-digit code your authenticator app shows for Skytells.'
            : 'Enter one of the recovery codes you saved when you set up two-factor authentication. Each works once.'}
        </p>
        <form noValidate onSubmit={(event) => void submitFactor(event)} className="stack">
          <div className="field">
            <label htmlFor={`${id}-code`} className="label">
              {label}
            </label>
            <input
              key={factor}
              id={`${id}-code`}
              ref={codeRef}
              className="input mono"
              autoComplete="one-time-code"
              inputMode={factor === 'totp' ? 'numeric' : 'text'}
              spellCheck={false}
              value={code}
              onChange={(event) => setCode(event.currentTarget.value)}
              aria-describedby={`${id}-factor-hint`}
              aria-invalid={error !== null}
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
            Verify
          </button>
        </form>
        <p className="auth-switch">
          <button type="button" className="button button-quiet" onClick={switchFactor}>
            {factor === 'totp' ? 'Use a recovery code instead' : 'Use your authenticator app instead'}
          </button>
        </p>
      </AuthLayout>
    );
  }

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

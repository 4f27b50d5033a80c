import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import type { WebAuthnRequestOptions } from '@skytells/contract';
import { api, ApiProblem } from '../api';
import { Link, usePath } from '../router';
import { useSession } from '../session';
import { passkeyFailureText, signWithPasskey } from '../security/webauthn';
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
    switch (mode) {
      case 'totp':
        return 'That code is not right, or it was already used. Enter the code the app shows now.';
      case 'recovery_code':
        return 'That recovery code is not right, or it was already used.';
      case 'webauthn':
        return 'That passkey was not accepted. Use a passkey registered to this account.';
    }
  }
  return (mode === 'webauthn' ? passkeyFailureText(failure, 'use') : null) ?? signInError(failure);
}

/** Which second factor the second step asks for. */
type FactorMode = 'totp' | 'recovery_code' | 'webauthn';

/** The second step's first ask: the authenticator app, else a passkey, else a recovery code. */
function firstFactor(factors: readonly string[]): FactorMode {
  if (factors.includes('totp')) return 'totp';
  return factors.includes('webauthn') ? 'webauthn' : 'recovery_code';
}

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
  /** The factors the account has, as the API named them. */
  const [factors, setFactors] = useState<readonly string[]>([]);
  /** Unused passkey request options from the API; each challenge works once. */
  const passkeyOptions = useRef<WebAuthnRequestOptions | null>(null);
  const [code, setCode] = useState('');
  const codeRef = useRef<HTMLInputElement>(null);
  const passkeyRef = useRef<HTMLButtonElement>(null);
  const id = useId();
  const path = usePath();

  useEffect(() => {
    if (factor === 'webauthn') passkeyRef.current?.focus();
    else if (factor !== null) codeRef.current?.focus();
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
        passkeyOptions.current = failure.webauthn;
        setFactors(failure.factors);
        setFactor(firstFactor(failure.factors));
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

  /** Options with a fresh challenge: the password step again, which answers them. */
  const freshPasskeyOptions = async (): Promise<WebAuthnRequestOptions> => {
    const unused = passkeyOptions.current;
    passkeyOptions.current = null;
    if (unused !== null) return unused;
    try {
      await api.signIn({ email: email.trim(), password });
    } catch (failure) {
      if (failure instanceof ApiProblem && failure.webauthn !== null) return failure.webauthn;
      throw failure;
    }
    throw new Error('The account no longer asks for a second factor.');
  };

  const submitPasskey = async () => {
    if (busy) return;
    setFactor('webauthn');
    setBusy(true);
    setError(null);
    try {
      const response = await signWithPasskey(await freshPasskeyOptions());
      const session = await api.signIn({ email: email.trim(), password, webauthn_response: response });
      signedIn(session.account, session.csrf_token);
    } catch (failure) {
      setError(factorError(failure, 'webauthn'));
      setBusy(false);
      passkeyRef.current?.focus();
    }
  };

  const switchTo = (mode: FactorMode) => {
    setFactor(mode);
    setCode('');
    setError(null);
  };

  if (factor === 'webauthn') {
    return (
      <AuthLayout title="Two-factor authentication">
        <p id={`${id}-factor-hint`}>
          Use a passkey registered to your account: your browser asks for your device or security key.
        </p>
        {error ? (
          <p className="alert alert-danger" role="alert">
            {error}
          </p>
        ) : null}
        <button
          ref={passkeyRef}
          type="button"
          className="button button-primary button-block"
          aria-disabled={busy}
          aria-busy={busy}
          aria-describedby={`${id}-factor-hint`}
          onClick={() => void submitPasskey()}
        >
          Use a passkey
        </button>
        <p className="auth-switch">
          {factors.includes('totp') ? (
            <button type="button" className="button button-quiet" onClick={() => switchTo('totp')}>
              Use your authenticator app instead
            </button>
          ) : null}
          <button type="button" className="button button-quiet" onClick={() => switchTo('recovery_code')}>
            Use a recovery code instead
          </button>
        </p>
      </AuthLayout>
    );
  }

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
          {factors.includes('webauthn') ? (
            <button type="button" className="button button-quiet" onClick={() => void submitPasskey()}>
              Use a passkey
            </button>
          ) : null}
          {factor === 'totp' ? (
            <button type="button" className="button button-quiet" onClick={() => switchTo('recovery_code')}>
              Use a recovery code instead
            </button>
          ) : factors.includes('totp') ? (
            <button type="button" className="button button-quiet" onClick={() => switchTo('totp')}>
              Use your authenticator app instead
            </button>
          ) : null}
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

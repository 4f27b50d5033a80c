import {
  createContext,
  type FormEvent,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react';
import type { WebAuthnAuthenticationResponse } from '@skytells/contract';
import { api, ApiProblem } from '../api';
import { retryText } from '../auth/auth-layout';
import { passkeyFailureText, signWithPasskey } from '../security/webauthn';
import { returnFocus, wrapFocus } from './dialog';

/** Runs `action`; when the API answers `reauth_required`, asks for the password inline and retries once. */
export type WithReauth = <T>(action: () => Promise<T>) => Promise<T>;

const ReauthContext = createContext<WithReauth | null>(null);

/** What the owner confirms: the password, or a current authenticator code. */
type Proof =
  { password: string } | { totp_code: string } | { webauthn_response: WebAuthnAuthenticationResponse };

interface Pending {
  /** Confirms the proof, then retries the action. */
  retry: (proof: Proof) => Promise<void>;
  cancel: () => void;
}

const LEAD =
  'This action needs you to confirm it is you: you have not signed in or confirmed in the last 10 minutes.';

function reauthError(failure: unknown, method: Method): string {
  if (!(failure instanceof ApiProblem)) return 'Something went wrong. Try again.';
  switch (failure.code) {
    case 'reauth_failed':
      return method === 'password' ? 'Wrong password.' : 'That code is not right, or it was already used.';
    case 'rate_limited':
      return `Too many failed attempts. Try again ${retryText(failure.retryAfter)}.`;
    default:
      return failure.detail;
  }
}

/**
 * Sensitive actions (a token that never expires, turning two-factor authentication off, new
 * recovery codes, changing the password, registering an application) need a sign-in or
 * confirmation within the last ten minutes. This provider asks for the password (or, with 2FA on,
 * an authenticator code) in a dialog when the API says so, and retries the action; cancelling fails
 * the action with the original `reauth_required` problem.
 */
export function ReauthProvider({ children }: { children: ReactNode }) {
  const [pending, setPending] = useState<Pending | null>(null);

  const withReauth = useCallback<WithReauth>(async (action) => {
    try {
      return await action();
    } catch (failure) {
      if (!(failure instanceof ApiProblem) || failure.code !== 'reauth_required') throw failure;
      return new Promise((resolve, reject) => {
        setPending({
          retry: async (proof) => {
            await api.reauthenticate(proof);
            setPending(null);
            action().then(resolve, reject);
          },
          cancel: () => {
            setPending(null);
            reject(failure);
          },
        });
      });
    }
  }, []);

  return (
    <ReauthContext.Provider value={withReauth}>
      {children}
      {pending !== null ? <ReauthDialog pending={pending} /> : null}
    </ReauthContext.Provider>
  );
}

/** The {@link WithReauth} of the console. */
export function useReauth(): WithReauth {
  const withReauth = useContext(ReauthContext);
  if (withReauth === null) throw new Error('useReauth outside ReauthProvider');
  return withReauth;
}

type Method = 'password' | 'totp';

function ReauthDialog({ pending }: { pending: Pending }) {
  const ref = useRef<HTMLDialogElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const [method, setMethod] = useState<Method>('password');
  const [value, setValue] = useState('');
  const [hasTotp, setHasTotp] = useState(false);
  /** Whether the account has a passkey, which can confirm instead of the password. */
  const [hasPasskey, setHasPasskey] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const { cancel } = pending;

  useEffect(() => {
    let live = true;
    // An authenticator code is offered only to an account that has an authenticator app.
    api.twoFactor().then(
      (status) => {
        if (!live) return;
        setHasTotp(status.totp.enabled);
        setHasPasskey(status.passkeys.length > 0);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return undefined;
    const opener = document.activeElement;
    if (!dialog.open) dialog.showModal();
    return () => {
      if (dialog.open) dialog.close();
      returnFocus(opener);
    };
  }, []);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return undefined;
    const onCancel = (event: Event) => {
      event.preventDefault();
      cancel();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => dialog.removeEventListener('cancel', onCancel);
  }, [cancel]);

  // After showModal(): the field has the focus on opening and after switching between password and code.
  useEffect(() => inputRef.current?.focus(), [method]);

  const confirmWithPasskey = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const response = await signWithPasskey(await api.reauthenticationOptions());
      await pending.retry({ webauthn_response: response });
    } catch (failure) {
      setError(
        failure instanceof ApiProblem && failure.code === 'reauth_failed'
          ? 'That passkey was not accepted.'
          : (passkeyFailureText(failure, 'use') ?? reauthError(failure, method)),
      );
      setBusy(false);
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const typed = method === 'password' ? value : value.replace(/\s/g, '');
    if (typed === '') {
      setError(
        method === 'password' ? 'Enter your password.' : 'Enter the code from your authenticator app.',
      );
      inputRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await pending.retry(method === 'password' ? { password: typed } : { totp_code: typed });
    } catch (failure) {
      setError(reauthError(failure, method));
      setBusy(false);
      inputRef.current?.focus();
    }
  };

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-lead`}
      onKeyDown={wrapFocus}
    >
      <form noValidate onSubmit={(event) => void submit(event)}>
        <h2 id={`${id}-title`} className="dialog-title">
          Confirm your password
        </h2>
        <div className="dialog-body">
          <p id={`${id}-lead`}>{LEAD}</p>
          <div className="field">
            <label htmlFor={`${id}-value`} className="label">
              {method === 'password' ? 'Password' : 'Authentication code'}
            </label>
            <input
              key={method}
              id={`${id}-value`}
              ref={inputRef}
              className={method === 'password' ? 'input' : 'input mono otp-input'}
              type={method === 'password' ? 'password' : 'text'}
              inputMode={method === 'password' ? undefined : 'numeric'}
              autoComplete={method === 'password' ? 'current-password' : 'one-time-code'}
              value={value}
              onChange={(event) => setValue(event.currentTarget.value)}
              aria-invalid={error !== null}
            />
          </div>
          {hasTotp ? (
            <button
              type="button"
              className="button button-quiet button-small"
              onClick={() => {
                setMethod((current) => (current === 'password' ? 'totp' : 'password'));
                setValue('');
                setError(null);
              }}
            >
              {method === 'password' ? 'Use an authenticator code instead' : 'Use your password instead'}
            </button>
          ) : null}
        </div>
        {error ? (
          <p className="alert alert-danger" role="alert">
            {error}
          </p>
        ) : null}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={cancel} disabled={busy}>
            Cancel
          </button>
          {hasPasskey ? (
            <button
              type="button"
              className="button"
              aria-disabled={busy}
              onClick={() => void confirmWithPasskey()}
            >
              Use a passkey
            </button>
          ) : null}
          <button type="submit" className="button button-primary" aria-disabled={busy} aria-busy={busy}>
            Confirm
          </button>
        </div>
      </form>
    </dialog>
  );
}

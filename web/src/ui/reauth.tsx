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
import type { BodyOf } from '@skytells/contract';
import { api, ApiProblem } from '../api';
import { retryText } from '../auth/auth-layout';
import { passkeyFailureText, signWithPasskey } from '../security/webauthn';
import { returnFocus, wrapFocus } from './dialog';

/** Runs `action`; when the API answers `reauth_required`, asks for the password inline and retries once. */
export type WithReauth = <T>(action: () => Promise<T>) => Promise<T>;

const ReauthContext = createContext<WithReauth | null>(null);

interface Pending {
  /** Confirms the password (or a passkey), then retries the action. */
  retry: (proof: BodyOf<'reauthenticate'>) => Promise<void>;
  cancel: () => void;
}

const LEAD =
  'This action needs your password: you have not signed in or confirmed it in the last 10 minutes.';

function reauthError(failure: unknown): string {
  if (!(failure instanceof ApiProblem)) return 'Something went wrong. Try again.';
  switch (failure.code) {
    case 'reauth_failed':
      return 'Wrong password.';
    case 'rate_limited':
      return `Too many failed attempts. Try again ${retryText(failure.retryAfter)}.`;
    default:
      return failure.detail;
  }
}

/**
 * Sensitive actions (a token that never expires, turning two-factor authentication off, new
 * recovery codes, registering an application) need a sign-in or password confirmation within the
 * last ten minutes. This provider asks for the password in a dialog when the API says so, and
 * retries the action; cancelling fails the action with the original `reauth_required` problem.
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

function ReauthDialog({ pending }: { pending: Pending }) {
  const ref = useRef<HTMLDialogElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** Whether the account has a passkey, which can confirm instead of the password. */
  const [hasPasskey, setHasPasskey] = useState(false);
  const id = useId();
  const { cancel } = pending;

  useEffect(() => {
    let live = true;
    api.twoFactor().then(
      (status) => live && setHasPasskey(status.passkeys.length > 0),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);

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
          : (passkeyFailureText(failure, 'use') ?? reauthError(failure)),
      );
      setBusy(false);
    }
  };

  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return undefined;
    const opener = document.activeElement;
    if (!dialog.open) dialog.showModal();
    inputRef.current?.focus();
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

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (password === '') {
      setError('Enter your password.');
      inputRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await pending.retry({ password });
    } catch (failure) {
      setError(reauthError(failure));
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
            <label htmlFor={`${id}-password`} className="label">
              Password
            </label>
            <input
              id={`${id}-password`}
              ref={inputRef}
              className="input"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(event) => setPassword(event.currentTarget.value)}
              aria-invalid={error !== null}
            />
          </div>
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

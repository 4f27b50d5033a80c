import type { SuccessOf } from '@skytells/contract';
import { type FormEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import { api, ApiProblem } from '../api';
import { ConfirmDialog } from '../ui/dialog';
import { useFocusOnMount, useNow } from '../ui/hooks';
import { useReauth } from '../ui/reauth';
import { Time } from '../ui/time';
import { RecoveryCodesReveal } from './recovery-codes';
import { createPasskey, passkeyFailureText } from './webauthn';

type Passkey = SuccessOf<'getTwoFactor'>['passkeys'][number];

function problemText(failure: unknown, fallback: string): string {
  return failure instanceof ApiProblem ? failure.detail : fallback;
}

/**
 * Settings → Security → Passkeys: add a passkey (named), list them, remove one after confirming the
 * password. The first passkey turns two-factor authentication on and shows recovery codes once.
 */
export function PasskeysSection({ revision, onChange }: { revision: number; onChange: () => void }) {
  const now = useNow();
  const withReauth = useReauth();
  const [passkeys, setPasskeys] = useState<Passkey[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [removing, setRemoving] = useState<Passkey | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const addRef = useRef<HTMLButtonElement>(null);

  const load = useCallback(async () => {
    try {
      setPasskeys((await api.twoFactor()).passkeys);
      setError(null);
    } catch (failure) {
      setError(problemText(failure, 'Passkeys could not be loaded.'));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load, revision]);

  const remove = async (passkey: Passkey) => {
    setRemoving(null);
    setError(null);
    setNotice(null);
    try {
      await withReauth(() => api.deletePasskey(passkey.id));
      setNotice(`Passkey “${passkey.name}” removed.`);
      onChange();
    } catch (failure) {
      if (!(failure instanceof ApiProblem && failure.code === 'reauth_required')) {
        setError(problemText(failure, 'The passkey could not be removed. Try again.'));
      }
    }
    addRef.current?.focus();
  };

  if (codes !== null) {
    return (
      <RecoveryCodesReveal
        codes={codes}
        onDone={() => {
          setCodes(null);
          onChange();
        }}
      />
    );
  }

  if (adding) {
    return (
      <AddPasskeyForm
        onAdded={(added) => {
          setAdding(false);
          setNotice(`Passkey “${added.name}” added.`);
          if (added.recovery_codes !== undefined) setCodes(added.recovery_codes);
          else onChange();
        }}
        onCancel={() => setAdding(false)}
      />
    );
  }

  return (
    <section className="section" aria-labelledby="passkeys-heading">
      <header className="section-header">
        <div>
          <h2 id="passkeys-heading" className="section-title">
            Passkeys
          </h2>
          <p className="muted">
            A passkey is kept by your device or security key and unlocked with a touch, your fingerprint, face
            or PIN. Signing in can ask for one after your password.
          </p>
        </div>
        <button
          ref={addRef}
          type="button"
          className="button button-primary"
          onClick={() => {
            setNotice(null);
            setAdding(true);
          }}
        >
          Add passkey
        </button>
      </header>
      {error !== null ? (
        <p className="alert alert-danger" role="alert">
          {error}
        </p>
      ) : null}
      <p role="status" className={notice === null ? 'visually-hidden' : 'alert alert-success'}>
        {notice}
      </p>
      {passkeys === null ? (
        error === null ? (
          <p className="muted" aria-busy="true">
            Loading…
          </p>
        ) : null
      ) : passkeys.length === 0 ? (
        <p className="card">No passkeys yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Your passkeys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Added</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {passkeys.map((passkey) => (
                <tr key={passkey.id} data-passkey-id={passkey.id}>
                  <th scope="row" data-label="Name">
                    {passkey.name}
                  </th>
                  <td data-label="Added">
                    <Time at={passkey.created_at} now={now} />
                  </td>
                  <td className="actions">
                    <button
                      type="button"
                      className="button button-small button-danger-quiet"
                      aria-label={`Remove passkey ${passkey.name}`}
                      onClick={() => setRemoving(passkey)}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {removing !== null ? (
        <ConfirmDialog
          title={`Remove passkey “${removing.name}”?`}
          confirmLabel="Remove"
          tone="danger"
          onConfirm={() => void remove(removing)}
          onCancel={() => setRemoving(null)}
        >
          <p>
            It will no longer sign you in.
            {passkeys?.length === 1
              ? ' It is your last passkey: unless an authenticator app is set up, two-factor authentication turns off with it.'
              : ''}
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

/** Name the passkey, then let the browser create it with the authenticator. */
function AddPasskeyForm({
  onAdded,
  onCancel,
}: {
  onAdded: (added: SuccessOf<'registerPasskey'>) => void;
  onCancel: () => void;
}) {
  const id = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useFocusOnMount(headingRef);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (name.trim() === '') {
      setError('Name the passkey, e.g. “Laptop” or “YubiKey”, to tell it apart later.');
      inputRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const options = await api.passkeyCreationOptions();
      const response = await createPasskey(options);
      onAdded(await api.registerPasskey({ name: name.trim(), response }));
    } catch (failure) {
      setError(
        failure instanceof ApiProblem && failure.code === 'validation_failed'
          ? (failure.fieldMessage('name') ?? failure.detail)
          : (passkeyFailureText(failure, 'add') ??
              problemText(failure, 'The passkey could not be added. Try again.')),
      );
      setBusy(false);
      inputRef.current?.focus();
    }
  };

  return (
    <section className="section card stack" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} ref={headingRef} className="section-title" tabIndex={-1}>
        Add passkey
      </h2>
      <form noValidate onSubmit={(event) => void submit(event)} className="stack">
        <div className="field">
          <label htmlFor={`${id}-name`} className="label">
            Passkey name
          </label>
          <input
            id={`${id}-name`}
            ref={inputRef}
            className="input"
            maxLength={100}
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            aria-describedby={`${id}-hint${error !== null ? ` ${id}-error` : ''}`}
            aria-invalid={error !== null}
          />
          <p id={`${id}-hint`} className="hint">
            Your browser then asks you to create the passkey on this device or a security key.
          </p>
        </div>
        {error ? (
          <p id={`${id}-error`} className="alert alert-danger" role="alert">
            {error}
          </p>
        ) : null}
        <div className="form-actions">
          <button type="submit" className="button button-primary" aria-disabled={busy} aria-busy={busy}>
            Create passkey
          </button>
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}

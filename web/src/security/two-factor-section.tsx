import type { SuccessOf } from '@skytells/contract';
import { type FormEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import { api, ApiProblem } from '../api';
import { ConfirmDialog } from '../ui/dialog';
import { useFocusOnMount, useNow } from '../ui/hooks';
import { useReauth } from '../ui/reauth';
import { Time } from '../ui/time';
import { QrCode } from './qr-code';
import { RecoveryCodesReveal } from './recovery-codes';

type Status = SuccessOf<'getTwoFactor'>;
type Enrolment = SuccessOf<'enrolTotp'>;

/** The secret in groups of four, as authenticator apps show and accept it. */
function grouped(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

function problemText(failure: unknown, fallback: string): string {
  return failure instanceof ApiProblem ? failure.detail : fallback;
}

/**
 * Settings → Security → Two-factor authentication: authenticator app and recovery codes. `revision`
 * changes when another section (passkeys) changed the factors; `onChange` tells it this one did.
 */
export function TwoFactorSection({ revision = 0, onChange }: { revision?: number; onChange?: () => void }) {
  const now = useNow();
  const withReauth = useReauth();
  const [status, setStatus] = useState<Status | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [confirmingOff, setConfirmingOff] = useState(false);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setStatus(await api.twoFactor());
      setError(null);
    } catch (failure) {
      setError(problemText(failure, 'Two-factor authentication settings could not be loaded.'));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load, revision]);

  const start = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      setEnrolment(await api.enrolTotp());
    } catch (failure) {
      setError(problemText(failure, 'The authenticator app could not be set up. Try again.'));
    } finally {
      setBusy(false);
    }
  };

  const regenerate = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      setCodes((await withReauth(() => api.regenerateRecoveryCodes())).recovery_codes);
    } catch (failure) {
      if (!(failure instanceof ApiProblem && failure.code === 'reauth_required')) {
        setError(problemText(failure, 'New recovery codes could not be made. Try again.'));
      }
    } finally {
      setBusy(false);
    }
  };

  const turnOff = async () => {
    setConfirmingOff(false);
    setBusy(true);
    setError(null);
    try {
      await withReauth(() => api.disableTwoFactor());
      await load();
      onChange?.();
    } catch (failure) {
      if (!(failure instanceof ApiProblem && failure.code === 'reauth_required')) {
        setError(problemText(failure, 'Two-factor authentication could not be turned off. Try again.'));
      }
    } finally {
      setBusy(false);
    }
  };

  if (codes !== null) {
    return (
      <RecoveryCodesReveal
        codes={codes}
        onDone={() => {
          setCodes(null);
          void load();
          onChange?.();
        }}
      />
    );
  }

  if (enrolment !== null) {
    return (
      <TotpEnrolmentForm
        enrolment={enrolment}
        onConfirmed={(recoveryCodes) => {
          setEnrolment(null);
          setCodes(recoveryCodes);
        }}
        onCancel={() => setEnrolment(null)}
      />
    );
  }

  return (
    <section className="section" aria-labelledby="two-factor-heading">
      <header className="section-header">
        <div>
          <h2 id="two-factor-heading" className="section-title">
            Two-factor authentication
          </h2>
          <p className="muted">
            With two-factor authentication on, signing in asks for a code from your authenticator app or a
            passkey after your password, so a stolen password alone does not open your account.
          </p>
        </div>
      </header>
      {error !== null ? (
        <p className="alert alert-danger" role="alert">
          {error}
        </p>
      ) : null}
      {status === null ? (
        error === null ? (
          <p className="muted" aria-busy="true">
            Loading…
          </p>
        ) : null
      ) : status.enabled ? (
        <div className="card stack">
          <dl className="facts facts-inline">
            <div>
              <dt>Authenticator app</dt>
              <dd>
                {status.totp.enabled ? 'On' : 'Not set up'}
                {status.totp.created_at !== null ? (
                  <>
                    {' '}
                    since <Time at={status.totp.created_at} now={now} />
                  </>
                ) : null}
              </dd>
            </div>
            <div>
              <dt>Passkeys</dt>
              <dd>{status.passkeys.length}</dd>
            </div>
            <div>
              <dt>Recovery codes</dt>
              <dd>{status.recovery_codes.remaining} of 10 left</dd>
            </div>
          </dl>
          <div className="form-actions">
            {status.totp.enabled ? null : (
              <button type="button" className="button" aria-disabled={busy} onClick={() => void start()}>
                Set up authenticator app
              </button>
            )}
            <button type="button" className="button" aria-disabled={busy} onClick={() => void regenerate()}>
              Generate new recovery codes
            </button>
            <button
              type="button"
              className="button button-danger-quiet"
              aria-disabled={busy}
              onClick={() => !busy && setConfirmingOff(true)}
            >
              Turn off two-factor authentication
            </button>
          </div>
        </div>
      ) : (
        <div className="card stack">
          <p>Two-factor authentication is off.</p>
          <div className="form-actions">
            <button
              type="button"
              className="button button-primary"
              aria-disabled={busy}
              aria-busy={busy}
              onClick={() => void start()}
            >
              Set up authenticator app
            </button>
          </div>
        </div>
      )}
      {confirmingOff ? (
        <ConfirmDialog
          title="Turn off two-factor authentication?"
          confirmLabel="Turn off"
          tone="danger"
          onConfirm={() => void turnOff()}
          onCancel={() => setConfirmingOff(false)}
        >
          <p>
            Signing in will ask for your password only. The authenticator app, every passkey and every
            recovery code stop working.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

/** Scan or type the secret, then confirm with the app's current code. */
function TotpEnrolmentForm({
  enrolment,
  onConfirmed,
  onCancel,
}: {
  enrolment: Enrolment;
  onConfirmed: (recoveryCodes: string[]) => void;
  onCancel: () => void;
}) {
  const id = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useFocusOnMount(headingRef);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (!/^\d{6}$/.test(code.replace(/\s/g, ''))) {
      setError('Enter the 6-digit code your authenticator app shows.');
      inputRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onConfirmed((await api.confirmTotp(code.replace(/\s/g, ''))).recovery_codes);
    } catch (failure) {
      setError(
        failure instanceof ApiProblem && failure.code === 'totp_code_invalid'
          ? 'That code is not right. Enter the code the app shows now, and check that the device’s clock is set automatically.'
          : problemText(failure, 'The code could not be checked. Try again.'),
      );
      setBusy(false);
      inputRef.current?.focus();
    }
  };

  return (
    <section className="section card stack" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} ref={headingRef} className="section-title" tabIndex={-1}>
        Set up authenticator app
      </h2>
      <ol className="enrol-steps">
        <li>
          <p>
            Scan this QR code with an authenticator app (1Password, Google Authenticator, Microsoft
            Authenticator, Aegis, …).
          </p>
          <QrCode text={enrolment.otpauth_uri} label="QR code to add Skytells to your authenticator app" />
          <p className="hint">Cannot scan it? Enter this setup key in the app instead:</p>
          <p>
            <code className="setup-key break" id={`${id}-secret`}>
              {grouped(enrolment.secret)}
            </code>
          </p>
        </li>
        <li>
          <form noValidate onSubmit={(event) => void submit(event)} className="stack">
            <div className="field">
              <label htmlFor={`${id}-code`} className="label">
                Code from the app
              </label>
              <input
                id={`${id}-code`}
                ref={inputRef}
                className="input mono otp-input"
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={7}
                value={code}
                onChange={(event) => setCode(event.currentTarget.value)}
                aria-invalid={error !== null}
                aria-describedby={error !== null ? `${id}-error` : undefined}
              />
            </div>
            {error ? (
              <p id={`${id}-error`} className="alert alert-danger" role="alert">
                {error}
              </p>
            ) : null}
            <div className="form-actions">
              <button type="submit" className="button button-primary" aria-disabled={busy} aria-busy={busy}>
                Confirm
              </button>
              <button type="button" className="button" onClick={onCancel}>
                Cancel
              </button>
            </div>
          </form>
        </li>
      </ol>
    </section>
  );
}

import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { api } from '../api';
import { Link, usePath } from '../router';
import { effectiveScopes, minimalScopes, sameGrant, successorName } from '../scopes';
import type { IssuedToken, Token } from '../types';
import { useNow, useScopes, useTitle } from '../ui/hooks';
import { useReauth } from '../ui/reauth';
import { focusFirstInvalid } from './create-token-page';
import { ExpirationField, type ExpirationValue, expectedExpiry, expirationRequest } from './expiration-field';
import { tokenFormErrors, type TokenFormErrors } from './problem-messages';
import {
  RestrictionsField,
  removedRestrictions,
  restrictionsOf,
  restrictionsRequest,
  type RestrictionsValue,
} from './restrictions-field';
import { ScopePicker } from './scope-picker';
import { useToken } from './token-details-page';
import { TokenReveal } from './token-reveal';
import { TokenSummary } from './token-summary';

/** The product page's four steps of a rotation. */
export const ROTATION_STEPS = [
  'Create a replacement',
  'Update the app',
  'Verify the replacement',
  'Revoke the old token',
] as const;

/** The rotation steps, the current one marked for assistive tech. */
export function RotationSteps({ current }: { current: number }) {
  return (
    <ol className="steps" aria-label="Rotation steps">
      {ROTATION_STEPS.map((step, index) => (
        <li
          key={step}
          className={index < current ? 'step step-done' : index === current ? 'step step-current' : 'step'}
          aria-current={index === current ? 'step' : undefined}
        >
          <span className="step-number" aria-hidden="true">
            {index < current ? '✓' : index + 1}
          </span>
          <span className="step-label">{step}</span>
        </li>
      ))}
    </ol>
  );
}

/**
 * Revocation choices for the old token: at the replacement's first use, when the user revokes it
 * (`seconds: null`), or after a delay.
 */
const REVOKE_OLD = [
  {
    value: 'first-use',
    seconds: null,
    label: 'Revoke the old token as soon as the new one is used (recommended)',
  },
  {
    value: 'manual',
    seconds: null,
    label: 'Keep the old token until I revoke it, after checking the replacement works',
  },
  { value: '3600', seconds: 3600, label: 'Automatically in 1 hour' },
  { value: '86400', seconds: 86_400, label: 'Automatically in 24 hours' },
  { value: '604800', seconds: 604_800, label: 'Automatically in 7 days' },
] as const;

function lifetimeDays(token: Token): number | null {
  if (token.expires_at === null) return null;
  return Math.round((Date.parse(token.expires_at) - Date.parse(token.created_at)) / 86_400_000);
}

/** Settings → Tokens → Rotate: a replacement with the same or fewer scopes, then its value once. */
export function RotatePage({ id }: { id: string }) {
  const now = useNow();
  const { scopes: catalogue } = useScopes();
  const { token: old, error: loadError } = useToken(id, 60_000);
  const [issued, setIssued] = useState<IssuedToken | null>(null);
  const narrowTo = narrowedScopes(usePath());
  useTitle(old === null ? 'Rotate token' : `Rotate ${old.name}`);

  if (loadError !== null && old === null) {
    return (
      <div className="page">
        <p className="alert alert-danger" role="alert">
          {loadError.status === 404 ? 'There is no such token on your account.' : loadError.detail}
        </p>
        <Link to="/settings/tokens">Back to tokens</Link>
      </div>
    );
  }
  if (old === null || catalogue === null) {
    return (
      <div className="page">
        <p className="muted" aria-busy="true">
          Loading token…
        </p>
      </div>
    );
  }

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <p className="breadcrumb">
            <Link to="/settings/tokens">Tokens</Link> /{' '}
            <Link to={`/settings/tokens/${old.id}`}>{old.name}</Link> / Rotate
          </p>
          <h1 className="page-title break">Rotate {old.name}</h1>
          <p className="page-lead">
            Replace <span className="mono">{old.masked}</span> without downtime: the old token keeps working
            until you have checked the new one.
          </p>
        </div>
      </header>
      <RotationSteps current={issued === null ? 0 : 1} />
      {issued === null ? (
        <ReplacementForm old={old} catalogue={catalogue} now={now} narrowTo={narrowTo} onIssued={setIssued} />
      ) : (
        <TokenReveal
          token={issued.token}
          value={issued.value}
          now={now}
          heading="Copy the replacement and update the app"
          next={{ to: `/settings/tokens/${issued.token.id}/rotation`, label: 'Continue to verification' }}
        />
      )}
    </div>
  );
}

/** The scopes of `?scopes=a,b` ("Narrow to these scopes" on the details page), or `null`. */
function narrowedScopes(path: string): string[] | null {
  const scopes = new URLSearchParams(path.split('?')[1] ?? '').get('scopes');
  return scopes === null ? null : scopes.split(',').filter((scope) => scope !== '');
}

function ReplacementForm({
  old,
  catalogue,
  now,
  narrowTo,
  onIssued,
}: {
  old: Token;
  catalogue: { name: string; description: string }[];
  now: Date;
  /** Scopes to start from instead of the old token's. */
  narrowTo: string[] | null;
  onIssued: (issued: IssuedToken) => void;
}) {
  const id = useId();
  const withReauth = useReauth();
  const formRef = useRef<HTMLFormElement>(null);
  const [name, setName] = useState(() => successorName(old.name));
  const allowed = effectiveScopes(old.scopes, catalogue);
  const [selected, setSelected] = useState<Set<string>>(() =>
    narrowTo === null
      ? new Set(allowed)
      : new Set(effectiveScopes(narrowTo, catalogue).filter((scope) => allowed.includes(scope))),
  );
  const [expiration, setExpiration] = useState<ExpirationValue>({ choice: 'same', customDay: '' });
  const [revokeOld, setRevokeOld] = useState<(typeof REVOKE_OLD)[number]['value']>('first-use');
  const [restrictions, setRestrictions] = useState<RestrictionsValue>(() => restrictionsOf(old));
  const [errors, setErrors] = useState<TokenFormErrors>({});
  const [busy, setBusy] = useState(false);
  // A part of the old token's restrictions cleared here is sent as null: the replacement drops it.
  const removed = removedRestrictions(restrictions, old);
  const days = lifetimeDays(old);
  const sameAs = days === null ? null : new Date(now.getTime() + days * 86_400_000);

  useEffect(() => {
    if (old.status !== 'active' || old.replaced_by !== null) {
      setErrors({ form: 'This token is no longer active or was already replaced, so it cannot be rotated.' });
    }
  }, [old.status, old.replaced_by]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: TokenFormErrors = {};
    if (name.trim() === '') found.name = 'Give the replacement a name.';
    if (selected.size === 0) found.scopes = 'Keep at least one scope.';
    const expires = expirationRequest(expiration, new Date());
    if (expires === null) found.expiration = 'Pick a day between tomorrow and a year from now.';
    const restricted = restrictionsRequest(restrictions, removed);
    if (Object.keys(restricted.errors).length > 0) found.restrictions = restricted.errors;
    setErrors(found);
    if (Object.keys(found).length > 0 || expires === null) {
      focusFirstInvalid(formRef.current);
      return;
    }
    const seconds = REVOKE_OLD.find((option) => option.value === revokeOld)?.seconds ?? null;
    setBusy(true);
    try {
      onIssued(
        await withReauth(() =>
          api.rotateToken(old.id, {
            name: name.trim(),
            ...(sameGrant(selected, old.scopes, catalogue)
              ? {}
              : { scopes: minimalScopes(selected, catalogue) }),
            ...(expires ?? {}),
            ...(seconds === null ? {} : { revoke_old_after_seconds: seconds }),
            ...(revokeOld === 'first-use' ? { revoke_old_on_first_use: true } : {}),
            ...restricted.request,
          }),
        ),
      );
    } catch (failure) {
      setErrors(tokenFormErrors(failure, name));
      focusFirstInvalid(formRef.current);
      setBusy(false);
    }
  };

  return (
    <form ref={formRef} className="form-layout" noValidate onSubmit={(event) => void submit(event)}>
      <div className="form-main card">
        <div className="field">
          <label htmlFor={`${id}-name`} className="label">
            Name
          </label>
          <input
            id={`${id}-name`}
            className="input"
            value={name}
            maxLength={100}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={errors.name ? true : undefined}
            aria-describedby={`${id}-name-hint${errors.name ? ` ${id}-name-error` : ''}`}
            onChange={(event) => setName(event.currentTarget.value)}
          />
          <p id={`${id}-name-hint`} className="hint">
            A new name tells the two apart while both exist, e.g. <code>{successorName(old.name)}</code>.
          </p>
          {errors.name ? (
            <p id={`${id}-name-error`} className="field-error" role="alert">
              {errors.name}
            </p>
          ) : null}
        </div>
        {narrowTo !== null ? (
          <p className="alert alert-info">
            Only the scopes {old.name} used in the last 30 days are checked. Check more if the holder needs
            them.
          </p>
        ) : null}
        <ScopePicker
          catalogue={catalogue}
          allowed={allowed}
          selected={selected}
          onChange={setSelected}
          error={errors.scopes}
          hint="The same scopes as the old token, or fewer: a rotation can narrow access, never widen it."
        />
        <ExpirationField
          value={expiration}
          onChange={setExpiration}
          now={now}
          sameLabel={
            days === null
              ? 'Same as the old token (no expiration)'
              : `Same lifetime as the old token (${days} days)`
          }
          sameAs={sameAs}
          error={errors.expiration}
        />
        <RestrictionsField
          value={restrictions}
          onChange={(next) => {
            setRestrictions(next);
            // An edit answers the previous complaint; the field checks itself as it is typed.
            setErrors(({ restrictions: _answered, ...rest }) => rest);
          }}
          errors={errors.restrictions ?? {}}
          removed={removed}
          hint="Filled in with the old token's restrictions. Change a part to narrow or widen it, or clear it to remove it from the replacement."
        />
        <fieldset className="field">
          <legend className="label">When should the old token stop working?</legend>
          {REVOKE_OLD.map((option) => (
            <label key={option.value} className="radio">
              <input
                type="radio"
                name={`${id}-revoke-old`}
                value={option.value}
                checked={revokeOld === option.value}
                onChange={() => setRevokeOld(option.value)}
              />
              <span>{option.label}</span>
            </label>
          ))}
        </fieldset>
        {errors.form ? (
          <p className="alert alert-danger" role="alert">
            {errors.form}
          </p>
        ) : null}
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy} aria-busy={busy}>
            Create replacement
          </button>
          <Link to="/settings/tokens" className="button button-quiet">
            Cancel
          </Link>
        </div>
      </div>
      <aside className="form-aside">
        <TokenSummary
          restrictions={restrictionsRequest(restrictions, removed).request}
          name={name}
          scopes={selected}
          catalogue={catalogue}
          expiry={expectedExpiry(expiration, now, sameAs)}
          now={now}
        />
      </aside>
    </form>
  );
}

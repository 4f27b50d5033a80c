import { type FormEvent, useId, useRef, useState } from 'react';
import { api } from '../api';
import { Link } from '../router';
import { PRESETS, minimalScopes, presetScopes, sameGrant } from '../scopes';
import type { IssuedToken } from '../types';
import { useNow, useScopes, useTitle } from '../ui/hooks';
import { useReauth } from '../ui/reauth';
import { ExpirationField, type ExpirationValue, expectedExpiry, expirationRequest } from './expiration-field';
import { tokenFormErrors, type TokenFormErrors } from './problem-messages';
import {
  NO_RESTRICTIONS,
  RestrictionsField,
  restrictionsRequest,
  type RestrictionsValue,
} from './restrictions-field';
import { ScopePicker } from './scope-picker';
import { TokenReveal } from './token-reveal';
import { TokenSummary } from './token-summary';

/** Settings → Tokens → Create token: name, scopes, expiration, then the value once. */
export function CreateTokenPage() {
  const now = useNow();
  const { scopes: catalogue, error: catalogueError } = useScopes();
  const [name, setName] = useState('');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [expiration, setExpiration] = useState<ExpirationValue>({ choice: '30', customDay: '' });
  const [restrictions, setRestrictions] = useState<RestrictionsValue>(NO_RESTRICTIONS);
  const [errors, setErrors] = useState<TokenFormErrors>({});
  const [busy, setBusy] = useState(false);
  const [issued, setIssued] = useState<IssuedToken | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const id = useId();
  const withReauth = useReauth();
  useTitle(issued === null ? 'Create token' : 'Token created');

  if (issued !== null) {
    return (
      <div className="page">
        <header className="page-header">
          <h1 className="page-title">Token created</h1>
        </header>
        <TokenReveal
          token={issued.token}
          value={issued.value}
          now={now}
          next={{ to: '/settings/tokens', label: 'Done' }}
        />
      </div>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (catalogue === null) return;
    const found: TokenFormErrors = {};
    if (name.trim() === '') found.name = 'Give the token a name that says who or what holds it.';
    if (selected.size === 0) found.scopes = 'Select at least one scope.';
    const expires = expirationRequest(expiration, new Date());
    if (expires === null) found.expiration = 'Pick a day between tomorrow and a year from now.';
    const restricted = restrictionsRequest(restrictions);
    if (Object.keys(restricted.errors).length > 0) found.restrictions = restricted.errors;
    setErrors(found);
    if (Object.keys(found).length > 0 || expires === null || expires === undefined) {
      focusFirstInvalid(formRef.current);
      return;
    }
    setBusy(true);
    try {
      setIssued(
        await withReauth(() =>
          api.createToken({
            name: name.trim(),
            scopes: minimalScopes(selected, catalogue),
            ...expires,
            ...restricted.request,
          }),
        ),
      );
    } catch (failure) {
      setErrors(tokenFormErrors(failure, name));
      focusFirstInvalid(formRef.current);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <p className="breadcrumb">
            <Link to="/settings/tokens">Tokens</Link> / New
          </p>
          <h1 className="page-title">Create token</h1>
          <p className="page-lead">
            A token lets one app, pipeline or machine act on your account with the scopes you choose.
          </p>
        </div>
      </header>
      {catalogueError !== null ? (
        <p className="alert alert-danger" role="alert">
          {catalogueError}
        </p>
      ) : null}
      <form ref={formRef} className="form-layout" noValidate onSubmit={(event) => void submit(event)}>
        <div className="form-main card">
          <div className="field">
            <label htmlFor={`${id}-name`} className="label">
              Name
            </label>
            <input
              id={`${id}-name`}
              ref={nameRef}
              className="input"
              value={name}
              maxLength={100}
              autoComplete="off"
              spellCheck={false}
              placeholder="e.g. github-actions-prod"
              aria-invalid={errors.name ? true : undefined}
              aria-describedby={`${id}-name-hint${errors.name ? ` ${id}-name-error` : ''}`}
              onChange={(event) => setName(event.currentTarget.value)}
            />
            <p id={`${id}-name-hint`} className="hint">
              Name it for who or what holds it — <code>cli-macbook-alice</code>,{' '}
              <code>github-actions-prod</code>, <code>deploy-pipeline-staging</code> — so you know what stops
              working when you revoke it.
            </p>
            {errors.name ? (
              <p id={`${id}-name-error`} className="field-error" role="alert">
                {errors.name}
              </p>
            ) : null}
          </div>

          {catalogue === null ? (
            <p className="muted" aria-busy="true">
              Loading scopes…
            </p>
          ) : (
            <>
              <div className="field">
                <span className="label" id={`${id}-presets`}>
                  Start from a preset
                </span>
                <div className="presets" role="group" aria-labelledby={`${id}-presets`}>
                  {PRESETS.map((preset) => {
                    const scopes = presetScopes(preset, catalogue);
                    const active = selected.size > 0 && sameGrant(selected, scopes, catalogue);
                    return (
                      <button
                        key={preset.id}
                        type="button"
                        className="preset"
                        aria-pressed={active}
                        aria-describedby={`${id}-preset-${preset.id}`}
                        onClick={() => setSelected(new Set(scopes))}
                      >
                        <span className="preset-label">{preset.label}</span>
                        <span className="preset-hint" id={`${id}-preset-${preset.id}`}>
                          {preset.hint}
                        </span>
                      </button>
                    );
                  })}
                </div>
              </div>
              <ScopePicker
                catalogue={catalogue}
                selected={selected}
                onChange={setSelected}
                error={errors.scopes}
              />
            </>
          )}

          <ExpirationField value={expiration} onChange={setExpiration} now={now} error={errors.expiration} />

          <RestrictionsField
            value={restrictions}
            onChange={(next) => {
              setRestrictions(next);
              // An edit answers the previous complaint; the field checks itself as it is typed.
              setErrors(({ restrictions: _answered, ...rest }) => rest);
            }}
            errors={errors.restrictions ?? {}}
          />

          {errors.form ? (
            <p className="alert alert-danger" role="alert">
              {errors.form}
            </p>
          ) : null}
          <div className="form-actions">
            <button
              type="submit"
              className="button button-primary"
              disabled={busy || catalogue === null}
              aria-busy={busy}
            >
              Create token
            </button>
            <Link to="/settings/tokens" className="button button-quiet">
              Cancel
            </Link>
          </div>
        </div>
        {catalogue !== null ? (
          <aside className="form-aside">
            <TokenSummary
              restrictions={restrictionsRequest(restrictions).request}
              name={name}
              scopes={selected}
              catalogue={catalogue}
              expiry={expectedExpiry(expiration, now)}
              now={now}
            />
          </aside>
        ) : null}
      </form>
    </div>
  );
}

/** Moves the focus to the first field the user has to fix. */
export function focusFirstInvalid(form: HTMLFormElement | null): void {
  window.requestAnimationFrame(() => {
    const target = form?.querySelector<HTMLElement>('[aria-invalid="true"], .field-error, .alert-danger');
    if (target === null || target === undefined) return;
    const field = target.matches('input, select, textarea')
      ? target
      : target.closest('.field')?.querySelector('input, select, textarea');
    (field instanceof HTMLElement ? field : target).focus();
  });
}

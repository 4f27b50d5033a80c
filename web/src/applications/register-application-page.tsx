import { type FormEvent, useId, useRef, useState } from 'react';
import { api } from '../api';
import { Link, navigate } from '../router';
import { focusFirstInvalid } from '../tokens/create-token-page';
import type { IssuedAppSecret, OAuthApp } from '../types';
import { useTitle } from '../ui/hooks';
import { useReauth } from '../ui/reauth';
import {
  ApplicationFields,
  appFormErrors,
  type AppFormErrors,
  checkAppFields,
  parseRedirectUris,
} from './application-fields';
import { SecretReveal } from './secret-reveal';

const TYPES: { value: OAuthApp['type']; label: string; hint: string }[] = [
  {
    value: 'confidential',
    label: 'Confidential',
    hint: 'A server-side web app that can keep a client secret. It authenticates with the secret when it redeems a code.',
  },
  {
    value: 'public',
    label: 'Public',
    hint: 'A native, mobile or browser app that cannot keep a secret. It has none, and must use PKCE.',
  },
];

/** Settings → Applications → Register: name, redirect URIs and type, then the client secret once. */
export function RegisterApplicationPage() {
  const withReauth = useReauth();
  const [name, setName] = useState('');
  const [redirectUris, setRedirectUris] = useState('');
  const [type, setType] = useState<OAuthApp['type']>('confidential');
  const [errors, setErrors] = useState<AppFormErrors>({});
  const [busy, setBusy] = useState(false);
  const [issued, setIssued] = useState<IssuedAppSecret | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const id = useId();
  useTitle(issued === null ? 'Register application' : 'Application registered');

  if (issued !== null) {
    return (
      <div className="page">
        <header className="page-header">
          <h1 className="page-title">Application registered</h1>
        </header>
        {issued.secret === null ? (
          <section className="card" aria-labelledby={`${id}-done`}>
            <h2 id={`${id}-done`} className="section-title">
              {issued.app.name} is ready
            </h2>
            <p>
              Its client ID is <span className="mono">{issued.app.client_id}</span>. As a public application
              it has no client secret: it must send a PKCE <code>code_challenge</code> with every
              authorization request.
            </p>
            <div className="form-actions">
              <button
                type="button"
                className="button button-primary"
                onClick={() => navigate('/settings/applications')}
              >
                Done
              </button>
            </div>
          </section>
        ) : (
          <SecretReveal
            app={issued.app}
            secret={issued.secret}
            heading="Copy the client secret"
            done={{ label: 'Done', onDone: () => navigate('/settings/applications') }}
          />
        )}
      </div>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const uris = parseRedirectUris(redirectUris);
    const found = checkAppFields(name, uris);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      focusFirstInvalid(formRef.current);
      return;
    }
    setBusy(true);
    try {
      setIssued(await withReauth(() => api.registerApp({ name: name.trim(), redirect_uris: uris, type })));
    } catch (failure) {
      setErrors(appFormErrors(failure));
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
            <Link to="/settings/applications">Applications</Link> / New
          </p>
          <h1 className="page-title">Register application</h1>
          <p className="page-lead">
            Register an application so it can ask people for access to their Skytells account through OAuth 2,
            and receive a token limited to the scopes they grant.
          </p>
        </div>
      </header>
      <form ref={formRef} className="form-single" noValidate onSubmit={(event) => void submit(event)}>
        <div className="form-main card">
          <ApplicationFields
            name={name}
            redirectUris={redirectUris}
            errors={errors}
            onName={setName}
            onRedirectUris={setRedirectUris}
          />
          <fieldset className="field">
            <legend className="label">Type</legend>
            <p className="hint">It cannot be changed later.</p>
            {TYPES.map((option) => (
              <div key={option.value}>
                <label className="radio">
                  <input
                    type="radio"
                    name={`${id}-type`}
                    value={option.value}
                    checked={type === option.value}
                    aria-describedby={`${id}-type-${option.value}`}
                    onChange={() => setType(option.value)}
                  />
                  <span>{option.label}</span>
                </label>
                <p id={`${id}-type-${option.value}`} className="hint radio-hint">
                  {option.hint}
                </p>
              </div>
            ))}
          </fieldset>
          {errors.form ? (
            <p className="alert alert-danger" role="alert">
              {errors.form}
            </p>
          ) : null}
          <div className="form-actions">
            <button type="submit" className="button button-primary" disabled={busy} aria-busy={busy}>
              Register application
            </button>
            <Link to="/settings/applications" className="button button-quiet">
              Cancel
            </Link>
          </div>
        </div>
      </form>
    </div>
  );
}

import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api, ApiProblem } from '../api';
import { Link, navigate } from '../router';
import { focusFirstInvalid } from '../tokens/create-token-page';
import type { OAuthApp } from '../types';
import { useNow, useTitle } from '../ui/hooks';
import { Time } from '../ui/time';
import {
  ApplicationFields,
  appFormErrors,
  type AppFormErrors,
  checkAppFields,
  parseRedirectUris,
} from './application-fields';
import { typeLabel } from './app-bits';

/** Settings → Applications → Edit: the name and redirect URIs of one registered application. */
export function EditApplicationPage({ id }: { id: string }) {
  const now = useNow();
  const [app, setApp] = useState<OAuthApp | null>(null);
  const [loadError, setLoadError] = useState<ApiProblem | null>(null);
  const [name, setName] = useState('');
  const [redirectUris, setRedirectUris] = useState('');
  const [errors, setErrors] = useState<AppFormErrors>({});
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  useTitle(app === null ? 'Application' : `Edit ${app.name}`);

  useEffect(() => {
    let live = true;
    api.getApp(id).then(
      (loaded) => {
        if (!live) return;
        setApp(loaded);
        setName(loaded.name);
        setRedirectUris(loaded.redirect_uris.join('\n'));
      },
      (failure: unknown) => {
        if (!live) return;
        setLoadError(
          failure instanceof ApiProblem
            ? failure
            : new ApiProblem(0, 'unexpected_response', 'The application could not be loaded.'),
        );
      },
    );
    return () => {
      live = false;
    };
  }, [id]);

  if (loadError?.status === 404) {
    return (
      <div className="page">
        <h1 className="page-title">Application not found</h1>
        <p>
          There is no application with this client ID on your account.{' '}
          <Link to="/settings/applications">Back to applications</Link>
        </p>
      </div>
    );
  }
  if (app === null) {
    return (
      <div className="page">
        {loadError !== null ? (
          <p className="alert alert-danger" role="alert">
            {loadError.detail}
          </p>
        ) : (
          <p className="muted" aria-busy="true">
            Loading application…
          </p>
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
      await api.updateApp(app.client_id, { name: name.trim(), redirect_uris: uris });
      navigate('/settings/applications');
    } catch (failure) {
      setErrors(appFormErrors(failure));
      focusFirstInvalid(formRef.current);
      setBusy(false);
    }
  };

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <p className="breadcrumb">
            <Link to="/settings/applications">Applications</Link> / Edit
          </p>
          <h1 className="page-title break">{app.name}</h1>
          <p className="page-lead mono">{app.client_id}</p>
        </div>
      </header>
      <form ref={formRef} className="form-single" noValidate onSubmit={(event) => void submit(event)}>
        <div className="form-main card">
          <dl className="facts facts-inline">
            <div>
              <dt>Type</dt>
              <dd>{typeLabel(app.type)}</dd>
            </div>
            <div>
              <dt>Created</dt>
              <dd>
                <Time at={app.created_at} now={now} />
              </dd>
            </div>
            <div>
              <dt>Updated</dt>
              <dd>
                <Time at={app.updated_at} now={now} />
              </dd>
            </div>
          </dl>
          <ApplicationFields
            name={name}
            redirectUris={redirectUris}
            errors={errors}
            onName={setName}
            onRedirectUris={setRedirectUris}
          />
          {errors.form ? (
            <p className="alert alert-danger" role="alert">
              {errors.form}
            </p>
          ) : null}
          <div className="form-actions">
            <button type="submit" className="button button-primary" disabled={busy} aria-busy={busy}>
              Save changes
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

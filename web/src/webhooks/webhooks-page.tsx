import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiProblem } from '../api';
import type { CreatedWebhook, Webhook } from '../types';
import { useFocusAfterCommit, useNow, useTitle } from '../ui/hooks';
import { AddWebhookForm } from './add-webhook-form';
import { DeleteWebhookDialog } from './delete-webhook-dialog';
import { WebhookCard } from './webhook-card';
import { WebhookSecretReveal } from './webhook-secret-reveal';

function loadError(failure: unknown): string {
  const reason = failure instanceof ApiProblem ? failure.detail : 'The webhooks could not be loaded.';
  return `${reason} Reload the page to try again.`;
}

/**
 * Settings → Webhooks: URLs that receive the account's events, signed. Add one (its signing secret
 * shown once), send it a test event, read its delivery log, or delete it.
 */
export function WebhooksPage() {
  useTitle('Webhooks');
  const now = useNow(15_000);
  const [webhooks, setWebhooks] = useState<Webhook[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<CreatedWebhook | null>(null);
  const [deleting, setDeleting] = useState<Webhook | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const addRef = useRef<HTMLButtonElement>(null);

  const load = useCallback(async () => {
    try {
      setWebhooks((await api.listWebhooks()).data);
      setError(null);
    } catch (failure) {
      setError(loadError(failure));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const focusAdd = useFocusAfterCommit(addRef);

  const onCreated = (webhook: CreatedWebhook) => {
    setAdding(false);
    setNotice(null);
    setCreated(webhook);
    const { secret: _secret, ...listed } = webhook;
    setWebhooks((current) => [listed, ...(current ?? [])]);
  };

  const onDeleted = (webhook: Webhook) => {
    setWebhooks((current) => (current ?? []).filter((row) => row.id !== webhook.id));
    setDeleting(null);
    setNotice(`The webhook for ${webhook.url} is deleted.`);
    focusAdd();
  };

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1 className="page-title">Webhooks</h1>
          <p className="page-lead">
            Webhooks tell your systems when a token or an API key is created, revoked, rotated or reported
            leaked. Each event is POSTed as JSON and signed; deliveries that fail are retried for a day.
          </p>
        </div>
        {adding || created !== null ? null : (
          <button
            ref={addRef}
            type="button"
            className="button button-primary"
            onClick={() => {
              setNotice(null);
              setAdding(true);
            }}
          >
            Add webhook
          </button>
        )}
      </header>

      {created !== null ? (
        <WebhookSecretReveal
          created={created}
          onDone={() => {
            setCreated(null);
            focusAdd();
          }}
        />
      ) : null}
      {adding ? (
        <AddWebhookForm
          onCreated={onCreated}
          onCancel={() => {
            setAdding(false);
            focusAdd();
          }}
        />
      ) : null}

      <p role="status" className={notice === null ? 'visually-hidden' : 'alert alert-success'}>
        {notice}
      </p>

      {error !== null ? (
        <p className="alert alert-danger" role="alert">
          {error}
        </p>
      ) : null}

      {webhooks === null ? (
        error === null ? (
          <p className="muted" aria-busy="true">
            Loading webhooks…
          </p>
        ) : null
      ) : webhooks.length === 0 ? (
        <p className="empty-note">No webhooks yet.</p>
      ) : (
        <div className="stack">
          {webhooks.map((webhook) => (
            <WebhookCard
              key={webhook.id}
              webhook={webhook}
              now={now}
              onNotice={setNotice}
              onDelete={setDeleting}
            />
          ))}
        </div>
      )}

      {deleting !== null ? (
        <DeleteWebhookDialog webhook={deleting} onDeleted={onDeleted} onClose={() => setDeleting(null)} />
      ) : null}
    </div>
  );
}

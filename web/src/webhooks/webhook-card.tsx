import { useCallback, useEffect, useId, useState } from 'react';
import { api, ApiProblem } from '../api';
import type { Webhook, WebhookDelivery } from '../types';
import { usePolling } from '../ui/hooks';
import { WebhookDeliveries } from './webhook-deliveries';

/** Props of {@link WebhookCard}. */
export interface WebhookCardProps {
  webhook: Webhook;
  now: Date;
  /** Says a result in the page's live region. */
  onNotice: (message: string) => void;
  onDelete: (webhook: Webhook) => void;
}

/** One webhook: its URL and events, Send test event, Delete, and its delivery log. */
export function WebhookCard({ webhook, now, onNotice, onDelete }: WebhookCardProps) {
  const headingId = useId();
  const [deliveries, setDeliveries] = useState<WebhookDelivery[] | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setDeliveries((await api.listWebhookDeliveries(webhook.id)).data);
    } catch {
      // The log stays as it was; the next poll tries again.
    }
  }, [webhook.id]);

  useEffect(() => {
    void load();
  }, [load]);
  const unsettled = (deliveries ?? []).some(
    (delivery) => delivery.status === 'pending' || delivery.status === 'retrying',
  );
  usePolling(() => void load(), 2_000, unsettled);

  const sendTest = async () => {
    if (busy) return;
    setBusy(true);
    try {
      const delivery = await api.testWebhook(webhook.id);
      setDeliveries((current) => [delivery, ...(current ?? []).filter((row) => row.id !== delivery.id)]);
      onNotice(`Test event ${delivery.id} queued for ${webhook.url}.`);
    } catch (failure) {
      onNotice(
        failure instanceof ApiProblem
          ? `The test event could not be sent: ${failure.detail}`
          : 'The test event could not be sent. Try again.',
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card stack" aria-labelledby={headingId}>
      <header className="page-header">
        <div>
          <h2 id={headingId} className="section-title mono break">
            {webhook.url}
          </h2>
          <p className="muted">
            Events: <span className="mono">{webhook.events.join(', ')}</span>
          </p>
        </div>
        <div className="form-actions">
          <button
            type="button"
            className="button"
            aria-disabled={busy}
            aria-busy={busy}
            aria-describedby={headingId}
            onClick={() => void sendTest()}
          >
            Send test event
          </button>
          <button
            type="button"
            className="button button-danger"
            aria-describedby={headingId}
            onClick={() => onDelete(webhook)}
          >
            Delete
          </button>
        </div>
      </header>
      <h3 className="label">Delivery log</h3>
      <WebhookDeliveries url={webhook.url} deliveries={deliveries} now={now} />
    </section>
  );
}

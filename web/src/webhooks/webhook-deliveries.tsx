import type { WebhookDelivery } from '../types';
import { Time } from '../ui/time';

const STATUS_BADGES: Record<WebhookDelivery['status'], { label: string; tone: string }> = {
  pending: { label: 'Pending', tone: 'muted' },
  delivered: { label: 'Delivered', tone: 'success' },
  retrying: { label: 'Retrying', tone: 'warning' },
  failed: { label: 'Failed', tone: 'danger' },
};

/** Props of {@link WebhookDeliveries}. */
export interface WebhookDeliveriesProps {
  /** What the table is of, for its caption. */
  url: string;
  deliveries: WebhookDelivery[] | null;
  now: Date;
}

/** A webhook's delivery log, newest first: event, status, the receiver's answer, and when. */
export function WebhookDeliveries({ url, deliveries, now }: WebhookDeliveriesProps) {
  if (deliveries === null) {
    return (
      <p className="muted" aria-busy="true">
        Loading deliveries…
      </p>
    );
  }
  if (deliveries.length === 0) return <p className="empty-note">No deliveries yet.</p>;
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">Deliveries to {url}</caption>
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">Status</th>
            <th scope="col">Response</th>
            <th scope="col">Attempts</th>
            <th scope="col">Time</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((delivery) => (
            <tr key={delivery.id}>
              <td>
                <span className="mono">{delivery.type}</span>
                <br />
                <span className="mono muted">{delivery.id}</span>
              </td>
              <td>
                <span className={`badge badge-${STATUS_BADGES[delivery.status].tone}`}>
                  {STATUS_BADGES[delivery.status].label}
                </span>
              </td>
              <td>
                {delivery.response_status !== null ? (
                  <span className="mono">{delivery.response_status}</span>
                ) : (
                  <span className="muted">{delivery.error ?? '—'}</span>
                )}
              </td>
              <td>{delivery.attempts}</td>
              <td>
                <Time
                  at={delivery.delivered_at ?? delivery.last_attempt_at ?? delivery.created_at}
                  now={now}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

import { exactTime, relativeTime } from '../format';
import type { ApiKey, ApiKeyStatus } from '../types';
import { type InferenceUsageReport, UsageText } from '../ui/inference-usage';
import { Time } from '../ui/time';

/** Which keys the API Keys page lists. */
export type ApiKeyFilter = ApiKeyStatus | 'all';

/** Props of {@link ApiKeyTable}. */
export interface ApiKeyTableProps {
  keys: ApiKey[];
  filter: ApiKeyFilter;
  /** The gateway's counts; `null` while loading or when billing cannot be read (the column is left out). */
  usage: InferenceUsageReport | null;
  now: Date;
  onRoll: (apiKey: ApiKey) => void;
  onRevoke: (apiKey: ApiKey) => void;
}

/** The API keys as a table: name and masked value, status, dates, use, and Roll and Revoke per row. */
export function ApiKeyTable({ keys, filter, usage, now, onRoll, onRevoke }: ApiKeyTableProps) {
  return (
    <div className="table-wrap">
      <table className="table token-table api-key-table">
        <caption className="visually-hidden">API keys ({filter})</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Status</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">Expires</th>
            {usage !== null ? <th scope="col">Usage</th> : null}
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {keys.map((apiKey) => (
            <ApiKeyRow
              key={apiKey.id}
              apiKey={apiKey}
              usage={usage}
              now={now}
              onRoll={() => onRoll(apiKey)}
              onRevoke={() => onRevoke(apiKey)}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface ApiKeyRowProps {
  apiKey: ApiKey;
  usage: InferenceUsageReport | null;
  now: Date;
  onRoll: () => void;
  onRevoke: () => void;
}

function ApiKeyRow({ apiKey, usage, now, onRoll, onRevoke }: ApiKeyRowProps) {
  const isActive = apiKey.status === 'active';
  const canRoll = isActive && apiKey.replaced_by === null;
  return (
    <tr
      data-api-key-id={apiKey.id}
      data-status={apiKey.status}
      className={isActive ? undefined : 'row-inactive'}
    >
      <th scope="row" data-label="Name">
        <span className="token-name break">{apiKey.name}</span>
        <span className="cell-sub mono">{apiKey.masked}</span>
      </th>
      <td data-label="Status">
        <ApiKeyStatusBadge apiKey={apiKey} />
      </td>
      <td data-label="Created">
        <Time at={apiKey.created_at} now={now} />
      </td>
      <td data-label="Last used">
        {apiKey.last_used_at === null ? (
          <span className="muted">Never used</span>
        ) : (
          <span
            className="last-used"
            title={apiKey.last_used_ip === null ? undefined : `From ${apiKey.last_used_ip}`}
          >
            <Time at={apiKey.last_used_at} now={now} />
            {apiKey.last_used_ip !== null ? <span className="cell-sub">{apiKey.last_used_ip}</span> : null}
          </span>
        )}
      </td>
      <td data-label="Expires">
        {apiKey.expires_at === null ? (
          <span className="muted">Until revoked</span>
        ) : (
          <time dateTime={apiKey.expires_at} title={exactTime(new Date(apiKey.expires_at))}>
            {relativeTime(new Date(apiKey.expires_at), now)}
          </time>
        )}
      </td>
      {usage !== null ? (
        <td data-label="Usage">
          <UsageText usage={usage.by_api_key.find((row) => row.api_key_id === apiKey.id)} />
        </td>
      ) : null}
      <td className="actions">
        <button
          type="button"
          className="button button-small"
          disabled={!canRoll}
          title={canRoll ? `Replace ${apiKey.name} with a new key` : undefined}
          onClick={onRoll}
        >
          Roll
        </button>
        <button
          type="button"
          className="button button-small button-danger-quiet"
          disabled={!isActive}
          onClick={onRevoke}
        >
          Revoke
        </button>
      </td>
    </tr>
  );
}

/** Active / Expired / Revoked; an active key that was rolled says so. */
function ApiKeyStatusBadge({ apiKey }: { apiKey: ApiKey }) {
  // In a stack even alone, so a badge keeps its width where the row becomes a card.
  return (
    <span className="badge-stack">
      {apiKey.status === 'revoked' ? (
        <span className="badge badge-danger">Revoked</span>
      ) : apiKey.status === 'expired' ? (
        <span className="badge badge-muted">Expired</span>
      ) : (
        <>
          <span className="badge badge-success">Active</span>
          {apiKey.replaced_by !== null ? <span className="badge badge-info">Rolled</span> : null}
        </>
      )}
    </span>
  );
}

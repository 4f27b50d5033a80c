import { useId } from 'react';
import { ScopeChips } from '../tokens/token-bits';
import type { Workload } from '../types';
import { Time } from '../ui/time';
import { issuerLabel } from './issuer-field';

/** Props of {@link WorkloadTable}. */
export interface WorkloadTableProps {
  workloads: Workload[];
  /** The workload a link pointed at (`?workload=wl_…`), marked in the list. */
  highlighted: string | null;
  now: Date;
  onDelete: (workload: Workload) => void;
}

/** The trusted workloads: what each accepts, what its tokens may do, and Delete per row. */
export function WorkloadTable({ workloads, highlighted, now, onDelete }: WorkloadTableProps) {
  return (
    <div className="table-wrap">
      <table className="table token-table workload-table">
        <caption className="visually-hidden">Trusted workloads</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Issuer</th>
            <th scope="col">Subject</th>
            <th scope="col">Scopes</th>
            <th scope="col">Token lifetime</th>
            <th scope="col">Created</th>
            <th scope="col">Last exchanged</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {workloads.map((workload) => (
            <WorkloadRow
              key={workload.id}
              workload={workload}
              isHighlighted={workload.id === highlighted}
              now={now}
              onDelete={() => onDelete(workload)}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface WorkloadRowProps {
  workload: Workload;
  isHighlighted: boolean;
  now: Date;
  onDelete: () => void;
}

function WorkloadRow({ workload, isHighlighted, now, onDelete }: WorkloadRowProps) {
  const id = useId();
  const preset = issuerLabel(workload.issuer);
  const claims = Object.entries(workload.claims);
  return (
    <tr
      id={`workload-${workload.id}`}
      data-workload-id={workload.id}
      className={isHighlighted ? 'row-highlight' : undefined}
      aria-current={isHighlighted ? 'true' : undefined}
    >
      <th scope="row" data-label="Name" id={`${id}-name`}>
        <span className="token-name break">{workload.name}</span>
        <span className="cell-sub mono">{workload.id}</span>
      </th>
      <td data-label="Issuer">
        {preset ?? <span className="mono break">{workload.issuer}</span>}
        {preset !== undefined ? <span className="cell-sub mono break">{workload.issuer}</span> : null}
        <span className="cell-sub break">
          Audience <span className="mono">{workload.audience}</span>
        </span>
      </td>
      <td data-label="Subject">
        <span className="mono break">{workload.subject}</span>
        {claims.length > 0 ? (
          <ul className="chips restriction-badges" aria-label="Required claims">
            {claims.map(([name, value]) => (
              <li key={name} className="chip">
                {name}={value}
              </li>
            ))}
          </ul>
        ) : null}
      </td>
      <td data-label="Scopes">
        <ScopeChips scopes={workload.scopes} />
        {workload.allowed_ips !== null ? (
          <ul className="chips restriction-badges" aria-label="Restrictions">
            <li className="badge badge-muted" title={`Only from ${workload.allowed_ips.join(', ')}`}>
              {workload.allowed_ips.length === 1
                ? `IP ${workload.allowed_ips[0] ?? ''}`
                : `${workload.allowed_ips.length} IP ranges`}
            </li>
          </ul>
        ) : null}
      </td>
      <td data-label="Token lifetime">{Math.round(workload.ttl_seconds / 60)} minutes</td>
      <td data-label="Created">
        <Time at={workload.created_at} now={now} />
      </td>
      <td data-label="Last exchanged">
        {workload.last_exchanged_at === null ? (
          <span className="muted">Never</span>
        ) : (
          <Time at={workload.last_exchanged_at} now={now} />
        )}
      </td>
      <td className="actions">
        <button
          type="button"
          className="button button-small button-danger-quiet"
          aria-describedby={`${id}-name`}
          onClick={onDelete}
        >
          Delete
        </button>
      </td>
    </tr>
  );
}

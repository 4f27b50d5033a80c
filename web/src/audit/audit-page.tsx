import { useEffect, useId, useState } from 'react';
import { api, ApiProblem } from '../api';
import { shortUserAgent } from '../format';
import { Link, navigate, usePath } from '../router';
import { AUDIT_ACTIONS, type AuditAction, isAuditAction } from '@skytells/contract';
import type { AuditEvent, Page } from '../types';
import { useNow, useTitle } from '../ui/hooks';
import { Time } from '../ui/time';

const PAGE_SIZE = 25;

function detailText(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) return value.map(detailText).join(', ');
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '—';
}

function actorText(event: AuditEvent): string {
  switch (event.actor.type) {
    case 'session':
      return 'You, in the console';
    case 'token':
      return `Token ${event.actor.label ?? event.actor.id ?? ''}`.trim();
    case 'anonymous':
      return 'Anonymous';
    case 'system':
      return 'System';
    default:
      return event.actor.type;
  }
}

function queryOf(path: string): { action: AuditAction | ''; cursor: string | undefined } {
  const params = new URLSearchParams(path.split('?')[1] ?? '');
  const action = params.get('action') ?? '';
  return { action: isAuditAction(action) ? action : '', cursor: params.get('cursor') ?? undefined };
}

function auditPath(action: string, cursor?: string): string {
  const params = new URLSearchParams();
  if (action !== '') params.set('action', action);
  if (cursor !== undefined) params.set('cursor', cursor);
  const text = params.toString();
  return text === '' ? '/settings/audit' : `/settings/audit?${text}`;
}

/** Settings → Audit log: the account's events, newest first, paged, filterable by action. */
export function AuditPage() {
  useTitle('Audit log');
  const now = useNow();
  const path = usePath();
  const { action, cursor } = queryOf(path);
  const [page, setPage] = useState<Page<AuditEvent> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [history, setHistory] = useState<(string | undefined)[]>([]);
  const id = useId();

  useEffect(() => {
    let live = true;
    setPage(null);
    api
      .audit({
        limit: PAGE_SIZE,
        ...(action === '' ? {} : { action }),
        ...(cursor === undefined ? {} : { cursor }),
      })
      .then(
        (result) => {
          if (!live) return;
          setPage(result);
          setError(null);
        },
        (failure: unknown) => {
          if (live)
            setError(failure instanceof ApiProblem ? failure.detail : 'The audit log could not be loaded.');
        },
      );
    return () => {
      live = false;
    };
  }, [action, cursor]);

  const older = () => {
    if (page?.next_cursor == null) return;
    setHistory((stack) => [...stack, cursor]);
    navigate(auditPath(action, page.next_cursor));
  };
  const newer = () => {
    const previous = history.at(-1);
    setHistory((stack) => stack.slice(0, -1));
    navigate(auditPath(action, previous));
  };

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1 className="page-title">Audit log</h1>
          <p className="page-lead">Everything that happened to your account and its tokens, newest first.</p>
        </div>
      </header>
      <div className="toolbar">
        <label htmlFor={`${id}-action`} className="label label-inline">
          Action
        </label>
        <select
          id={`${id}-action`}
          className="input select select-inline"
          value={action}
          onChange={(event) => {
            setHistory([]);
            navigate(auditPath(event.currentTarget.value), { replace: true });
          }}
        >
          <option value="">All actions</option>
          {AUDIT_ACTIONS.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </div>
      {error !== null ? (
        <p className="alert alert-danger" role="alert">
          {error}
        </p>
      ) : null}
      {page === null ? (
        error === null ? (
          <p className="muted" aria-busy="true">
            Loading events…
          </p>
        ) : null
      ) : page.data.length === 0 ? (
        <p className="empty-note">No events{action === '' ? '' : ` of type ${action}`} yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="table audit-table">
            <caption className="visually-hidden">Audit events</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Action</th>
                <th scope="col">Actor</th>
                <th scope="col">Target</th>
                <th scope="col">From</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {page.data.map((event) => (
                <tr key={event.id}>
                  <td data-label="When">
                    <Time at={event.at} now={now} />
                  </td>
                  <td data-label="Action">
                    <span className="chip">{event.action}</span>
                  </td>
                  <td data-label="Actor">{actorText(event)}</td>
                  <td data-label="Target" className="mono">
                    {event.target === null ? (
                      <span className="muted">—</span>
                    ) : event.target.type === 'token' ? (
                      <Link to={`/settings/tokens/${event.target.id}`}>{event.target.id}</Link>
                    ) : (
                      event.target.id
                    )}
                  </td>
                  <td data-label="From">
                    <span className="mono">{event.ip ?? '—'}</span>
                    {event.user_agent !== null ? (
                      <span className="cell-sub" title={event.user_agent}>
                        {shortUserAgent(event.user_agent)}
                      </span>
                    ) : null}
                  </td>
                  <td data-label="Details">
                    {Object.keys(event.details).length === 0 ? (
                      <span className="muted">—</span>
                    ) : (
                      <dl className="details-list">
                        {Object.entries(event.details).map(([key, value]) => (
                          <div key={key}>
                            <dt>{key}</dt>
                            <dd className="break">{detailText(value)}</dd>
                          </div>
                        ))}
                      </dl>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav className="pager" aria-label="Audit log pages">
        <button type="button" className="button" onClick={newer} disabled={cursor === undefined}>
          Newer
        </button>
        <button type="button" className="button" onClick={older} disabled={page?.next_cursor == null}>
          Older
        </button>
      </nav>
    </div>
  );
}

import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiProblem, type TokenFilter } from '../api';
import { Link, navigate, usePath } from '../router';
import type { Token } from '../types';
import { usePolling, useNow, useTitle } from '../ui/hooks';
import { Time } from '../ui/time';
import { clientLabel, useClientNames } from './client-names';
import { ExpiringSoon } from './expiring-soon';
import { RevokeDialog } from './revoke-dialog';
import { Expiry, LastUsed, originLabel, RestrictionBadges, ScopeChips, StatusBadge } from './token-bits';
import { isStatusFilterValue, StatusFilter } from '../ui/status-filter';

const PAGE_SIZE = 50;
/** How often the list refreshes while visible, so "last used" follows real use. */
const REFRESH_MS = 5_000;

function filterOf(path: string): TokenFilter {
  const value = new URLSearchParams(path.split('?')[1] ?? '').get('status');
  return isStatusFilterValue(value) ? value : 'active';
}

function newestFirst(a: Token, b: Token): number {
  return b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id);
}

/**
 * The fresh first page, plus rows the user changed here (a revoked row stays, marked revoked, until
 * the filter changes) and rows of later pages already loaded.
 */
function merge(
  current: Token[],
  fresh: Token[],
  changed: Map<string, Token>,
  freshIsPartial: boolean,
): Token[] {
  const ids = new Set(fresh.map((token) => token.id));
  const oldest = fresh.at(-1)?.created_at ?? '';
  const kept = current
    .filter((token) => !ids.has(token.id))
    .filter((token) => changed.has(token.id) || (freshIsPartial && token.created_at < oldest))
    .map((token) => changed.get(token.id) ?? token);
  return [...fresh, ...kept].sort(newestFirst);
}

/** Settings → Tokens: the account's tokens, filtered by status, with revoke and rotate. */
export function TokensPage() {
  useTitle('Tokens');
  const now = useNow(15_000);
  const filter = filterOf(usePath());
  const [tokens, setTokens] = useState<Token[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<Token | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const changed = useRef(new Map<string, Token>());
  const clientNames = useClientNames(tokens);
  const generation = useRef(0);

  const load = useCallback(
    async (mode: 'replace' | 'refresh') => {
      const run = ++generation.current;
      try {
        const page = await api.listTokens({ status: filter, limit: PAGE_SIZE });
        if (run !== generation.current) return;
        setError(null);
        if (mode === 'replace') {
          setTokens(page.data);
          setNextCursor(page.next_cursor);
        } else {
          setTokens((current) => merge(current ?? [], page.data, changed.current, page.next_cursor !== null));
        }
      } catch (failure) {
        if (run !== generation.current) return;
        setError(failure instanceof ApiProblem ? failure.detail : 'The tokens could not be loaded.');
      }
    },
    [filter],
  );

  useEffect(() => {
    changed.current = new Map();
    setTokens(null);
    void load('replace');
  }, [load]);

  usePolling(() => void load('refresh'), REFRESH_MS, tokens !== null && !loadingMore);

  const chooseFilter = (value: TokenFilter) => {
    navigate(value === 'active' ? '/settings/tokens' : `/settings/tokens?status=${value}`, { replace: true });
  };

  const loadMore = async () => {
    if (nextCursor === null) return;
    setLoadingMore(true);
    try {
      const page = await api.listTokens({ status: filter, cursor: nextCursor, limit: PAGE_SIZE });
      setTokens((current) => {
        const ids = new Set((current ?? []).map((token) => token.id));
        return [...(current ?? []), ...page.data.filter((token) => !ids.has(token.id))];
      });
      setNextCursor(page.next_cursor);
    } catch (failure) {
      setError(failure instanceof ApiProblem ? failure.detail : 'More tokens could not be loaded.');
    } finally {
      setLoadingMore(false);
    }
  };

  const revoked = (token: Token) => {
    changed.current.set(token.id, token);
    setTokens((current) => (current ?? []).map((row) => (row.id === token.id ? token : row)));
    setRevoking(null);
  };

  const isEmpty = tokens !== null && tokens.length === 0;
  const showEmptyState = isEmpty && filter === 'active';

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1 className="page-title">Tokens</h1>
          <p className="page-lead">
            Access tokens let the CLI, pipelines and integrations act on your account. Each has its own scopes
            and expiration and can be revoked on its own.
          </p>
        </div>
        {showEmptyState ? null : (
          <button
            type="button"
            className="button button-primary"
            onClick={() => navigate('/settings/tokens/new')}
          >
            Create token
          </button>
        )}
      </header>

      {tokens !== null ? <ExpiringSoon tokens={tokens} now={now} /> : null}

      <StatusFilter legend="Show tokens" name="token-status" value={filter} onChange={chooseFilter} />

      {error !== null ? (
        <p className="alert alert-danger" role="alert">
          {error}
        </p>
      ) : null}

      {tokens === null ? (
        <p className="muted" aria-busy="true">
          Loading tokens…
        </p>
      ) : showEmptyState ? (
        <EmptyState />
      ) : isEmpty ? (
        <p className="empty-note">No {filter === 'all' ? '' : `${filter} `}tokens.</p>
      ) : (
        <div className="table-wrap">
          <table className="table token-table">
            <caption className="visually-hidden">Access tokens ({filter})</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Scopes</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((token) => (
                <TokenRow
                  key={token.id}
                  token={token}
                  client={clientLabel(token, clientNames)}
                  now={now}
                  onRevoke={() => setRevoking(token)}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}

      {nextCursor !== null && tokens !== null && tokens.length > 0 ? (
        <div className="pager">
          <button type="button" className="button" onClick={() => void loadMore()} disabled={loadingMore}>
            Load more tokens
          </button>
        </div>
      ) : null}

      {revoking !== null ? (
        <RevokeDialog token={revoking} onRevoked={revoked} onClose={() => setRevoking(null)} />
      ) : null}
    </div>
  );
}

interface TokenRowProps {
  token: Token;
  /** "via Skytells CLI" for a token an OAuth client holds. */
  client: string | null;
  now: Date;
  onRevoke: () => void;
}

function TokenRow({ token, client, now, onRevoke }: TokenRowProps) {
  const isActive = token.status === 'active';
  const canRotate = isActive && token.replaced_by === null && token.revoked_at === null;
  return (
    <tr data-token-id={token.id} data-status={token.status} className={isActive ? undefined : 'row-inactive'}>
      <th scope="row" data-label="Name">
        <Link to={`/settings/tokens/${token.id}`} className="token-name">
          {token.name}
        </Link>
        <span className="cell-sub mono">{token.masked}</span>
        {client !== null ? <span className="cell-sub token-client">{client}</span> : null}
        {token.created_via === 'workload' ? (
          <span className="cell-sub token-client">Origin: {originLabel(token.created_via)}</span>
        ) : null}
      </th>
      <td data-label="Scopes">
        <ScopeChips scopes={token.scopes} />
        <RestrictionBadges token={token} />
      </td>
      <td data-label="Created">
        <Time at={token.created_at} now={now} />
      </td>
      <td data-label="Expires">
        <Expiry token={token} now={now} />
      </td>
      <td data-label="Last used">
        <LastUsed token={token} now={now} />
      </td>
      <td data-label="Status">
        <StatusBadge token={token} now={now} />
        {isActive && token.replaced_by !== null ? (
          <Link to={`/settings/tokens/${token.replaced_by}/rotation`} className="cell-sub">
            Continue rotation
          </Link>
        ) : null}
      </td>
      <td className="actions">
        <button
          type="button"
          className="button button-small"
          disabled={!canRotate}
          title={canRotate ? `Replace ${token.name} with a new token` : undefined}
          onClick={() => navigate(`/settings/tokens/${token.id}/rotate`)}
        >
          Rotate
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

function EmptyState() {
  return (
    <section className="empty card" aria-labelledby="empty-heading">
      <h2 id="empty-heading" className="section-title">
        No active tokens yet
      </h2>
      <p>
        Create a token for each app, pipeline or machine that needs to act on your account without a browser:
        the Skytells CLI, a GitHub Actions workflow, a deployment script, an integration. Give it only the
        scopes it needs and an expiration.
      </p>
      <p>
        Name it after whoever holds it — <code>cli-macbook-alice</code>, <code>github-actions-prod</code> — so
        you know exactly what stops working when you revoke it.
      </p>
      <button
        type="button"
        className="button button-primary"
        onClick={() => navigate('/settings/tokens/new')}
      >
        Create token
      </button>
    </section>
  );
}

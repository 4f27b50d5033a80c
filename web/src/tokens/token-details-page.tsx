import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { api, ApiProblem } from '../api';
import { exactTime } from '../format';
import { Link, navigate } from '../router';
import { effectiveScopes } from '../scopes';
import type { Token } from '../types';
import { usePolling, useNow, useScopes, useTitle } from '../ui/hooks';
import { Time } from '../ui/time';
import { useClientNames } from './client-names';
import { RevokeDialog } from './revoke-dialog';
import { Expiry, LastUsed, originLabel, rateLimitText, StatusBadge } from './token-bits';
import { TokenUsageCard } from './token-usage';
import { WorkloadLink } from '../workloads/workload-link';

/** Loads one token and keeps it fresh while the page is visible. */
export function useToken(id: string | null, refreshMs: number) {
  const [token, setToken] = useState<Token | null>(null);
  const [error, setError] = useState<ApiProblem | null>(null);

  const load = useCallback(async () => {
    if (id === null) return;
    try {
      const fresh = await api.getToken(id);
      setToken(fresh);
      setError(null);
    } catch (failure) {
      if (failure instanceof ApiProblem) setError(failure);
    }
  }, [id]);

  useEffect(() => {
    setToken(null);
    setError(null);
    void load();
  }, [load]);
  usePolling(() => void load(), refreshMs, id !== null);
  return { token, error, setToken, reload: load };
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="fact">
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Exact({ at, now }: { at: string | null; now: Date }) {
  if (at === null) return <span className="muted">—</span>;
  return (
    <>
      {exactTime(new Date(at))}{' '}
      <span className="muted">
        (<Time at={at} now={now} />)
      </span>
    </>
  );
}

/** Every field of one token: origin, client, last use, and its place in a rotation. */
export function TokenDetailsPage({ id }: { id: string }) {
  const now = useNow(15_000);
  const { scopes: catalogue } = useScopes();
  const { token, error, setToken } = useToken(id, 5_000);
  const [revoking, setRevoking] = useState(false);
  const clientNames = useClientNames(token === null ? null : [token]);
  useTitle(token?.name ?? 'Token');

  if (error?.status === 404) {
    return (
      <div className="page">
        <h1 className="page-title">Token not found</h1>
        <p>
          There is no token with this id on your account. <Link to="/settings/tokens">Back to tokens</Link>
        </p>
      </div>
    );
  }
  if (token === null) {
    return (
      <div className="page">
        {error ? (
          <p className="alert alert-danger" role="alert">
            {error.detail}
          </p>
        ) : (
          <p className="muted" aria-busy="true">
            Loading token…
          </p>
        )}
      </div>
    );
  }

  const isActive = token.status === 'active';
  const canRotate = isActive && token.replaced_by === null && token.revoked_at === null;
  const implied =
    catalogue === null
      ? []
      : effectiveScopes(token.scopes, catalogue).filter((s) => !token.scopes.includes(s));

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <p className="breadcrumb">
            <Link to="/settings/tokens">Tokens</Link> / Details
          </p>
          <h1 className="page-title break">{token.name}</h1>
          <p className="page-lead mono">{token.masked}</p>
        </div>
        <div className="header-actions">
          <button
            type="button"
            className="button"
            disabled={!canRotate}
            onClick={() => navigate(`/settings/tokens/${token.id}/rotate`)}
          >
            Rotate
          </button>
          <button
            type="button"
            className="button button-danger-quiet"
            disabled={!isActive}
            onClick={() => setRevoking(true)}
          >
            Revoke
          </button>
        </div>
      </header>

      {isActive && token.revoke_on_first_use_of !== null ? (
        <p className="alert alert-info" role="status">
          Will be revoked when its replacement is first used.{' '}
          <Link to={`/settings/tokens/${token.revoke_on_first_use_of}/rotation`}>Follow the rotation</Link>
        </p>
      ) : token.status === 'revoked' && token.revoke_on_first_use_of !== null && token.revoked_at !== null ? (
        <p className="alert alert-success" role="status">
          Revoked when its replacement was first used, {exactTime(new Date(token.revoked_at))} (
          <Time at={token.revoked_at} now={now} />
          ).
        </p>
      ) : isActive && token.replaced_by !== null ? (
        <p className="alert alert-info">
          This token was replaced during a rotation.{' '}
          <Link to={`/settings/tokens/${token.replaced_by}/rotation`}>Continue the rotation</Link> to check
          that the replacement works and revoke this one.
        </p>
      ) : null}

      <section className="card" aria-labelledby="details-heading">
        <h2 id="details-heading" className="visually-hidden">
          Details
        </h2>
        <dl className="facts">
          <Fact term="Name">
            <span className="break">{token.name}</span>
          </Fact>
          <Fact term="Identifier">
            <span className="mono">{token.masked}</span>
          </Fact>
          <Fact term="ID">
            <span className="mono">{token.id}</span>
          </Fact>
          <Fact term="Status">
            <StatusBadge token={token} now={now} />
          </Fact>
          <Fact term="Scopes">
            <ul className="scope-list">
              {token.scopes.map((scope) => (
                <li key={scope}>
                  <span className="mono">{scope}</span>{' '}
                  <span className="muted">
                    {catalogue?.find((entry) => entry.name === scope)?.description}
                  </span>
                </li>
              ))}
              {implied.map((scope) => (
                <li key={scope}>
                  <span className="mono">{scope}</span>{' '}
                  <span className="muted">included with write access</span>
                </li>
              ))}
            </ul>
          </Fact>
          <Fact term="Only from">
            {token.allowed_ips === null ? (
              <span className="muted">Any address</span>
            ) : (
              <ul className="plain-list">
                {token.allowed_ips.map((entry) => (
                  <li key={entry} className="mono">
                    {entry}
                  </li>
                ))}
              </ul>
            )}
          </Fact>
          <Fact term="Rate limit">
            {token.rate_limit === null ? (
              <span className="muted">None</span>
            ) : (
              `At most ${rateLimitText(token.rate_limit)}`
            )}
          </Fact>
          <Fact term="Projects">
            {token.projects === null ? (
              <span className="muted">Every project</span>
            ) : (
              <ul className="plain-list">
                {token.projects.map((project) => (
                  <li key={project} className="mono">
                    {project}
                  </li>
                ))}
              </ul>
            )}
          </Fact>
          <Fact term="Created">
            <Exact at={token.created_at} now={now} />
          </Fact>
          <Fact term="Created via">{originLabel(token.created_via)}</Fact>
          {token.workload_id !== null ? (
            <Fact term="Workload">
              <WorkloadLink id={token.workload_id} />
            </Fact>
          ) : null}
          <Fact term="Client">
            {token.client_id === null ? (
              <span className="muted">—</span>
            ) : (
              <>
                {clientNames.get(token.client_id) ?? null}{' '}
                <span className={clientNames.has(token.client_id) ? 'mono muted' : 'mono'}>
                  {token.client_id}
                </span>
              </>
            )}
          </Fact>
          <Fact term="Expires">
            {token.expires_at === null ? (
              <Expiry token={token} now={now} />
            ) : (
              <Exact at={token.expires_at} now={now} />
            )}
          </Fact>
          <Fact term="Last used">
            {token.last_used_at === null ? (
              <LastUsed token={token} now={now} />
            ) : (
              <Exact at={token.last_used_at} now={now} />
            )}
          </Fact>
          <Fact term="Last used from">
            {token.last_used_ip === null ? (
              <span className="muted">—</span>
            ) : (
              <span className="mono">{token.last_used_ip}</span>
            )}
          </Fact>
          <Fact term="Last user agent">
            {token.last_used_user_agent === null ? (
              <span className="muted">—</span>
            ) : (
              <span className="mono break">{token.last_used_user_agent}</span>
            )}
          </Fact>
          <Fact
            term={token.revoked_at !== null && token.status === 'active' ? 'Revocation scheduled' : 'Revoked'}
          >
            <Exact at={token.revoked_at} now={now} />
          </Fact>
          <Fact term="Replaces">
            {token.replaces === null ? (
              <span className="muted">—</span>
            ) : (
              <Link to={`/settings/tokens/${token.replaces}`} className="mono">
                {token.replaces}
              </Link>
            )}
          </Fact>
          <Fact term="Replaced by">
            {token.replaced_by === null ? (
              <span className="muted">—</span>
            ) : (
              <Link to={`/settings/tokens/${token.replaced_by}`} className="mono">
                {token.replaced_by}
              </Link>
            )}
          </Fact>
        </dl>
      </section>

      <TokenUsageCard token={token} catalogue={catalogue} canRotate={canRotate} now={now} />

      {revoking ? (
        <RevokeDialog
          token={token}
          onRevoked={(revoked) => {
            setToken(revoked);
            setRevoking(false);
          }}
          onClose={() => setRevoking(false)}
        />
      ) : null}
    </div>
  );
}

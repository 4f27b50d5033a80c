import { useCallback, useEffect, useState } from 'react';
import { api, ApiProblem } from '../api';
import { navigate } from '../router';
import { sameGrant, type ScopeDefinition } from '../scopes';
import type { Token, TokenUsage } from '../types';
import { usePolling } from '../ui/hooks';
import { Time } from '../ui/time';

/** How often the usage refreshes while the details page is visible. */
const REFRESH_MS = 10_000;

/** "Used only projects:read in the last 30 days", "Used a and b in …", "Not used in …". */
export function usageSentence(usage: TokenUsage): string {
  const span = `in the last ${usage.window_days} days`;
  const used = usage.scopes_used;
  if (usage.requests === 0) return `Not used ${span}.`;
  if (used.length === 0) return `Used ${span}, without exercising any scope.`;
  if (used.length === 1) return `Used only ${used[0] ?? ''} ${span}.`;
  return `Used ${used.slice(0, -1).join(', ')} and ${used.at(-1) ?? ''} ${span}.`;
}

/** The path of a rotation that starts with `scopes` checked. */
export function narrowingPath(token: Token, scopes: readonly string[]): string {
  return `/settings/tokens/${token.id}/rotate?scopes=${scopes.map(encodeURIComponent).join(',')}`;
}

/**
 * The Usage card of the details page, from `GET /v1/tokens/{id}/usage`: scopes exercised and left
 * unused, addresses, and **Narrow to these scopes** when fewer would have served.
 */
export function TokenUsageCard({
  token,
  catalogue,
  canRotate,
  now,
}: {
  token: Token;
  catalogue: readonly ScopeDefinition[] | null;
  canRotate: boolean;
  now: Date;
}) {
  const [usage, setUsage] = useState<TokenUsage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setUsage(await api.tokenUsage(token.id));
      setError(null);
    } catch (failure) {
      setError(
        failure instanceof ApiProblem
          ? `The usage could not be loaded: ${failure.detail} It is tried again in a few seconds.`
          : 'The usage could not be loaded. It is tried again in a few seconds.',
      );
    }
  }, [token.id]);
  useEffect(() => void load(), [load]);
  usePolling(() => void load(), REFRESH_MS);

  const suggested = usage?.suggested_scopes ?? [];
  const canNarrow =
    canRotate &&
    usage !== null &&
    usage.requests > 0 &&
    suggested.length > 0 &&
    catalogue !== null &&
    !sameGrant(suggested, token.scopes, catalogue);

  return (
    <section className="card" aria-labelledby="usage-heading">
      <h2 id="usage-heading" className="section-title">
        Usage
      </h2>
      {usage === null ? (
        error === null ? (
          <p className="muted" aria-busy="true">
            Loading usage…
          </p>
        ) : (
          <p className="alert alert-danger" role="alert">
            {error}
          </p>
        )
      ) : (
        <>
          <p className="usage-summary">
            <strong>{usageSentence(usage)}</strong>{' '}
            {usage.requests > 0 ? (
              <span className="muted">
                ({usage.requests} {usage.requests === 1 ? 'request' : 'requests'})
              </span>
            ) : null}
          </p>
          <dl className="facts">
            <div className="fact">
              <dt>Unused scopes</dt>
              <dd>
                {usage.unused_scopes.length === 0 ? (
                  <span className="muted">None</span>
                ) : (
                  <ul className="chips" aria-label="Unused scopes">
                    {usage.unused_scopes.map((scope) => (
                      <li key={scope} className="chip">
                        {scope}
                      </li>
                    ))}
                  </ul>
                )}
              </dd>
            </div>
            <div className="fact">
              <dt>Addresses</dt>
              <dd>
                {usage.ips.length === 0 ? (
                  <span className="muted">None</span>
                ) : (
                  <ul className="usage-ips">
                    {usage.ips.map((entry) => (
                      <li key={entry.ip}>
                        <span className="mono">{entry.ip}</span>{' '}
                        <span className="muted">
                          {entry.requests} {entry.requests === 1 ? 'request' : 'requests'}, last{' '}
                          <Time at={entry.last_at} now={now} />
                        </span>
                      </li>
                    ))}
                  </ul>
                )}
              </dd>
            </div>
          </dl>
          {canNarrow ? (
            <div className="usage-narrow">
              <p id="narrow-hint" className="hint">
                {suggested.join(', ')} would have served every request. Rotating to{' '}
                {suggested.length === 1 ? 'it' : 'them'} takes away access the holder does not use.
              </p>
              <button
                type="button"
                className="button"
                aria-describedby="narrow-hint"
                onClick={() => navigate(narrowingPath(token, suggested))}
              >
                Narrow to these scopes
              </button>
            </div>
          ) : null}
        </>
      )}
    </section>
  );
}

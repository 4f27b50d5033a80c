import { exactDay, relativeTime } from '../format';
import { type ScopeDefinition, summarize } from '../scopes';
import type { RestrictionsRequest } from './restrictions-field';
import { rateLimitText } from './token-bits';

/** Props of {@link TokenSummary}. */
export interface TokenSummaryProps {
  name: string;
  scopes: Iterable<string>;
  catalogue: readonly ScopeDefinition[];
  expiry: Date | null | undefined;
  now: Date;
  /** The restrictions as they would be sent; none by default. */
  restrictions?: RestrictionsRequest;
}

/**
 * "Only from 3 addresses", "At most 100 per minute", "Only 1 project"; for a part a rotation removes
 * (null), that the replacement no longer has it.
 */
function restrictionLines(restrictions: RestrictionsRequest): string[] {
  const lines: string[] = [];
  const ips = restrictions.allowed_ips;
  if (ips === null) lines.push('Not limited to addresses any more');
  else if (ips !== undefined)
    lines.push(
      ips.length === 1 ? `Only from ${ips[0] ?? ''}` : `Only from ${ips.length} addresses or ranges`,
    );
  const limit = restrictions.rate_limit;
  if (limit === null) lines.push('No rate limit any more');
  else if (limit !== undefined) lines.push(`At most ${rateLimitText(limit)}`);
  const projects = restrictions.projects;
  if (projects === null) lines.push('Not limited to projects any more');
  else if (projects !== undefined)
    lines.push(projects.length === 1 ? 'Only 1 project' : `Only ${projects.length} projects`);
  return lines;
}

/** What the token being made will be able to do, in plain words. */
export function TokenSummary({ name, scopes, catalogue, expiry, now, restrictions = {} }: TokenSummaryProps) {
  const { can, untouched } = summarize(scopes, catalogue);
  const restricted = restrictionLines(restrictions);
  const who = name.trim() === '' ? 'This token' : name.trim();
  return (
    <section className="summary card" aria-labelledby="summary-heading">
      <h2 id="summary-heading" className="section-title">
        Summary
      </h2>
      {can.length === 0 ? (
        <p className="muted">Select at least one scope to see what {who} will be able to do.</p>
      ) : (
        <>
          <p>
            <strong className="break">{who}</strong> will be able to:
          </p>
          <ul className="capabilities">
            {can.map((capability) => (
              <li key={capability.scope}>
                <span className="mono">{capability.scope}</span> {capability.description}
                {capability.impliedBy ? <span className="muted"> (with {capability.impliedBy})</span> : null}
              </li>
            ))}
          </ul>
          {untouched.length > 0 ? (
            <p className="muted">No access to: {untouched.join(', ')}.</p>
          ) : (
            <p className="alert alert-warning">This token can do everything on your account.</p>
          )}
        </>
      )}
      {restricted.length > 0 ? (
        <ul className="capabilities" aria-label="Restrictions">
          {restricted.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      ) : null}
      <p>
        {expiry instanceof Date ? (
          <>
            Expires on <strong>{exactDay(expiry)}</strong> ({relativeTime(expiry, now)}).
          </>
        ) : expiry === null ? (
          <strong className="text-warning">Never expires.</strong>
        ) : (
          'Pick an expiration.'
        )}
      </p>
    </section>
  );
}

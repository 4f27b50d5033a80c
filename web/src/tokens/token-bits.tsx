import { describeExpiry, exactDay, exactTime, relativeTime, shortUserAgent } from '../format';
import type { RateLimit, Token } from '../types';
import { Time } from '../ui/time';
import { RATE_PERIODS } from './restrictions-field';

/** Active / Expired / Revoked, with a scheduled revocation or a replacement noted. */
export function StatusBadge({ token, now }: { token: Token; now: Date }) {
  if (token.status === 'revoked') return <span className="badge badge-danger">Revoked</span>;
  if (token.status === 'expired') return <span className="badge badge-muted">Expired</span>;
  return (
    <span className="badge-stack">
      <span className="badge badge-success">Active</span>
      {token.revoked_at !== null ? (
        <span
          className="badge badge-warning"
          title={`Revoked automatically on ${exactTime(new Date(token.revoked_at))}`}
        >
          Revokes {relativeTime(new Date(token.revoked_at), now)}
        </span>
      ) : token.revoke_on_first_use_of !== null ? (
        <span className="badge badge-info" title="Revoked as soon as its replacement is first used">
          Revokes at first use
        </span>
      ) : token.replaced_by !== null ? (
        <span className="badge badge-info">Replaced</span>
      ) : null}
    </span>
  );
}

/** The expiry: relative and exact; "expires in 3 days" and "no expiration" stand out. */
export function Expiry({ token, now }: { token: Token; now: Date }) {
  const expiry = describeExpiry(token.expires_at, now);
  if (expiry.tone === 'never') {
    return (
      <span
        className="expiry expiry-never"
        title="This token stays valid until it is revoked. Prefer an expiration and rotate on a schedule."
      >
        <span aria-hidden="true" className="warning-icon">
          !
        </span>
        No expiration
      </span>
    );
  }
  const at = new Date(token.expires_at ?? '');
  return (
    <span className={`expiry expiry-${expiry.tone}`}>
      <time dateTime={token.expires_at ?? ''} title={exactTime(at)}>
        {expiry.tone === 'soon' ? (
          <>
            <span aria-hidden="true" className="warning-icon">
              !
            </span>
            {expiry.text}
          </>
        ) : (
          expiry.text
        )}
      </time>
      <span className="cell-sub">{exactDay(at)}</span>
    </span>
  );
}

/** When and from where the token was last used; "Never used" until then. */
export function LastUsed({ token, now }: { token: Token; now: Date }) {
  if (token.last_used_at === null) return <span className="muted">Never used</span>;
  const where = [token.last_used_ip, token.last_used_user_agent].filter((part) => part !== null).join(' · ');
  return (
    <span className="last-used" title={where === '' ? undefined : `From ${where}`}>
      <Time at={token.last_used_at} now={now} />
      {token.last_used_ip !== null || token.last_used_user_agent !== null ? (
        <span className="cell-sub">
          {token.last_used_ip ?? ''}
          {token.last_used_ip !== null && token.last_used_user_agent !== null ? ' · ' : ''}
          {token.last_used_user_agent !== null ? shortUserAgent(token.last_used_user_agent) : ''}
        </span>
      ) : null}
    </span>
  );
}

/** The token's scopes as chips; long lists fold after `max`. */
export function ScopeChips({ scopes, max = 3 }: { scopes: string[]; max?: number }) {
  const shown = scopes.length > max + 1 ? scopes.slice(0, max) : scopes;
  const hidden = scopes.slice(shown.length);
  return (
    <ul className="chips" aria-label="Scopes">
      {shown.map((scope) => (
        <li key={scope} className="chip">
          {scope}
        </li>
      ))}
      {hidden.length > 0 ? (
        <li className="chip chip-more" title={hidden.join(', ')}>
          +{hidden.length} more
        </li>
      ) : null}
    </ul>
  );
}

/** "Console", "API" or "OAuth". */
export function originLabel(origin: Token['created_via']): string {
  switch (origin) {
    case 'console':
      return 'Console';
    case 'api':
      return 'API';
    case 'oauth':
      return 'OAuth';
    case 'workload':
      return 'Workload';
  }
}

/** "100 per minute" for a rate limit. */
export function rateLimitText(limit: RateLimit): string {
  const period = RATE_PERIODS.find((candidate) => candidate.seconds === limit.per_seconds);
  return period === undefined
    ? `${limit.requests} per ${limit.per_seconds} seconds`
    : `${limit.requests} per ${period.value}`;
}

/** The token's restrictions as compact badges; nothing when it has none. */
export function RestrictionBadges({ token }: { token: Token }) {
  const badges: { key: string; text: string; title: string }[] = [];
  if (token.allowed_ips !== null) {
    const count = token.allowed_ips.length;
    badges.push({
      key: 'ips',
      text: count === 1 ? `IP ${token.allowed_ips[0] ?? ''}` : `${count} IP ranges`,
      title: `Only from ${token.allowed_ips.join(', ')}`,
    });
  }
  if (token.rate_limit !== null) {
    const text = rateLimitText(token.rate_limit);
    badges.push({ key: 'rate', text, title: `At most ${text}` });
  }
  if (token.projects !== null) {
    const count = token.projects.length;
    badges.push({
      key: 'projects',
      text: count === 1 ? '1 project' : `${count} projects`,
      title: `Only ${token.projects.join(', ')}`,
    });
  }
  if (badges.length === 0) return null;
  return (
    <ul className="chips restriction-badges" aria-label="Restrictions">
      {badges.map((badge) => (
        <li key={badge.key} className="badge badge-muted" title={badge.title}>
          {badge.text}
        </li>
      ))}
    </ul>
  );
}

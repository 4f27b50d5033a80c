import { EXPIRY_WARNING_MS, exactTime, relativeTime } from '../format';
import { Link } from '../router';
import type { Token } from '../types';

/** Active tokens that expire within 7 days and are not already being replaced, soonest first. */
export function expiringSoon(tokens: readonly Token[], now: Date): Token[] {
  return tokens
    .filter((token) => token.status === 'active' && token.replaced_by === null && token.expires_at !== null)
    .filter((token) => Date.parse(token.expires_at ?? '') - now.getTime() < EXPIRY_WARNING_MS)
    .sort((a, b) => (a.expires_at ?? '').localeCompare(b.expires_at ?? ''));
}

/** The "Expiring soon" notice at the top of the Tokens page: each token, when, and a Rotate action. */
export function ExpiringSoon({ tokens, now }: { tokens: readonly Token[]; now: Date }) {
  const soon = expiringSoon(tokens, now);
  if (soon.length === 0) return null;
  return (
    <section className="alert alert-warning expiring-soon" aria-labelledby="expiring-soon-heading">
      <h2 id="expiring-soon-heading" className="section-title">
        Expiring soon
      </h2>
      <p>
        {soon.length === 1 ? 'This token stops' : 'These tokens stop'} working within 7 days. Rotate to get a
        replacement, then update whatever holds the old one.
      </p>
      <ul className="expiring-list">
        {soon.map((token) => {
          const at = new Date(token.expires_at ?? '');
          return (
            <li key={token.id}>
              <Link to={`/settings/tokens/${token.id}`} className="token-name break">
                {token.name}
              </Link>{' '}
              expires {relativeTime(at, now)} <time dateTime={token.expires_at ?? ''}>({exactTime(at)})</time>{' '}
              <Link to={`/settings/tokens/${token.id}/rotate`} className="button button-small">
                Rotate<span className="visually-hidden"> {token.name}</span>
              </Link>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

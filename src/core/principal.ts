import type { AccessToken, Actor } from './model.js';
import { ALL_SCOPES, type Scope } from './scopes.js';

/** The authenticated caller of a request. */
export type Principal =
  | { kind: 'token'; accountId: string; token: AccessToken }
  | {
      kind: 'session';
      accountId: string;
      sessionId: string;
      /** The latest sign-in or re-authentication of the session: what sensitive actions check. */
      authenticatedAt: Date;
    };

/** The scopes the caller holds: a token's own, or every scope for the account owner in the console. */
export function scopesOf(principal: Principal): readonly Scope[] {
  return principal.kind === 'token' ? principal.token.scopes : ALL_SCOPES;
}

/** The audit actor for `principal`. */
export function actorOf(principal: Principal): Actor {
  return principal.kind === 'token'
    ? { type: 'token', id: principal.token.id, label: principal.token.masked }
    : { type: 'session', id: principal.sessionId };
}

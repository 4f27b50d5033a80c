import type { AccessToken, Actor, ApiKey } from './model.js';
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
    }
  /** An API key: admitted by model inference alone, it holds no scope (docs/api-keys.md). */
  | { kind: 'api_key'; accountId: string; apiKey: ApiKey };

/**
 * The scopes the caller holds: a token's own, every scope for the account owner in the console, none
 * for an API key.
 */
export function scopesOf(principal: Principal): readonly Scope[] {
  switch (principal.kind) {
    case 'token':
      return principal.token.scopes;
    case 'session':
      return ALL_SCOPES;
    case 'api_key':
      return [];
  }
}

/** The audit actor for `principal`. */
export function actorOf(principal: Principal): Actor {
  switch (principal.kind) {
    case 'token':
      return { type: 'token', id: principal.token.id, label: principal.token.masked };
    case 'session':
      return { type: 'session', id: principal.sessionId };
    case 'api_key':
      return { type: 'api_key', id: principal.apiKey.id, label: principal.apiKey.masked };
  }
}

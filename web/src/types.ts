/** Wire types of the HTTP API (CONTRACT §3), as the console reads them. */

export type TokenStatus = 'active' | 'expired' | 'revoked';

export interface Token {
  id: string;
  name: string;
  masked: string;
  scopes: string[];
  status: TokenStatus;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  last_used_ip: string | null;
  last_used_user_agent: string | null;
  revoked_at: string | null;
  created_via: 'console' | 'api' | 'oauth';
  client_id: string | null;
  replaces: string | null;
  replaced_by: string | null;
}

/** A token together with its value, from the one response that creates it. */
export interface IssuedToken {
  token: Token;
  value: string;
}

export interface Account {
  id: string;
  email: string;
  name: string;
  created_at: string;
}

export interface ScopeInfo {
  name: string;
  description: string;
}

export interface AuditEvent {
  id: string;
  at: string;
  action: string;
  actor: { type: string; id: string | null; label?: string };
  target: { type: string; id: string } | null;
  ip: string | null;
  user_agent: string | null;
  details: Record<string, unknown>;
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** How long a new token lives: days, an exact instant, or never. */
export type Expiration = { expires_in_days: number } | { expires_at: string } | { expires: 'never' };

/** An OAuth application registered by this account (`GET /v1/apps`). */
export interface OAuthApp {
  client_id: string;
  name: string;
  type: 'confidential' | 'public';
  redirect_uris: string[];
  created_at: string;
  updated_at: string;
}

/** An application together with its client secret, from the one response that creates it. */
export interface IssuedAppSecret {
  app: OAuthApp;
  /** `null` for a public application, which has no secret. */
  secret: string | null;
}

/** An application holding tokens of this account (`GET /v1/authorized-apps`). */
export interface AuthorizedApp {
  client_id: string;
  name: string;
  /** Made by Skytells (the CLI), rather than registered by a developer. */
  official: boolean;
  tokens: Token[];
}

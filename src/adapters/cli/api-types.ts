/** The wire shapes of the API responses the CLI reads (CONTRACT §3). */

/** A `Token` object. */
export interface TokenJson {
  id: string;
  name: string;
  masked: string;
  scopes: string[];
  status: 'active' | 'expired' | 'revoked';
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

/** A `Token` with its value: the response that creates it, and only that one. */
export interface IssuedTokenJson extends TokenJson {
  token: string;
}

/** `GET /v1/account`. */
export interface AccountJson {
  id: string;
  email: string;
  name: string;
  created_at: string;
}

/** A project. */
export interface ProjectJson {
  id: string;
  name: string;
  created_at: string;
}

/** A deployment of a project. */
export interface DeploymentJson {
  id: string;
  project_id: string;
  environment: string;
  ref: string | null;
  status: string;
  created_at: string;
}

/** A page of a listing. */
export interface PageJson<T> {
  data: T[];
  next_cursor: string | null;
}

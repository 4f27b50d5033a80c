import type {
  Account,
  AuditEvent,
  AuthorizedApp,
  Expiration,
  IssuedAppSecret,
  IssuedToken,
  OAuthApp,
  Page,
  ScopeInfo,
  Token,
  TokenStatus,
} from './types';

/** One failed field of a `validation_failed` problem. */
export interface FieldError {
  field: string;
  message: string;
}

/** An `application/problem+json` answer of the API, with its stable `code`. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors: FieldError[] = [],
    /** Seconds from `Retry-After`, for `rate_limited`. */
    readonly retryAfter: number | null = null,
  ) {
    super(detail);
    this.name = 'ApiProblem';
  }

  /** The message of the first error on `field`, if any. */
  fieldMessage(field: string): string | undefined {
    return this.errors.find((error) => error.field === field)?.message;
  }
}

type Listener = () => void;

let csrfToken: string | null = null;
const signedOutListeners = new Set<Listener>();

/** Remembers the session's CSRF token, sent on every unsafe request. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the API says the session is gone, so the console can show the sign-in page. */
export function onSignedOut(listener: Listener): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

const SAFE = new Set(['GET', 'HEAD']);

async function problemOf(response: Response): Promise<ApiProblem> {
  const retryAfter = Number(response.headers.get('retry-after'));
  const fallback = new ApiProblem(
    response.status,
    'unexpected_response',
    `The server answered ${response.status} ${response.statusText}.`,
  );
  try {
    const body = (await response.json()) as Partial<{
      code: string;
      detail: string;
      title: string;
      errors: FieldError[];
    }>;
    if (typeof body.code !== 'string') return fallback;
    return new ApiProblem(
      response.status,
      body.code,
      body.detail ?? body.title ?? fallback.detail,
      Array.isArray(body.errors) ? body.errors : [],
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
    );
  } catch {
    return fallback;
  }
}

/**
 * Calls the API with the session cookie (and the CSRF token on unsafe methods).
 * @throws ApiProblem for any answer other than 2xx, and for a network failure (`network_error`).
 */
async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (!SAFE.has(method) && csrfToken !== null) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiProblem(0, 'network_error', 'The server could not be reached. Check your connection.');
  }
  if (!response.ok) {
    const problem = await problemOf(response);
    const isSessionCall = path !== '/v1/sessions' && path !== '/v1/accounts';
    if (problem.status === 401 && isSessionCall) for (const listener of signedOutListeners) listener();
    throw problem;
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/** Splits the creating response into the token and its value, so the value travels on its own. */
function issued(body: Token & { token: string }): IssuedToken {
  const { token: value, ...token } = body;
  return { token, value };
}

/** Splits the creating response into the application and its client secret. */
function issuedSecret(body: OAuthApp & { client_secret?: string | null }): IssuedAppSecret {
  const { client_secret: secret, ...app } = body;
  return { app, secret: secret ?? null };
}

/** What registering or editing an application sends. */
export interface AppInput {
  name: string;
  redirect_uris: string[];
}

interface SessionBody {
  account: Account;
  csrf_token: string;
}

/** What a token filter of the Tokens page asks the API for. */
export type TokenFilter = TokenStatus | 'all';

/** The HTTP API, one function per endpoint the console uses. */
export const api = {
  signUp: (body: { email: string; password: string; name?: string }) =>
    call<Account>('POST', '/v1/accounts', body),
  signIn: (body: { email: string; password: string }) => call<SessionBody>('POST', '/v1/sessions', body),
  currentSession: () => call<SessionBody>('GET', '/v1/sessions/current'),
  signOut: () => call<undefined>('DELETE', '/v1/sessions/current'),
  scopes: () => call<{ data: ScopeInfo[] }>('GET', '/v1/scopes'),
  listTokens: (options: { status: TokenFilter; cursor?: string; limit?: number }) =>
    call<Page<Token>>('GET', `/v1/tokens${query(options)}`),
  getToken: (id: string) => call<Token>('GET', `/v1/tokens/${encodeURIComponent(id)}`),
  createToken: async (body: { name: string; scopes: string[] } & Expiration) =>
    issued(await call<Token & { token: string }>('POST', '/v1/tokens', body)),
  revokeToken: (id: string) => call<undefined>('DELETE', `/v1/tokens/${encodeURIComponent(id)}`),
  rotateToken: async (
    id: string,
    body: { name?: string; scopes?: string[]; revoke_old_after_seconds?: number } & Partial<Expiration>,
  ) =>
    issued(
      await call<Token & { token: string }>('POST', `/v1/tokens/${encodeURIComponent(id)}/rotate`, body),
    ),
  audit: (options: { action?: string; cursor?: string; limit?: number }) =>
    call<Page<AuditEvent>>('GET', `/v1/audit${query(options)}`),
  listApps: () => call<{ data: OAuthApp[] }>('GET', '/v1/apps'),
  getApp: (id: string) => call<OAuthApp>('GET', `/v1/apps/${encodeURIComponent(id)}`),
  registerApp: async (body: AppInput & { type: OAuthApp['type'] }) =>
    issuedSecret(await call<OAuthApp & { client_secret?: string | null }>('POST', '/v1/apps', body)),
  updateApp: (id: string, body: Partial<AppInput>) =>
    call<OAuthApp>('PATCH', `/v1/apps/${encodeURIComponent(id)}`, body),
  rotateAppSecret: async (id: string) =>
    issuedSecret(
      await call<OAuthApp & { client_secret: string }>('POST', `/v1/apps/${encodeURIComponent(id)}/secret`),
    ),
  deleteApp: (id: string) => call<undefined>('DELETE', `/v1/apps/${encodeURIComponent(id)}`),
  authorizedApps: () => call<{ data: AuthorizedApp[] }>('GET', '/v1/authorized-apps'),
  revokeAuthorizedApp: (clientId: string) =>
    call<undefined>('DELETE', `/v1/authorized-apps/${encodeURIComponent(clientId)}`),
};

import {
  type BodyOf,
  type CallInput,
  type ErrorCode,
  type FieldError,
  type OperationId,
  type ProviderName,
  type QueryOf,
  requestLine,
  type SuccessOf,
  type WebAuthnRequestOptions,
} from '@skytells/contract';
import type { IssuedApiKeyValue, IssuedAppSecret, IssuedToken } from './types';

export type { FieldError };

/** An `application/problem+json` answer of the API, with its stable `code`. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    /** A code of the contract's catalogue, or the console's own `network_error` / `unexpected_response`. */
    readonly code: ErrorCode | 'network_error' | 'unexpected_response',
    readonly detail: string,
    readonly errors: FieldError[] = [],
    /** Seconds from `Retry-After`, for `rate_limited`. */
    readonly retryAfter: number | null = null,
    /** For `second_factor_required`: the factors the account can sign in with. */
    readonly factors: string[] = [],
    /** For `second_factor_required` when the account has a passkey: options for `navigator.credentials.get()`. */
    readonly webauthn: WebAuthnRequestOptions | null = null,
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
      factors: string[];
      webauthn: WebAuthnRequestOptions;
    }>;
    if (typeof body.code !== 'string') return fallback;
    return new ApiProblem(
      response.status,
      body.code as ErrorCode,
      body.detail ?? body.title ?? fallback.detail,
      Array.isArray(body.errors) ? body.errors : [],
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
      Array.isArray(body.factors) ? body.factors : [],
      typeof body.webauthn === 'object' && body.webauthn !== null ? body.webauthn : null,
    );
  } catch {
    return fallback;
  }
}

/**
 * Calls the API operation `id` of the contract with the session cookie (and the CSRF token on unsafe
 * methods); the answer is typed by the contract's response schema.
 * @throws ApiProblem for any answer other than 2xx, and for a network failure (`network_error`).
 */
async function call<Id extends OperationId>(id: Id, input: CallInput<Id>): Promise<SuccessOf<Id>> {
  const parts = input as { params?: Record<string, string>; query?: Record<string, unknown>; body?: unknown };
  const { method, path } = requestLine(id, parts);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (parts.body !== undefined) headers['content-type'] = 'application/json';
  if (!SAFE.has(method) && csrfToken !== null) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      ...(parts.body === undefined ? {} : { body: JSON.stringify(parts.body) }),
    });
  } catch {
    throw new ApiProblem(0, 'network_error', 'The server could not be reached. Check your connection.');
  }
  if (!response.ok) {
    const problem = await problemOf(response);
    const isSessionCall = id !== 'signIn' && id !== 'signUp';
    if (problem.status === 401 && isSessionCall) for (const listener of signedOutListeners) listener();
    throw problem;
  }
  const body: unknown = response.status === 204 ? undefined : await response.json();
  return body as SuccessOf<Id>;
}

/** Splits the creating response into the token and its value, so the value travels on its own. */
function issued(body: SuccessOf<'createToken'>): IssuedToken {
  const { token: value, ...token } = body;
  return { token, value };
}

/** Splits the creating response into the application and its client secret. */
function issuedSecret(body: SuccessOf<'registerApp'>): IssuedAppSecret {
  const { client_secret: secret, ...app } = body;
  return { app, secret };
}

/** Splits the creating (or rolling) response into the API key and its value. */
function issuedApiKey(body: SuccessOf<'createApiKey'>): IssuedApiKeyValue {
  const { key: value, ...apiKey } = body;
  return { apiKey, value };
}

/** What registering or editing an application sends. */
/** A deletion whose target is already gone did what was asked: its 404 counts as done. */
export async function deleted(request: Promise<unknown>): Promise<void> {
  try {
    await request;
  } catch (failure) {
    if (!(failure instanceof ApiProblem && failure.status === 404)) throw failure;
  }
}

export type AppInput = Pick<BodyOf<'registerApp'>, 'name' | 'redirect_uris'>;

/** What a token filter of the Tokens page asks the API for. */
export type TokenFilter = NonNullable<QueryOf<'listTokens'>['status']>;

/** The HTTP API, one function per endpoint the console uses. */
export const api = {
  signUp: (body: BodyOf<'signUp'>) => call('signUp', { body }),
  signIn: (body: BodyOf<'signIn'>) => call('signIn', { body }),
  currentSession: () => call('getCurrentSession', {}),
  signOut: () => call('signOut', {}),
  scopes: () => call('listScopes', {}),
  listTokens: (query: QueryOf<'listTokens'>) => call('listTokens', { query }),
  getToken: (id: string) => call('getToken', { params: { id } }),
  tokenUsage: (id: string) => call('getTokenUsage', { params: { id }, query: {} }),
  listProjects: () => call('listProjects', { query: { limit: 100 } }),
  createToken: async (body: BodyOf<'createToken'>) => issued(await call('createToken', { body })),
  revokeToken: (id: string) => call('revokeToken', { params: { id } }),
  rotateToken: async (id: string, body: BodyOf<'rotateToken'>) =>
    issued(await call('rotateToken', { params: { id }, body })),
  audit: (query: QueryOf<'listAuditEvents'>) => call('listAuditEvents', { query }),
  listApps: () => call('listApps', {}),
  getApp: (id: string) => call('getApp', { params: { id } }),
  registerApp: async (body: BodyOf<'registerApp'>) => issuedSecret(await call('registerApp', { body })),
  updateApp: (id: string, body: BodyOf<'updateApp'>) => call('updateApp', { params: { id }, body }),
  rotateAppSecret: async (id: string) => issuedSecret(await call('rotateAppSecret', { params: { id } })),
  deleteApp: (id: string) => call('deleteApp', { params: { id } }),
  authorizedApps: () => call('listAuthorizedApps', {}),
  revokeAuthorizedApp: (clientId: string) => call('revokeAuthorizedApp', { params: { id: clientId } }),
  twoFactor: () => call('getTwoFactor', {}),
  enrolTotp: () => call('enrolTotp', {}),
  confirmTotp: (code: string) => call('confirmTotp', { body: { code } }),
  disableTwoFactor: () => call('disableTwoFactor', {}),
  regenerateRecoveryCodes: () => call('regenerateRecoveryCodes', {}),
  reauthenticate: (body: BodyOf<'reauthenticate'>) => call('reauthenticate', { body }),
  listSessions: () => call('listSessions', {}),
  revokeSession: (id: string) => call('revokeSession', { params: { id } }),
  revokeOtherSessions: () => call('revokeOtherSessions', {}),
  changePassword: (body: BodyOf<'changePassword'>) => call('changePassword', { body }),
  reauthenticationOptions: () => call('reauthenticationOptions', {}),
  passkeyCreationOptions: () => call('passkeyCreationOptions', {}),
  registerPasskey: (body: BodyOf<'registerPasskey'>) => call('registerPasskey', { body }),
  deletePasskey: (id: string) => call('deletePasskey', { params: { id } }),
  listApiKeys: (query: QueryOf<'listApiKeys'>) => call('listApiKeys', { query }),
  createApiKey: async (body: BodyOf<'createApiKey'>) => issuedApiKey(await call('createApiKey', { body })),
  revokeApiKey: (id: string) => call('revokeApiKey', { params: { id } }),
  rollApiKey: async (id: string, body: BodyOf<'rollApiKey'>) =>
    issuedApiKey(await call('rollApiKey', { params: { id }, body })),
  listProviders: () => call('listProviders', {}),
  saveProvider: (provider: ProviderName, body: BodyOf<'saveProvider'>) =>
    call('saveProvider', { params: { provider }, body }),
  deleteProvider: (provider: ProviderName) => call('deleteProvider', { params: { provider } }),
  billing: () => call('getBilling', {}),
  listWebhooks: () => call('listWebhooks', {}),
  createWebhook: (body: BodyOf<'createWebhook'>) => call('createWebhook', { body }),
  deleteWebhook: (id: string) => call('deleteWebhook', { params: { id } }),
  listWebhookDeliveries: (id: string) =>
    call('listWebhookDeliveries', { params: { id }, query: { limit: 20 } }),
  testWebhook: (id: string) => call('testWebhook', { params: { id } }),
  listWorkloads: () => call('listWorkloads', {}),
  getWorkload: (id: string) => call('getWorkload', { params: { id } }),
  createWorkload: (body: BodyOf<'createWorkload'>) => call('createWorkload', { body }),
  deleteWorkload: (id: string) => call('deleteWorkload', { params: { id } }),
};

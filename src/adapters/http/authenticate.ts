import { API_KEY_PREFIX, isWellFormedApiKey, type OperationAuth } from '@skytells/contract';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { parseBearer } from '../../core/bearer.js';
import { ApiError } from '../../core/errors.js';
import type { AccessToken, RequestContext } from '../../core/model.js';
import { type Principal, scopesOf } from '../../core/principal.js';
import { authenticatedAtOf } from '../../core/reauthentication.js';
import { hasScope, type Scope } from '../../core/scopes.js';
import { type TokenRateLimitState, TokenRateLimitedError } from '../../core/token-restriction-guard.js';
import type { Services } from './services.js';

/** Name of the console session cookie. */
export const SESSION_COOKIE = 'skytells_session';

/** Header that may carry an API key instead of `Authorization: Bearer`, where API keys are accepted. */
export const API_KEY_HEADER = 'x-api-key';

/** Header carrying the CSRF token on unsafe requests of a cookie session. */
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller; set by the `authenticate` hook of protected routes. */
    principal: Principal | null;
    /** The client's address once read ({@link clientAddressOf}); null before. */
    clientAddress: string | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const AUTHORIZATION = 'authorization';
const WEEK_MS = 7 * 86_400_000;

/**
 * The console session cookie's value, if sent. Cookies are parsed here, on demand, rather than by a
 * hook on every request: a request with a bearer token never needs them.
 */
export function sessionCookieOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  return header === undefined ? undefined : parseCookies(header)[SESSION_COOKIE];
}

/**
 * The `Set-Cookie` value that gives the browser its session (`secret` until `expires`), or, with
 * `secret` null, that ends it. HttpOnly, so no script reads it; SameSite=Lax; Secure on https.
 */
export function sessionCookie(secret: string | null, options: { secure: boolean; expires?: Date }): string {
  return serializeCookie(SESSION_COOKIE, secret ?? '', {
    httpOnly: true,
    sameSite: 'lax',
    secure: options.secure,
    path: '/',
    expires: secret === null ? new Date(0) : options.expires,
  });
}

/**
 * The client's address (`request.ip`), read once per request: through trusted proxies
 * (`SKYTELLS_TRUST_PROXY`) each reading of `request.ip` walks `X-Forwarded-For` again, and verification,
 * usage and the access log all need it.
 */
export function clientAddressOf(request: FastifyRequest): string {
  request.clientAddress ??= request.ip;
  return request.clientAddress;
}

/** Where the request came from, for audit and last-used data. */
export function contextOf(request: FastifyRequest): RequestContext {
  const userAgent = request.headers['user-agent'];
  return {
    ip: clientAddressOf(request),
    userAgent: userAgent === undefined ? null : userAgent.slice(0, 512),
  };
}

/** The authenticated caller of a protected route. */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw new ApiError('token_missing');
  return request.principal;
}

/** What a route requires of its caller. */
export interface Requirement {
  /** The scope a token must hold (a session holds every scope). */
  scope?: Scope;
  /** `session`: console only; `token`: access tokens only. Default: either. */
  via?: 'session' | 'token';
}

/** True when `params` (a parsed query string or form body) carries an `access_token`. */
function hasAccessToken(params: unknown): boolean {
  return typeof params === 'object' && params !== null && Object.hasOwn(params, 'access_token');
}

/**
 * Refuses a request that presents more than one credential: RFC 6750 §2 lets a client use one method
 * of sending its token only, and two `Authorization` headers (or an `Authorization` and an
 * `X-API-Key` header) leave the server guessing which counts (Node keeps the first, a proxy may keep
 * the last). A session cookie beside a bearer token or API key is not a second credential: they decide.
 * @throws ApiError `invalid_request` (RFC 6750 §3.1).
 */
function assertOneCredential(request: FastifyRequest, acceptsApiKey: boolean): void {
  const raw = request.raw.rawHeaders;
  let headers = 0;
  let apiKeyHeaders = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    // Lower-cased only at the right length: no new string for every other header of every request.
    if (name.length === AUTHORIZATION.length && name.toLowerCase() === AUTHORIZATION) headers += 1;
    else if (acceptsApiKey && name.length === API_KEY_HEADER.length && name.toLowerCase() === API_KEY_HEADER)
      apiKeyHeaders += 1;
  }
  if (headers > 1) {
    throw new ApiError('invalid_request', { detail: 'Send one Authorization header, not several.' });
  }
  if (headers + apiKeyHeaders > 1) {
    throw new ApiError('invalid_request', {
      detail: 'Send one credential: an Authorization or an X-API-Key header, not both or several.',
    });
  }
  if (headers === 1 && (hasAccessToken(request.query) || hasAccessToken(request.body))) {
    throw new ApiError('invalid_request', {
      detail: 'Send the token either in the Authorization header or as access_token, not both.',
    });
  }
}

/**
 * The caller presenting the API key `value`, where `acceptsApiKey`. Elsewhere a well-formed key is
 * refused before any look-up, so that a key sent to the wrong place costs no database read.
 * @throws ApiError `token_malformed`, `api_key_not_accepted`, or what `verifyApiKey` throws.
 */
function apiKeyCaller(
  services: Services,
  request: FastifyRequest,
  value: string,
  acceptsApiKey: boolean,
  now: Date,
): Principal | Promise<Principal> {
  if (!isWellFormedApiKey(value)) {
    throw new ApiError('token_malformed', { detail: 'The API key is malformed.' });
  }
  if (!acceptsApiKey) {
    throw new ApiError('api_key_not_accepted', {
      detail: 'API keys call model inference only (docs/api-keys.md); use an access token here.',
    });
  }
  const verified = services.verifier.verifyApiKey(value, contextOf(request), now);
  return verified instanceof Promise
    ? verified.then((apiKey) => ({ kind: 'api_key', accountId: apiKey.accountId, apiKey }))
    : { kind: 'api_key', accountId: verified.accountId, apiKey: verified };
}

/**
 * The caller a verified token makes. A token near its expiry says so in a response header; one with a
 * rate limit says where its window stands (draft-ietf-httpapi-ratelimit-headers): the limit, what
 * remains of it, and the seconds until it resets.
 */
function tokenCaller(services: Services, reply: FastifyReply, token: AccessToken, at: Date): Principal {
  const restrictions = token.restrictions;
  if (token.expiresAt !== null || restrictions !== null) {
    const now = at.getTime();
    if (token.expiresAt !== null && token.expiresAt.getTime() - now < WEEK_MS) {
      void reply.header('skytells-token-expiration', token.expiresAt.toISOString());
    }
    const lease = restrictions?.rateLimit == null ? undefined : services.restrictions.leaseOf(token.id);
    if (lease !== undefined) {
      void reply
        .header('ratelimit-limit', lease.limitText)
        .header('ratelimit-remaining', String(lease.remaining()))
        .header('ratelimit-reset', String(lease.resetSeconds(now)));
    }
  }
  return { kind: 'token', accountId: token.accountId, token };
}

/** A refusal past a token's rate limit: its window, and the policy that refused it. */
function rateLimitRefusalHeaders(reply: FastifyReply, state: TokenRateLimitState): void {
  void reply.headers({
    'ratelimit-limit': String(state.limit),
    'ratelimit-remaining': String(state.remaining),
    'ratelimit-reset': String(state.retryAfterSeconds),
    'ratelimit-policy': `${state.limit};w=${state.windowSeconds}`,
  });
}

/**
 * The caller of `request` at `now`: at once for a cached credential (the hot path waits for nothing),
 * else once the database has answered.
 */
function identify(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  acceptsApiKey: boolean,
  now: Date,
): Principal | Promise<Principal> {
  assertOneCredential(request, acceptsApiKey);
  const apiKeyHeader = request.headers[API_KEY_HEADER]?.toString().trim();
  // Where keys are not accepted, an X-API-Key meant for something else is no credential of ours.
  if (apiKeyHeader !== undefined && (acceptsApiKey || apiKeyHeader.startsWith(API_KEY_PREFIX))) {
    return apiKeyCaller(services, request, apiKeyHeader, acceptsApiKey, now);
  }
  const header = request.headers.authorization;
  if (header === undefined) return sessionCaller(services, request);
  const value = parseBearer(header);
  if (value.startsWith(API_KEY_PREFIX)) return apiKeyCaller(services, request, value, acceptsApiKey, now);
  const verified = services.verifier.verify(value, contextOf(request), now);
  return verified instanceof Promise
    ? verified.then((token) => tokenCaller(services, reply, token, now))
    : tokenCaller(services, reply, verified, now);
}

async function sessionCaller(services: Services, request: FastifyRequest): Promise<Principal> {
  const cookie = sessionCookieOf(request);
  if (cookie === undefined || cookie === '') {
    throw new ApiError('token_missing', { detail: 'Send "Authorization: Bearer <token>" or sign in.' });
  }
  const session = await services.sessions.authenticate(cookie);
  if (session === undefined)
    throw new ApiError('token_missing', { detail: 'The session has ended. Sign in again.' });
  if (!SAFE_METHODS.has(request.method)) {
    const presented = request.headers[CSRF_HEADER];
    if (typeof presented !== 'string' || !services.sessions.isCsrfTokenValid(session.id, presented)) {
      throw new ApiError('csrf_token_invalid', {
        detail: `Send the session's CSRF token in the X-CSRF-Token header.`,
      });
    }
  }
  return {
    kind: 'session',
    accountId: session.accountId,
    sessionId: session.id,
    authenticatedAt: authenticatedAtOf(session),
  };
}

/** Refuses `principal` unless it meets `requirement`. */
function assertMeets(principal: Principal, requirement: Requirement): void {
  if (requirement.via === 'session' && principal.kind !== 'session') {
    throw new ApiError('session_required', { detail: 'Sign in to the console for this action.' });
  }
  if (requirement.via === 'token' && principal.kind !== 'token') {
    throw new ApiError('token_required', { detail: 'Call this with "Authorization: Bearer <token>".' });
  }
  // An API key holds no scope: where it is accepted at all, it may call the operation.
  if (
    requirement.scope !== undefined &&
    principal.kind !== 'api_key' &&
    !hasScope(scopesOf(principal), requirement.scope)
  ) {
    throw new ApiError('insufficient_scope', {
      detail: `This token lacks the "${requirement.scope}" scope.`,
      scope: requirement.scope,
    });
  }
}

/**
 * Authenticates `request` from inside a handler, as the {@link authenticate} hook does before one:
 * for a route that takes either a credential or something else (OAuth introspection).
 */
export async function authenticateWithin(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  requirement: Requirement,
): Promise<Principal> {
  const principal = await identify(services, request, reply, false, services.clock.now());
  assertMeets(principal, requirement);
  request.principal = principal;
  return principal;
}

/**
 * An `onRequest` hook that authenticates the caller and checks `requirement` (a contract
 * operation's `auth`, or a requirement of its own), before the body is even read: a refused request
 * never reaches its handler.
 * @throws Error at registration, for an operation the contract does not guard by a credential.
 */
export function authenticate(
  services: Services,
  requirement: Requirement | OperationAuth = {},
): onRequestHookHandler {
  if ('kind' in requirement && requirement.kind !== 'credential') {
    throw new Error(`An operation with ${requirement.kind} access takes no credential hook.`);
  }
  const acceptsApiKey = 'kind' in requirement && requirement.apiKey === true;
  const scope = requirement.scope ?? null;
  const admit = (request: FastifyRequest, principal: Principal, at: Date) => {
    assertMeets(principal, requirement);
    request.principal = principal;
    // The scope this request exercised, counted in memory (docs/tokens.md, "Usage").
    if (principal.kind === 'token') {
      services.tokenUsage.recorder.record({
        tokenId: principal.token.id,
        scope,
        ip: clientAddressOf(request),
        at,
      });
    }
  };
  // A callback hook rather than an async one: a cached token is admitted without a promise.
  return (request, reply, done) => {
    // One reading of the clock for the whole check: expiry, the expiry header, the rate limit, usage.
    const now = services.clock.now();
    let caller: Principal | Promise<Principal>;
    try {
      caller = identify(services, request, reply, acceptsApiKey, now);
      if (!(caller instanceof Promise)) {
        admit(request, caller, now);
        done();
        return;
      }
    } catch (error) {
      refuse(reply, error, done);
      return;
    }
    caller.then(
      (principal) => {
        try {
          admit(request, principal, now);
        } catch (error) {
          done(error as Error);
          return;
        }
        done();
      },
      (error: unknown) => refuse(reply, error, done),
    );
  };
}

/** Passes a refusal on to the error handler; a token over its rate limit still says where it stands. */
function refuse(reply: FastifyReply, error: unknown, done: (error: Error) => void): void {
  if (error instanceof TokenRateLimitedError) rateLimitRefusalHeaders(reply, error.state);
  done(error as Error);
}

/** The credential behind a request that {@link authenticate} admitted. */
export interface Caller {
  accountId: string;
  /** What the caller presented, and its id: usage and audit records name it. */
  credential: { kind: 'api_key' | 'token' | 'session'; id: string };
}

/**
 * The caller of an operation that admits API keys (`auth.apiKey`, model inference): an API key, an
 * access token or the console session, with the account it acts for.
 */
export function apiKeyOrTokenCaller(request: FastifyRequest): Caller {
  const principal = principalOf(request);
  switch (principal.kind) {
    case 'api_key':
      return { accountId: principal.accountId, credential: { kind: 'api_key', id: principal.apiKey.id } };
    case 'token':
      return { accountId: principal.accountId, credential: { kind: 'token', id: principal.token.id } };
    case 'session':
      return { accountId: principal.accountId, credential: { kind: 'session', id: principal.sessionId } };
  }
}

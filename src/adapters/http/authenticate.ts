import type { OperationAuth } from '@skytells/contract';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { parseBearer } from '../../core/bearer.js';
import { ApiError } from '../../core/errors.js';
import type { AccessToken, RequestContext } from '../../core/model.js';
import { type Principal, scopesOf } from '../../core/principal.js';
import { authenticatedAtOf } from '../../core/reauthentication.js';
import { hasScope, type Scope } from '../../core/scopes.js';
import type { Services } from './services.js';

/** Name of the console session cookie. */
export const SESSION_COOKIE = 'skytells_session';

/** Header carrying the CSRF token on unsafe requests of a cookie session. */
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller; set by the `authenticate` hook of protected routes. */
    principal: Principal | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
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

/** Where the request came from, for audit and last-used data. */
export function contextOf(request: FastifyRequest): RequestContext {
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip, userAgent: userAgent === undefined ? null : userAgent.slice(0, 512) };
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
 * of sending its token only, and two `Authorization` headers leave the server guessing which counts
 * (Node keeps the first, a proxy may keep the last). A session cookie beside a bearer token is not a
 * second credential: the token decides.
 * @throws ApiError `invalid_request` (RFC 6750 §3.1).
 */
function assertOneCredential(request: FastifyRequest): void {
  const raw = request.raw.rawHeaders;
  let headers = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]?.toLowerCase() === 'authorization') headers += 1;
  if (headers > 1) {
    throw new ApiError('invalid_request', { detail: 'Send one Authorization header, not several.' });
  }
  if (headers === 1 && (hasAccessToken(request.query) || hasAccessToken(request.body))) {
    throw new ApiError('invalid_request', {
      detail: 'Send the token either in the Authorization header or as access_token, not both.',
    });
  }
}

/** The caller a verified token makes; a token near its expiry says so in a response header. */
function tokenCaller(services: Services, reply: FastifyReply, token: AccessToken): Principal {
  if (token.expiresAt !== null && token.expiresAt.getTime() - services.clock.now().getTime() < WEEK_MS) {
    void reply.header('skytells-token-expiration', token.expiresAt.toISOString());
  }
  return { kind: 'token', accountId: token.accountId, token };
}

/**
 * The caller of `request`: at once for a cached token (the hot path waits for nothing), else once
 * the database has answered.
 */
function identify(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
): Principal | Promise<Principal> {
  assertOneCredential(request);
  const header = request.headers.authorization;
  if (header === undefined) return sessionCaller(services, request);
  const verified = services.verifier.verify(parseBearer(header), contextOf(request));
  return verified instanceof Promise
    ? verified.then((token) => tokenCaller(services, reply, token))
    : tokenCaller(services, reply, verified);
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
  if (requirement.scope !== undefined && !hasScope(scopesOf(principal), requirement.scope)) {
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
  const principal = await identify(services, request, reply);
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
  const admit = (request: FastifyRequest, principal: Principal) => {
    assertMeets(principal, requirement);
    request.principal = principal;
  };
  // A callback hook rather than an async one: a cached token is admitted without a promise.
  return (request, reply, done) => {
    let caller: Principal | Promise<Principal>;
    try {
      caller = identify(services, request, reply);
      if (!(caller instanceof Promise)) {
        admit(request, caller);
        done();
        return;
      }
    } catch (error) {
      done(error as Error);
      return;
    }
    caller.then(
      (principal) => {
        try {
          admit(request, principal);
        } catch (error) {
          done(error as Error);
          return;
        }
        done();
      },
      (error: unknown) => done(error as Error),
    );
  };
}

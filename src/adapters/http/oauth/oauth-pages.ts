import formbody from '@fastify/formbody';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, OAuthError } from '../../../core/errors.js';
import type { Session } from '../../../core/model.js';
import {
  AuthorizationRedirectError,
  type AuthorizationRequest,
} from '../../../core/oauth/authorization-server.js';
import { formatUserCode } from '../../../core/oauth/device-flow.js';
import type { OAuthClient } from '../../../core/oauth/model.js';
import { SCOPE_CATALOGUE, type Scope } from '../../../core/scopes.js';
import { contextOf, sessionCookieOf } from '../authenticate.js';
import { statusOf, toApiError } from '../error-handler.js';
import { authorizationRedirect } from './oauth-responses.js';
import type { Services } from '../services.js';
import { html, type Html, page, STYLESHEET } from './html.js';
import { paramsOf } from './oauth-protocol.js';
import { formActionSourceFor, pageCsp } from './page-csp.js';

/** The parameters of an authorization request, carried through the consent form. */
const REQUEST_PARAMS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'device_name',
];

function sendPage(
  reply: FastifyReply,
  status: number,
  title: string,
  body: Html,
  formTargets: string[] = [],
): FastifyReply {
  return reply
    .code(status)
    .header('content-security-policy', pageCsp(formTargets))
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(page(title, body));
}

function errorPage(reply: FastifyReply, status: number, message: string): FastifyReply {
  return sendPage(
    reply,
    status,
    'Cannot continue',
    html`<h1>Cannot continue</h1>
      <p class="error">${message}</p>`,
  );
}

function clientBadge(client: OAuthClient): Html {
  return client.ownerAccountId === null
    ? html`<span class="badge">Official Skytells application</span>`
    : html`<span class="badge third">Third-party application, not made by Skytells</span>`;
}

function scopeList(scopes: readonly Scope[]): Html {
  return html`<fieldset>
    <legend>It will be able to (untick what you do not want to grant)</legend>
    ${scopes.map(
      (scope) =>
        html`<label class="scope"
          ><input type="checkbox" name="granted_scope" value="${scope}" checked />
          <span><code>${scope}</code><small>${SCOPE_CATALOGUE[scope]}</small></span></label
        >`,
    )}
  </fieldset>`;
}

function grantedScopesOf(body: unknown): string[] {
  const value = (body as Record<string, unknown> | null)?.['granted_scope'];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

/** The consent and device pages of the authorization server (RFC 6749 §4.1, RFC 8628 §3.3). */
export const oauthPages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  await app.register(formbody, { bodyLimit: 16 * 1024 });

  const sessionOf = async (request: FastifyRequest): Promise<Session | undefined> => {
    const secret = sessionCookieOf(request);
    return secret === undefined ? undefined : services.sessions.authenticate(secret);
  };
  const signInFirst = (reply: FastifyReply, next: string) =>
    reply.redirect(`/signin?next=${encodeURIComponent(next)}`, 302);
  const csrfOk = (session: Session, body: Record<string, string | undefined>) =>
    services.sessions.isCsrfTokenValid(session.id, body['csrf_token'] ?? '');

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof OAuthError) return errorPage(reply, 400, error.description);
    const problem = toApiError(error);
    if (statusOf(problem) >= 500) request.log.error({ err: error }, 'oauth page failed');
    if (problem.retryAfterSeconds !== undefined)
      void reply.header('retry-after', String(problem.retryAfterSeconds));
    return errorPage(reply, statusOf(problem), problem.detail);
  });

  app.get('/oauth/style.css', async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STYLESHEET),
  );

  const consent = (
    reply: FastifyReply,
    session: Session,
    request: AuthorizationRequest,
    raw: Record<string, string | undefined>,
  ) => {
    const hidden = REQUEST_PARAMS.filter((name) => raw[name] !== undefined).map(
      (name) => html`<input type="hidden" name="${name}" value="${raw[name] ?? ''}" />`,
    );
    const device =
      request.deviceName === null
        ? null
        : html`<p class="muted">Device: <strong>${request.deviceName}</strong></p>`;
    return sendPage(
      reply,
      200,
      `Authorize ${request.client.name}`,
      html`<h1>Authorize ${request.client.name}</h1>
        <p>${clientBadge(request.client)}</p>
        <p>
          <strong>${request.client.name}</strong> wants to act on your Skytells account with an access token.
        </p>
        ${device}
        <form method="post" action="/oauth/authorize">
          ${hidden}
          <input type="hidden" name="csrf_token" value="${services.sessions.csrfTokenFor(session.id)}" />
          ${scopeList(request.scopes)}
          <p class="muted">
            You can revoke its access at any time under Settings → Tokens or Settings → Applications.
          </p>
          <div class="actions">
            <button type="submit" name="decision" value="deny">Cancel</button>
            <button type="submit" name="decision" value="approve" class="primary">Authorize</button>
          </div>
        </form>`,
      [formActionSourceFor(request.redirectUri)],
    );
  };

  // RFC 6749 §4.1.1; errors before the redirect URI is trusted are shown, never redirected (§4.1.2.1).
  app.get('/oauth/authorize', async (request, reply) => {
    const raw = paramsOf(request.query);
    let authorization: AuthorizationRequest;
    try {
      authorization = await services.oauth.server.validateAuthorizationRequest(raw);
    } catch (error) {
      if (error instanceof AuthorizationRedirectError)
        return reply.redirect(authorizationRedirect(error.response, services.oauth.issuer), 302);
      throw error;
    }
    const session = await sessionOf(request);
    if (session === undefined) return signInFirst(reply, request.url);
    return consent(reply, session, authorization, raw);
  });

  app.post('/oauth/authorize', async (request, reply) => {
    const body = paramsOf(
      Object.fromEntries(Object.entries(request.body ?? {}).filter(([key]) => key !== 'granted_scope')),
    );
    const authorization = await services.oauth.server
      .validateAuthorizationRequest(body)
      .catch((error: unknown) => {
        if (error instanceof AuthorizationRedirectError) throw error.response.error;
        throw error;
      });
    const session = await sessionOf(request);
    if (session === undefined)
      return errorPage(reply, 401, 'Your session has ended. Start again from the application.');
    if (!csrfOk(session, body))
      return errorPage(reply, 403, 'This form has expired. Start again from the application.');
    if (body['decision'] !== 'approve')
      return reply.redirect(
        authorizationRedirect(services.oauth.server.deny(authorization), services.oauth.issuer),
        302,
      );
    const target = await services.oauth.server.approve(
      session.accountId,
      authorization,
      grantedScopesOf(request.body),
      contextOf(request),
    );
    return reply.redirect(authorizationRedirect(target, services.oauth.issuer), 302);
  });

  const codeForm = (session: Session, prefill: string, message: Html | null = null) =>
    html`<h1>Connect a device</h1>
      <p>Enter the code shown on your device.</p>
      ${message}
      <form method="post" action="/device">
        <input type="hidden" name="csrf_token" value="${services.sessions.csrfTokenFor(session.id)}" />
        <label class="field" for="user_code">Code</label>
        <input
          type="text"
          id="user_code"
          name="user_code"
          value="${prefill}"
          autocomplete="off"
          autocapitalize="characters"
          spellcheck="false"
          maxlength="20"
          placeholder="XXXX-XXXX"
          required
          autofocus
        />
        <div class="actions"><button type="submit" class="primary">Continue</button></div>
      </form>`;

  // RFC 8628 §3.3: where the user enters the code.
  app.get('/device', async (request, reply) => {
    const session = await sessionOf(request);
    if (session === undefined) return signInFirst(reply, request.url);
    const prefill = paramsOf(request.query)['user_code'] ?? '';
    return sendPage(reply, 200, 'Connect a device', codeForm(session, prefill.slice(0, 20)));
  });

  app.post('/device', async (request, reply) => {
    const session = await sessionOf(request);
    if (session === undefined) return signInFirst(reply, '/device');
    const body = paramsOf(
      Object.fromEntries(Object.entries(request.body ?? {}).filter(([key]) => key !== 'granted_scope')),
    );
    if (!csrfOk(session, body))
      return errorPage(reply, 403, 'This form has expired. Reload the page and try again.');
    const userCode = body['user_code'] ?? '';
    const decision = body['decision'];
    try {
      if (decision === 'approve' || decision === 'deny') {
        await services.oauth.device.decide(
          session.accountId,
          body['device_id'] ?? '',
          userCode,
          { approve: decision === 'approve', grantedScopes: grantedScopesOf(request.body) },
          contextOf(request),
        );
        const done =
          decision === 'approve'
            ? html`<h1>Device connected</h1>
                <p>You can close this window and return to your device.</p>`
            : html`<h1>Request denied</h1>
                <p>The device was not given access. You can close this window.</p>`;
        return sendPage(reply, 200, decision === 'approve' ? 'Device connected' : 'Request denied', done);
      }
      const { device, client } = await services.oauth.device.lookUpUserCode(
        session.accountId,
        userCode,
        contextOf(request),
      );
      return sendPage(
        reply,
        200,
        `Authorize ${client.name}`,
        html`<h1>Authorize ${client.name}</h1>
          <p>${clientBadge(client)}</p>
          <p>
            A device asks for access to your Skytells account with code
            <span class="code">${formatUserCode(device.userCode)}</span>. Continue only if that code is on a
            device you are using.
          </p>
          ${device.deviceName === null ? null : html`<p class="muted">Device: <strong>${device.deviceName}</strong></p>`}
          <form method="post" action="/device">
            <input type="hidden" name="csrf_token" value="${services.sessions.csrfTokenFor(session.id)}" />
            <input type="hidden" name="user_code" value="${device.userCode}" />
            <input type="hidden" name="device_id" value="${device.id}" />
            ${scopeList(device.scopes)}
            <div class="actions">
              <button type="submit" name="decision" value="deny">Cancel</button>
              <button type="submit" name="decision" value="approve" class="primary">Authorize</button>
            </div>
          </form>`,
      );
    } catch (error) {
      if (error instanceof ApiError && error.code === 'not_found') {
        return sendPage(
          reply,
          400,
          'Connect a device',
          codeForm(session, userCode.slice(0, 20), html`<p class="error" role="alert">${error.detail}</p>`),
        );
      }
      throw error;
    }
  });
};

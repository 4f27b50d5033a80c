import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type ActiveSession, operations } from '@skytells/contract';
import { lastActiveAt } from '../../../core/session-service.js';
import type { Session } from '../../../core/model.js';
import type { Principal } from '../../../core/principal.js';
import { describeDevice } from '../../describe-device.js';
import { authenticate, contextOf, principalOf } from '../authenticate.js';
import { routeOf } from '../route-of.js';
import type { Services } from '../services.js';

/** The session of a session-only route (its `authenticate` hook refused every other caller). */
function sessionOf(principal: Principal): Extract<Principal, { kind: 'session' }> {
  if (principal.kind !== 'session') throw new Error('a session-only route was reached without a session');
  return principal;
}

function activeSessionJson(session: Session, currentId: string): ActiveSession {
  return {
    id: session.id,
    device: describeDevice(session.userAgent),
    ip: session.ip,
    user_agent: session.userAgent,
    created_at: session.createdAt.toISOString(),
    last_seen_at: lastActiveAt(session).toISOString(),
    current: session.id === currentId,
  };
}

/** The Security page's API: the account's sessions and its password (docs/api.md). */
export const sessionRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.route({
    ...routeOf(operations.listSessions),
    onRequest: authenticate(services, operations.listSessions.auth),
    handler: async (request) => {
      const { accountId, sessionId } = sessionOf(principalOf(request));
      const sessions = await services.sessions.list(accountId);
      return { data: sessions.map((session) => activeSessionJson(session, sessionId)) };
    },
  });

  app.route({
    ...routeOf(operations.revokeOtherSessions),
    onRequest: authenticate(services, operations.revokeOtherSessions.auth),
    handler: async (request) => {
      const { accountId, sessionId } = sessionOf(principalOf(request));
      return { revoked: await services.sessions.revokeOthers(accountId, sessionId, contextOf(request)) };
    },
  });

  app.route({
    ...routeOf(operations.revokeSession),
    onRequest: authenticate(services, operations.revokeSession.auth),
    handler: async (request, reply) => {
      const { accountId, sessionId } = sessionOf(principalOf(request));
      await services.sessions.revoke(accountId, request.params.id, sessionId, contextOf(request));
      return reply.code(204).send();
    },
  });

  app.route({
    ...routeOf(operations.changePassword),
    onRequest: authenticate(services, operations.changePassword.auth),
    handler: async (request, reply) => {
      await services.accounts.changePassword(
        {
          principal: sessionOf(principalOf(request)),
          currentPassword: request.body.current_password,
          newPassword: request.body.new_password,
        },
        contextOf(request),
      );
      return reply.code(204).send();
    },
  });
};

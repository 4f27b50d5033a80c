import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { operations } from '@skytells/contract';
import { authenticate, contextOf, principalOf, sessionCookie } from '../authenticate.js';
import { invalidField } from '../../../core/errors.js';
import { routeOf } from '../route-of.js';
import { accountJson } from '../schemas.js';
import type { Services } from '../services.js';

/** Options for the session cookie. */
export interface CookieOptions {
  /** Set `Secure` when users reach the server over https. */
  secure: boolean;
}

/** Sign-up, sign-in, sign-out and the account profile. */
export const accountRoutes: FastifyPluginAsyncTypebox<{ services: Services; cookie: CookieOptions }> = async (
  app,
  { services, cookie },
) => {
  app.route({
    ...routeOf(operations.signUp),
    handler: async (request, reply) => {
      const { email, password, name } = request.body;
      const account = await services.accounts.signUp(
        { email, password, ...(name === undefined ? {} : { name }) },
        contextOf(request),
      );
      return reply.code(201).send(accountJson(account));
    },
  });

  app.route({
    ...routeOf(operations.signIn),
    handler: async (request, reply) => {
      const {
        email,
        password,
        totp_code: totpCode,
        recovery_code: recoveryCode,
        webauthn_response: webauthnResponse,
      } = request.body;
      const given = [totpCode, recoveryCode, webauthnResponse].filter((factor) => factor !== undefined);
      if (given.length > 1) {
        throw invalidField('body', 'send one of totp_code, recovery_code or webauthn_response');
      }
      const secondFactor =
        totpCode !== undefined
          ? { totpCode }
          : recoveryCode !== undefined
            ? { recoveryCode }
            : webauthnResponse !== undefined
              ? { webauthnResponse }
              : undefined;
      const { account, session, secret, csrfToken } = await services.accounts.signIn(
        email,
        password,
        contextOf(request),
        secondFactor,
      );
      void reply.header(
        'set-cookie',
        sessionCookie(secret, { secure: cookie.secure, expires: session.expiresAt }),
      );
      return reply.code(201).send({ account: accountJson(account), csrf_token: csrfToken });
    },
  });

  app.route({
    ...routeOf(operations.signOut),
    onRequest: authenticate(services, operations.signOut.auth),
    handler: async (request, reply) => {
      const principal = principalOf(request);
      if (principal.kind === 'session')
        await services.sessions.end(principal.accountId, principal.sessionId, contextOf(request));
      void reply.header('set-cookie', sessionCookie(null, { secure: cookie.secure }));
      return reply.code(204).send();
    },
  });

  app.route({
    ...routeOf(operations.getAccount),
    onRequest: authenticate(services, operations.getAccount.auth),
    handler: async (request) => accountJson(await services.accounts.get(principalOf(request).accountId)),
  });

  app.route({
    ...routeOf(operations.getCurrentSession),
    onRequest: authenticate(services, operations.getCurrentSession.auth),
    handler: async (request) => {
      const principal = principalOf(request);
      const sessionId = principal.kind === 'session' ? principal.sessionId : '';
      return {
        account: accountJson(await services.accounts.get(principal.accountId)),
        csrf_token: services.sessions.csrfTokenFor(sessionId),
      };
    },
  });
};

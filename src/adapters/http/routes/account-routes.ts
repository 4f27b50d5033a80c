import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SessionSchema, SignInBody, SignUpBody } from '@skytells/contract';
import { authenticate, contextOf, principalOf, SESSION_COOKIE } from '../authenticate.js';
import { accountJson, AccountSchema } from '../schemas.js';
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
  app.post(
    '/v1/accounts',
    {
      schema: { tags: ['accounts'], summary: 'Sign up', body: SignUpBody, response: { 201: AccountSchema } },
    },
    async (request, reply) => {
      const { email, password, name } = request.body;
      const account = await services.accounts.signUp(
        { email, password, ...(name === undefined ? {} : { name }) },
        contextOf(request),
      );
      return reply.code(201).send(accountJson(account));
    },
  );

  app.post(
    '/v1/sessions',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Sign in; sets the session cookie and returns the CSRF token',
        body: SignInBody,
        response: { 201: SessionSchema },
      },
    },
    async (request, reply) => {
      const { account, session, secret, csrfToken } = await services.accounts.signIn(
        request.body.email,
        request.body.password,
        contextOf(request),
      );
      void reply.setCookie(SESSION_COOKIE, secret, {
        httpOnly: true,
        sameSite: 'lax',
        secure: cookie.secure,
        path: '/',
        expires: session.expiresAt,
      });
      return reply.code(201).send({ account: accountJson(account), csrf_token: csrfToken });
    },
  );

  app.delete(
    '/v1/sessions/current',
    {
      onRequest: authenticate(services, { via: 'session' }),
      schema: { tags: ['sessions'], summary: 'Sign out' },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (principal.kind === 'session')
        await services.sessions.end(principal.accountId, principal.sessionId, contextOf(request));
      void reply.clearCookie(SESSION_COOKIE, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: cookie.secure,
      });
      return reply.code(204).send();
    },
  );

  app.get(
    '/v1/account',
    {
      onRequest: authenticate(services, { scope: 'account:read' }),
      schema: { tags: ['accounts'], summary: 'The account', response: { 200: AccountSchema } },
    },
    async (request) => accountJson(await services.accounts.get(principalOf(request).accountId)),
  );

  app.get(
    '/v1/sessions/current',
    {
      onRequest: authenticate(services, { via: 'session' }),
      schema: {
        tags: ['sessions'],
        summary: 'The signed-in account and the CSRF token, for a console page that was reloaded',
        response: { 200: SessionSchema },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const sessionId = principal.kind === 'session' ? principal.sessionId : '';
      return {
        account: accountJson(await services.accounts.get(principal.accountId)),
        csrf_token: services.sessions.csrfTokenFor(sessionId),
      };
    },
  );
};

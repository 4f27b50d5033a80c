import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { operations } from '@skytells/contract';
import { ApiError } from '../../../core/errors.js';
import type { Passkey } from '../../../core/model.js';
import type { Principal } from '../../../core/principal.js';
import { authenticate, contextOf, principalOf } from '../authenticate.js';
import { routeOf } from '../route-of.js';
import type { Services } from '../services.js';

/** The wire form of a passkey: its id, name and creation, never the credential. */
function passkeyJson(passkey: Passkey) {
  return { id: passkey.id, name: passkey.name, created_at: passkey.createdAt.toISOString() };
}

/** The caller of a session-only route: the hook admits console sessions alone. */
function sessionOf(principal: Principal): Extract<Principal, { kind: 'session' }> {
  if (principal.kind !== 'session') throw new ApiError('session_required');
  return principal;
}

/** `/v1/account/2fa*` and `/v1/sessions/current/reauth`: second factors and re-authentication. */
export const securityRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (
  app,
  { services },
) => {
  app.route({
    ...routeOf(operations.getTwoFactor),
    onRequest: authenticate(services, operations.getTwoFactor.auth),
    handler: async (request) => {
      const status = await services.twoFactor.status(principalOf(request).accountId);
      return {
        enabled: status.isEnabled,
        totp: { enabled: status.totp !== null, created_at: status.totp?.createdAt.toISOString() ?? null },
        recovery_codes: { remaining: status.recoveryCodesRemaining },
        passkeys: status.passkeys.map(passkeyJson),
      };
    },
  });

  app.route({
    ...routeOf(operations.enrolTotp),
    onRequest: authenticate(services, operations.enrolTotp.auth),
    handler: async (request) => {
      const account = await services.accounts.get(principalOf(request).accountId);
      const enrolment = await services.twoFactor.startTotpEnrolment(account);
      return { secret: enrolment.secret, otpauth_uri: enrolment.uri };
    },
  });

  app.route({
    ...routeOf(operations.confirmTotp),
    onRequest: authenticate(services, operations.confirmTotp.auth),
    handler: async (request) => ({
      recovery_codes: await services.twoFactor.confirmTotp(
        principalOf(request),
        request.body.code,
        contextOf(request),
      ),
    }),
  });

  app.route({
    ...routeOf(operations.passkeyCreationOptions),
    onRequest: authenticate(services, operations.passkeyCreationOptions.auth),
    handler: async (request) => {
      const principal = sessionOf(principalOf(request));
      const account = await services.accounts.get(principal.accountId);
      return services.passkeys.creationOptions(principal, account);
    },
  });

  app.route({
    ...routeOf(operations.registerPasskey),
    onRequest: authenticate(services, operations.registerPasskey.auth),
    handler: async (request, reply) => {
      const { passkey, recoveryCodes } = await services.passkeys.register(
        sessionOf(principalOf(request)),
        request.body,
        contextOf(request),
      );
      return reply.code(201).send({
        ...passkeyJson(passkey),
        ...(recoveryCodes === undefined ? {} : { recovery_codes: recoveryCodes }),
      });
    },
  });

  app.route({
    ...routeOf(operations.deletePasskey),
    onRequest: authenticate(services, operations.deletePasskey.auth),
    handler: async (request, reply) => {
      await services.passkeys.remove(principalOf(request), request.params.id, contextOf(request));
      return reply.code(204).send();
    },
  });

  app.route({
    ...routeOf(operations.disableTwoFactor),
    onRequest: authenticate(services, operations.disableTwoFactor.auth),
    handler: async (request, reply) => {
      await services.twoFactor.disable(principalOf(request), contextOf(request));
      return reply.code(204).send();
    },
  });

  app.route({
    ...routeOf(operations.regenerateRecoveryCodes),
    onRequest: authenticate(services, operations.regenerateRecoveryCodes.auth),
    handler: async (request) => ({
      recovery_codes: await services.twoFactor.regenerateRecoveryCodes(
        principalOf(request),
        contextOf(request),
      ),
    }),
  });

  app.route({
    ...routeOf(operations.reauthenticationOptions),
    onRequest: authenticate(services, operations.reauthenticationOptions.auth),
    handler: async (request) => {
      const principal = sessionOf(principalOf(request));
      return services.passkeys.requestOptions(principal.accountId, principal.sessionId);
    },
  });

  app.route({
    ...routeOf(operations.reauthenticate),
    onRequest: authenticate(services, operations.reauthenticate.auth),
    handler: async (request, reply) => {
      const { password, totp_code: totpCode, webauthn_response: webauthnResponse } = request.body;
      await services.accounts.reauthenticate(
        sessionOf(principalOf(request)),
        {
          ...(password === undefined ? {} : { password }),
          ...(totpCode === undefined ? {} : { totpCode }),
          ...(webauthnResponse === undefined ? {} : { webauthnResponse }),
        },
        contextOf(request),
      );
      return reply.code(204).send();
    },
  });
};

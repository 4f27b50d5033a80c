import { credential, type Operation } from '../operation.js';
import { IdParams } from '../schemas/common.js';
import {
  ActiveSessionListSchema,
  ChangePasswordBody,
  RevokeOtherSessionsResultSchema,
} from '../schemas/sessions.js';

/** The account's console sessions and its password: the console's Security page, session only. */
export const sessionsOperations = {
  listSessions: {
    method: 'GET',
    path: '/v1/sessions',
    summary: "The account's active console sessions",
    tag: 'sessions',
    auth: credential(undefined, 'session'),
    responses: { 200: ActiveSessionListSchema },
  },
  revokeOtherSessions: {
    method: 'POST',
    path: '/v1/sessions/revoke-others',
    summary: 'Sign out every other session of the account',
    tag: 'sessions',
    auth: credential(undefined, 'session'),
    responses: { 200: RevokeOtherSessionsResultSchema },
  },
  revokeSession: {
    method: 'DELETE',
    path: '/v1/sessions/{id}',
    summary: 'End one session of the account',
    tag: 'sessions',
    auth: credential(undefined, 'session'),
    params: IdParams,
    responses: { 204: null },
    errors: ['not_found'],
  },
  changePassword: {
    method: 'POST',
    path: '/v1/account/password',
    summary: "Change the account's password; every other session ends (needs re-authentication)",
    tag: 'accounts',
    auth: credential(undefined, 'session'),
    body: ChangePasswordBody,
    responses: { 204: null },
    errors: ['reauth_required', 'current_password_incorrect', 'rate_limited'],
  },
} as const satisfies Record<string, Operation>;

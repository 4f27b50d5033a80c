import { credential, type Operation, PUBLIC } from '../operation.js';
import { AccountSchema, SessionSchema, SignInBody, SignUpBody } from '../schemas/accounts.js';

/** Sign-up, sign-in and the account. */
export const accountsOperations = {
  signUp: {
    method: 'POST',
    path: '/v1/accounts',
    summary: 'Sign up',
    tag: 'accounts',
    auth: PUBLIC,
    body: SignUpBody,
    responses: { 201: AccountSchema },
    errors: ['email_taken', 'signup_closed'],
  },
  signIn: {
    method: 'POST',
    path: '/v1/sessions',
    summary: 'Sign in to the console; sets the session cookie',
    tag: 'sessions',
    auth: PUBLIC,
    body: SignInBody,
    responses: { 201: SessionSchema },
    errors: ['invalid_credentials', 'second_factor_required', 'rate_limited', 'totp_secret_unreadable'],
  },
  getCurrentSession: {
    method: 'GET',
    path: '/v1/sessions/current',
    summary: 'The signed-in account and its CSRF token',
    tag: 'sessions',
    auth: credential(undefined, 'session'),
    responses: { 200: SessionSchema },
  },
  signOut: {
    method: 'DELETE',
    path: '/v1/sessions/current',
    summary: 'Sign out',
    tag: 'sessions',
    auth: credential(undefined, 'session'),
    responses: { 204: null },
  },
  getAccount: {
    method: 'GET',
    path: '/v1/account',
    summary: 'The account',
    tag: 'accounts',
    auth: credential('account:read'),
    responses: { 200: AccountSchema },
  },
} as const satisfies Record<string, Operation>;

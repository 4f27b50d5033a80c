import { type Static, Type } from '@sinclair/typebox';
import { WebAuthnRequestOptionsSchema } from './schemas/webauthn.js';

/**
 * The one catalogue of problem codes the API answers with. Every code is stable and public: clients
 * branch on it, the server raises it by name, and `docs/errors.md` documents each one (a test keeps
 * both in sync). Adding a code here is the one edit that makes it exist everywhere.
 */
export const ERROR_CATALOGUE = {
  validation_failed: { status: 400, title: 'The request is not valid' },
  bad_request: { status: 400, title: 'The request could not be understood' },
  invalid_json: { status: 400, title: 'The request body is not valid JSON' },
  invalid_cursor: { status: 400, title: 'The paging cursor is not valid' },
  invalid_request: { status: 400, title: 'The request is ambiguous or malformed' },
  webhook_url_not_allowed: { status: 400, title: 'The webhook URL may not be used' },
  policy_violation: { status: 400, title: "The request breaks this server's token policy" },
  totp_code_invalid: { status: 400, title: 'The authenticator code is not right' },
  webauthn_response_invalid: { status: 400, title: 'The passkey response could not be verified' },
  token_missing: { status: 401, title: 'Authentication required' },
  token_malformed: { status: 401, title: 'The credential is malformed' },
  token_invalid: { status: 401, title: 'The credential is not valid' },
  token_expired: { status: 401, title: 'The token has expired' },
  token_revoked: { status: 401, title: 'The token has been revoked' },
  invalid_credentials: { status: 401, title: 'Wrong email or password' },
  second_factor_required: { status: 401, title: 'A second factor is required to sign in' },
  api_key_not_accepted: { status: 401, title: 'API keys work on model inference only' },
  insufficient_scope: { status: 403, title: 'The token lacks a required scope' },
  ip_not_allowed: { status: 403, title: 'The token may not be used from this address' },
  project_not_allowed: { status: 403, title: 'The token is restricted to other projects' },
  csrf_token_invalid: { status: 403, title: 'Missing or wrong CSRF token' },
  session_required: { status: 403, title: 'This action is only available in the console' },
  token_required: { status: 403, title: 'This action needs an access token' },
  lifetime_exceeds_caller: { status: 403, title: 'A token cannot outlive the token that creates it' },
  signup_closed: { status: 403, title: 'Sign-up is closed on this server' },
  reauth_required: { status: 403, title: 'Confirm your password or a code first' },
  reauth_failed: { status: 403, title: 'The password or code is not right' },
  current_password_incorrect: { status: 403, title: 'The current password is wrong' },
  not_found: { status: 404, title: 'Not found' },
  name_conflict: { status: 409, title: 'An active token already has this name' },
  email_taken: { status: 409, title: 'An account with this email already exists' },
  token_not_active: { status: 409, title: 'The token is no longer active' },
  two_factor_enabled: { status: 409, title: 'Two-factor authentication is already on' },
  two_factor_disabled: { status: 409, title: 'Two-factor authentication is off' },
  totp_enrolment_missing: { status: 409, title: 'No authenticator app enrolment is pending' },
  passkey_already_registered: { status: 409, title: 'This passkey is already registered' },
  provider_not_configured: { status: 409, title: 'No key is saved for this model provider' },
  passkeys_unavailable: { status: 409, title: 'Passkeys need the server to be reached by a host name' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  unsupported_media_type: { status: 415, title: 'The request body must be JSON' },
  rate_limited: { status: 429, title: 'Too many requests' },
  token_rate_limited: { status: 429, title: "The token's rate limit is reached" },
  internal_error: { status: 500, title: 'Internal server error' },
  totp_secret_unreadable: { status: 500, title: 'The authenticator-app secret cannot be decrypted' },
  provider_key_unreadable: { status: 500, title: 'The saved provider key cannot be decrypted' },
  provider_error: { status: 502, title: 'The model provider answered with an error' },
  provider_unauthorized: { status: 502, title: 'The model provider refused the saved key' },
  database_unavailable: { status: 503, title: 'The database is unreachable' },
  provider_timeout: { status: 504, title: 'The model provider did not answer in time' },
  storage_full: { status: 507, title: 'No space left to store the change' },
} as const satisfies Record<string, { status: number; title: string }>;

/** A stable, machine-readable problem code. */
export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Every problem code, in catalogue order. */
export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

/** True when `code` is one of the catalogue's codes. */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CATALOGUE, code);
}

/** The 401 codes: the credential is missing or unusable, and signing in again is the way out. */
export const AUTHENTICATION_ERROR_CODES = [
  'token_missing',
  'token_malformed',
  'token_invalid',
  'token_expired',
  'token_revoked',
] as const satisfies readonly ErrorCode[];

/** The kinds of second factor an account can present at sign-in. */
export const SECOND_FACTORS = ['totp', 'recovery_code', 'webauthn'] as const;

/** A kind of second factor, as `second_factor_required` names them in `factors`. */
export type SecondFactor = (typeof SECOND_FACTORS)[number];

/** Where problem types are documented: `type` is this base plus the code. */
export const PROBLEM_TYPE_BASE = 'https://skytells.dev/errors/';

/** One failed field of a `validation_failed` problem. */
export const FieldErrorSchema = Type.Object(
  {
    field: Type.String({ description: 'The failed field, e.g. `scopes` or `body`.' }),
    message: Type.String(),
  },
  { $id: 'FieldError' },
);
export type FieldError = Static<typeof FieldErrorSchema>;

/** RFC 9457 problem details, as every `/v1` error is answered. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'A URL naming the problem type: the code under the errors page.' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.Unsafe<ErrorCode>({ type: 'string', enum: ERROR_CODES }),
    request_id: Type.Optional(Type.String({ description: 'Quote it to the operator; 500s only.' })),
    errors: Type.Optional(Type.Array(FieldErrorSchema)),
    factors: Type.Optional(
      Type.Array(Type.Unsafe<SecondFactor>({ type: 'string', enum: [...SECOND_FACTORS] }), {
        description: 'With `second_factor_required`: the factors the account can sign in with.',
      }),
    ),
    webauthn: Type.Optional(WebAuthnRequestOptionsSchema),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details with a stable `code`.' },
);
export type Problem = Static<typeof ProblemSchema>;

/**
 * OAuth 2 error codes, exactly as RFC 6749 §4.1.2.1 / §5.2, RFC 8628 §3.5 and RFC 7009 §2.2.1 spell
 * them. The `/oauth/*` endpoints answer these in the OAuth wire format (`{error, error_description}`).
 */
export const OAUTH_ERROR_CATALOGUE = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  unsupported_response_type: 400,
  invalid_scope: 400,
  access_denied: 400,
  server_error: 500,
  temporarily_unavailable: 503,
  authorization_pending: 400,
  slow_down: 400,
  expired_token: 400,
  unsupported_token_type: 400,
  invalid_target: 400,
} as const satisfies Record<string, number>;

/** An OAuth 2 error code. */
export type OAuthErrorCode = keyof typeof OAUTH_ERROR_CATALOGUE;

/** The body of an OAuth error (RFC 6749 §5.2). */
export const OAuthErrorSchema = Type.Object(
  {
    error: Type.Unsafe<OAuthErrorCode>({ type: 'string', enum: Object.keys(OAUTH_ERROR_CATALOGUE) }),
    error_description: Type.Optional(Type.String()),
  },
  { $id: 'OAuthError' },
);
export type OAuthErrorBody = Static<typeof OAuthErrorSchema>;

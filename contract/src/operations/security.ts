import { credential, type Operation } from '../operation.js';
import { IdParams } from '../schemas/common.js';
import {
  ConfirmTotpBody,
  ReauthenticateBody,
  RecoveryCodesSchema,
  RegisteredPasskeySchema,
  RegisterPasskeyBody,
  TotpEnrolmentSchema,
  TwoFactorStatusSchema,
} from '../schemas/security.js';
import { WebAuthnCreationOptionsSchema, WebAuthnRequestOptionsSchema } from '../schemas/webauthn.js';

const SESSION = credential(undefined, 'session');

/** Second factors, recovery codes and re-authentication of the console session. */
export const securityOperations = {
  getTwoFactor: {
    method: 'GET',
    path: '/v1/account/2fa',
    summary: "The account's second factors",
    tag: 'security',
    auth: SESSION,
    responses: { 200: TwoFactorStatusSchema },
  },
  enrolTotp: {
    method: 'POST',
    path: '/v1/account/2fa/totp',
    summary: 'Start enrolling an authenticator app: a new secret, pending until confirmed',
    tag: 'security',
    auth: SESSION,
    responses: { 200: TotpEnrolmentSchema },
    errors: ['two_factor_enabled'],
  },
  confirmTotp: {
    method: 'POST',
    path: '/v1/account/2fa/totp/confirm',
    summary: 'Confirm the authenticator app with a code; turns 2FA on and answers recovery codes once',
    tag: 'security',
    auth: SESSION,
    body: ConfirmTotpBody,
    responses: { 200: RecoveryCodesSchema },
    errors: ['totp_code_invalid', 'totp_enrolment_missing', 'two_factor_enabled'],
  },
  passkeyCreationOptions: {
    method: 'POST',
    path: '/v1/account/2fa/webauthn/options',
    summary: 'Options for navigator.credentials.create(): a challenge for this session, valid five minutes',
    tag: 'security',
    auth: SESSION,
    responses: { 200: WebAuthnCreationOptionsSchema },
    errors: ['passkeys_unavailable'],
  },
  registerPasskey: {
    method: 'POST',
    path: '/v1/account/2fa/webauthn',
    summary:
      'Register a passkey as a second factor; the first factor turns 2FA on and answers recovery codes once',
    tag: 'security',
    auth: SESSION,
    body: RegisterPasskeyBody,
    responses: { 201: RegisteredPasskeySchema },
    errors: ['webauthn_response_invalid', 'passkey_already_registered', 'passkeys_unavailable'],
  },
  deletePasskey: {
    method: 'DELETE',
    path: '/v1/account/2fa/webauthn/{id}',
    summary: 'Remove a passkey (needs re-authentication); removing the last factor turns 2FA off',
    tag: 'security',
    auth: SESSION,
    params: IdParams,
    responses: { 204: null },
    errors: ['not_found', 'reauth_required'],
  },
  disableTwoFactor: {
    method: 'DELETE',
    path: '/v1/account/2fa',
    summary: 'Turn two-factor authentication off (needs re-authentication)',
    tag: 'security',
    auth: SESSION,
    responses: { 204: null },
    errors: ['reauth_required'],
  },
  regenerateRecoveryCodes: {
    method: 'POST',
    path: '/v1/account/2fa/recovery-codes',
    summary: 'Replace every recovery code with ten new ones, shown once (needs re-authentication)',
    tag: 'security',
    auth: SESSION,
    responses: { 200: RecoveryCodesSchema },
    errors: ['reauth_required', 'two_factor_disabled'],
  },
  reauthenticationOptions: {
    method: 'POST',
    path: '/v1/sessions/current/reauth/webauthn/options',
    summary: "Options for navigator.credentials.get() to re-authenticate with one of the account's passkeys",
    tag: 'sessions',
    auth: SESSION,
    responses: { 200: WebAuthnRequestOptionsSchema },
  },
  reauthenticate: {
    method: 'POST',
    path: '/v1/sessions/current/reauth',
    summary:
      'Confirm the password, an authenticator code or a passkey; sensitive actions are allowed for 10 minutes',
    tag: 'sessions',
    auth: SESSION,
    body: ReauthenticateBody,
    responses: { 204: null },
    errors: ['reauth_failed', 'rate_limited', 'totp_secret_unreadable'],
  },
} as const satisfies Record<string, Operation>;

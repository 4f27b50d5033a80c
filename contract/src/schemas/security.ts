import { type Static, Type } from '@sinclair/typebox';
import { NullableTime, Time } from './common.js';
import { WebAuthnAuthenticationResponseSchema, WebAuthnRegistrationResponseSchema } from './webauthn.js';

/** A pending authenticator-app enrolment: the secret to enter or scan, shown once. */
export const TotpEnrolmentSchema = Type.Object(
  {
    secret: Type.String({ description: 'The shared secret, base32 (RFC 4648), for typing in by hand.' }),
    otpauth_uri: Type.String({
      description: 'The `otpauth://totp/...` URI (Key Uri Format) that the QR code encodes.',
    }),
  },
  { $id: 'TotpEnrolment' },
);
export type TotpEnrolment = Static<typeof TotpEnrolmentSchema>;

export const ConfirmTotpBody = Type.Object(
  { code: Type.String({ maxLength: 16, description: 'The 6-digit code the app shows now.' }) },
  { additionalProperties: false, $id: 'ConfirmTotpRequest' },
);
export type ConfirmTotpBody = Static<typeof ConfirmTotpBody>;

/** Recovery codes, shown once: each signs in once in place of an authenticator code. */
export const RecoveryCodesSchema = Type.Object(
  {
    recovery_codes: Type.Array(Type.String(), {
      description: 'Ten single-use codes. They are never shown again.',
    }),
  },
  { $id: 'RecoveryCodes' },
);
export type RecoveryCodes = Static<typeof RecoveryCodesSchema>;

/** A registered passkey. */
export const PasskeySchema = Type.Object(
  { id: Type.String(), name: Type.String(), created_at: Time },
  { $id: 'Passkey' },
);
export type Passkey = Static<typeof PasskeySchema>;

/** A passkey to register: its name and the authenticator's answer to the creation options. */
export const RegisterPasskeyBody = Type.Object(
  {
    name: Type.String({
      maxLength: 1000,
      description: '1 to 100 characters after trimming, no control characters, e.g. "YubiKey" or "Laptop".',
    }),
    response: WebAuthnRegistrationResponseSchema,
  },
  { additionalProperties: false, $id: 'RegisterPasskeyRequest' },
);
export type RegisterPasskeyBody = Static<typeof RegisterPasskeyBody>;

/** The registered passkey; with recovery codes, shown once, when it turned two-factor authentication on. */
export const RegisteredPasskeySchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    created_at: Time,
    recovery_codes: Type.Optional(
      Type.Array(Type.String(), {
        description:
          'Present when this passkey is the first second factor: ten single-use codes, never shown again.',
      }),
    ),
  },
  { $id: 'RegisteredPasskey' },
);
export type RegisteredPasskey = Static<typeof RegisteredPasskeySchema>;

/** The account's second factors. */
export const TwoFactorStatusSchema = Type.Object(
  {
    enabled: Type.Boolean({ description: 'Whether sign-in asks for a second factor.' }),
    totp: Type.Object({
      enabled: Type.Boolean(),
      created_at: NullableTime,
    }),
    recovery_codes: Type.Object({
      remaining: Type.Integer({ minimum: 0, description: 'Unused recovery codes.' }),
    }),
    passkeys: Type.Array(PasskeySchema),
  },
  { $id: 'TwoFactorStatus' },
);
export type TwoFactorStatus = Static<typeof TwoFactorStatusSchema>;

/** Proof of presence for sensitive actions: the password, a current authenticator code, or a passkey. */
export const ReauthenticateBody = Type.Object(
  {
    password: Type.Optional(Type.String({ maxLength: 4096 })),
    totp_code: Type.Optional(Type.String({ maxLength: 16 })),
    webauthn_response: Type.Optional(WebAuthnAuthenticationResponseSchema),
  },
  { additionalProperties: false, $id: 'ReauthenticateRequest' },
);
export type ReauthenticateBody = Static<typeof ReauthenticateBody>;

import { type Static, Type } from '@sinclair/typebox';
import { Time } from './common.js';
import { WebAuthnAuthenticationResponseSchema } from './webauthn.js';

export const AccountSchema = Type.Object(
  { id: Type.String(), email: Type.String(), name: Type.String(), created_at: Time },
  { $id: 'Account' },
);
export type Account = Static<typeof AccountSchema>;

export const SignUpBody = Type.Object(
  {
    email: Type.String({ maxLength: 320 }),
    password: Type.String({ maxLength: 4096, description: '8 to 1024 characters.' }),
    name: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false, $id: 'SignUpRequest' },
);
export type SignUpBody = Static<typeof SignUpBody>;

export const SignInBody = Type.Object(
  {
    email: Type.String({ maxLength: 320 }),
    password: Type.String({ maxLength: 4096 }),
    totp_code: Type.Optional(Type.String({ maxLength: 16 })),
    recovery_code: Type.Optional(Type.String({ maxLength: 64 })),
    webauthn_response: Type.Optional(WebAuthnAuthenticationResponseSchema),
  },
  { additionalProperties: false, $id: 'SignInRequest' },
);
export type SignInBody = Static<typeof SignInBody>;

/** A console session: who is signed in, and the token to send in `X-CSRF-Token` on unsafe requests. */
export const SessionSchema = Type.Object(
  { account: AccountSchema, csrf_token: Type.String() },
  { $id: 'Session' },
);
export type Session = Static<typeof SessionSchema>;

import { type Static, Type } from '@sinclair/typebox';

/*
 * The JSON forms of WebAuthn Level 3 (§5.1.8, §5.1.9, §5.4, §5.5): what `PublicKeyCredential
 * .parseCreationOptionsFromJSON()` and `.toJSON()` exchange, and what @simplewebauthn/browser takes
 * and gives. Binary fields are base64url strings. Nested objects admit members added by later
 * levels of the specification; the outer request bodies do not.
 */

/** Members the specification may add later pass through, in both directions. */
const OPEN = { additionalProperties: true } as const;

const Base64Url = (description: string, maxLength = 4096) =>
  Type.String({ pattern: '^[A-Za-z0-9_-]*$', maxLength, description });

const Transports = Type.Array(Type.String({ maxLength: 32 }), {
  maxItems: 16,
  description: 'Hints how the client may reach the authenticator: `usb`, `nfc`, `ble`, `hybrid`, `internal`.',
});

/** `PublicKeyCredentialDescriptorJSON` (WebAuthn §5.10.3): a credential the account already has. */
const CredentialDescriptor = Type.Object(
  {
    id: Base64Url('The credential ID.', 1400),
    type: Type.Literal('public-key'),
    transports: Type.Optional(Transports),
  },
  OPEN,
);

/** `PublicKeyCredentialCreationOptionsJSON`: what `navigator.credentials.create()` needs. */
export const WebAuthnCreationOptionsSchema = Type.Object(
  {
    rp: Type.Object({ id: Type.Optional(Type.String()), name: Type.String() }, OPEN),
    user: Type.Object({ id: Type.String(), name: Type.String(), displayName: Type.String() }, OPEN),
    challenge: Base64Url('Single use, bound to the session; expires after five minutes.'),
    pubKeyCredParams: Type.Array(
      Type.Object({ type: Type.Literal('public-key'), alg: Type.Integer() }, OPEN),
    ),
    timeout: Type.Optional(Type.Integer()),
    excludeCredentials: Type.Optional(
      Type.Array(CredentialDescriptor, { description: 'The passkeys already registered.' }),
    ),
    authenticatorSelection: Type.Optional(Type.Object({}, OPEN)),
    hints: Type.Optional(Type.Array(Type.String())),
    attestation: Type.Optional(Type.String()),
    attestationFormats: Type.Optional(Type.Array(Type.String())),
    extensions: Type.Optional(Type.Object({}, OPEN)),
  },
  { ...OPEN, $id: 'WebAuthnCreationOptions' },
);
export type WebAuthnCreationOptions = Static<typeof WebAuthnCreationOptionsSchema>;

/** `PublicKeyCredentialRequestOptionsJSON`: what `navigator.credentials.get()` needs. */
export const WebAuthnRequestOptionsSchema = Type.Object(
  {
    challenge: Base64Url('Single use, bound to this sign-in; expires after five minutes.'),
    timeout: Type.Optional(Type.Integer()),
    rpId: Type.Optional(Type.String()),
    allowCredentials: Type.Optional(
      Type.Array(CredentialDescriptor, { description: "The account's passkeys." }),
    ),
    userVerification: Type.Optional(Type.String()),
    hints: Type.Optional(Type.Array(Type.String())),
    extensions: Type.Optional(Type.Object({}, OPEN)),
  },
  { ...OPEN, $id: 'WebAuthnRequestOptions' },
);
export type WebAuthnRequestOptions = Static<typeof WebAuthnRequestOptionsSchema>;

/** `RegistrationResponseJSON`: the new credential, as `PublicKeyCredential.toJSON()` gives it. */
export const WebAuthnRegistrationResponseSchema = Type.Object(
  {
    id: Base64Url('The credential ID.', 1400),
    rawId: Base64Url('The credential ID.', 1400),
    type: Type.Literal('public-key'),
    response: Type.Object(
      {
        clientDataJSON: Base64Url('CollectedClientData (WebAuthn §5.8.1).'),
        attestationObject: Base64Url('The attestation object (WebAuthn §6.5).', 32_768),
        transports: Type.Optional(Transports),
        authenticatorData: Type.Optional(Type.String({ maxLength: 32_768 })),
        publicKey: Type.Optional(Type.String({ maxLength: 4096 })),
        publicKeyAlgorithm: Type.Optional(Type.Integer()),
      },
      OPEN,
    ),
    authenticatorAttachment: Type.Optional(Type.String({ maxLength: 32 })),
    clientExtensionResults: Type.Object({}, OPEN),
  },
  { $id: 'WebAuthnRegistrationResponse' },
);
export type WebAuthnRegistrationResponse = Static<typeof WebAuthnRegistrationResponseSchema>;

/** `AuthenticationResponseJSON`: an assertion, as `PublicKeyCredential.toJSON()` gives it. */
export const WebAuthnAuthenticationResponseSchema = Type.Object(
  {
    id: Base64Url('The credential ID.', 1400),
    rawId: Base64Url('The credential ID.', 1400),
    type: Type.Literal('public-key'),
    response: Type.Object(
      {
        clientDataJSON: Base64Url('CollectedClientData (WebAuthn §5.8.1).'),
        authenticatorData: Base64Url('Authenticator data (WebAuthn §6.1).'),
        signature: Base64Url('The assertion signature.'),
        userHandle: Type.Optional(Base64Url('The user handle.', 128)),
      },
      OPEN,
    ),
    authenticatorAttachment: Type.Optional(Type.String({ maxLength: 32 })),
    clientExtensionResults: Type.Object({}, OPEN),
  },
  { $id: 'WebAuthnAuthenticationResponse' },
);
export type WebAuthnAuthenticationResponse = Static<typeof WebAuthnAuthenticationResponseSchema>;

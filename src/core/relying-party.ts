import type {
  WebAuthnAuthenticationResponse,
  WebAuthnCreationOptions,
  WebAuthnRegistrationResponse,
  WebAuthnRequestOptions,
} from '@skytells/contract';

export type {
  WebAuthnAuthenticationResponse,
  WebAuthnCreationOptions,
  WebAuthnRegistrationResponse,
  WebAuthnRequestOptions,
};

/** A credential the relying party knows: to exclude at registration, or to allow at sign-in. */
export interface KnownCredential {
  credentialId: string;
  transports: string[];
}

/** A credential whose registration verified (WebAuthn §7.1). */
export interface VerifiedCredential extends KnownCredential {
  /** COSE_Key. */
  publicKey: Uint8Array;
  signCount: number;
}

/** Options to hand to the browser, and the challenge in them (base64url) to remember. */
export interface IssuedOptions<Options> {
  options: Options;
  challenge: string;
}

/**
 * The WebAuthn Relying Party operations (WebAuthn Level 3 §7) for one RP ID and origin: options
 * for the browser, and verification of what the authenticator answered. It keeps no state: the
 * caller stores the challenge and passes it back, and checks the signature counter itself.
 */
export interface RelyingParty {
  /** The RP ID: the host of the public URL. */
  readonly rpId: string;
  /** False when the RP ID is an IP address, for which browsers create no credential (WebAuthn §5.1.3 step 8). */
  readonly isAvailable: boolean;
  /** `PublicKeyCredentialCreationOptions` for `user`, excluding the credentials it already has. */
  creationOptions(input: {
    user: { id: string; name: string };
    exclude: readonly KnownCredential[];
  }): Promise<IssuedOptions<WebAuthnCreationOptions>>;
  /**
   * Verifies a registration (WebAuthn §7.1): challenge, origin, RP ID, user presence, attestation.
   * @returns the credential, or undefined when anything does not verify.
   */
  verifyRegistration(
    response: WebAuthnRegistrationResponse,
    expectedChallenge: string,
  ): Promise<VerifiedCredential | undefined>;
  /** `PublicKeyCredentialRequestOptions` allowing `allow`. */
  requestOptions(allow: readonly KnownCredential[]): Promise<IssuedOptions<WebAuthnRequestOptions>>;
  /**
   * Verifies an assertion by `credential` (WebAuthn §7.2) except the signature counter.
   * @returns the signature counter the authenticator reported, or undefined when anything does not verify.
   */
  verifyAssertion(
    response: WebAuthnAuthenticationResponse,
    expectedChallenge: string,
    credential: VerifiedCredential,
  ): Promise<{ signCount: number } | undefined>;
  /** The challenge that `clientDataJSON` (base64url) says it answers, if it can be read. */
  challengeOf(clientDataJSON: string): string | undefined;
}

import { isIP } from 'node:net';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { decodeClientDataJSON } from '@simplewebauthn/server/helpers';
import type {
  IssuedOptions,
  KnownCredential,
  RelyingParty,
  VerifiedCredential,
  WebAuthnAuthenticationResponse,
  WebAuthnCreationOptions,
  WebAuthnRegistrationResponse,
  WebAuthnRequestOptions,
} from '../../core/relying-party.js';

/** How long the browser may take; the challenge lives as long (docs/api.md, "Passkeys"). */
export const WEBAUTHN_TIMEOUT_MS = 5 * 60_000;

/** The name browsers show for the relying party. */
const RP_NAME = 'Skytells';

/**
 * Second factor, not a username-less sign-in: any authenticator, a discoverable credential when it
 * can, user verification when it can (WebAuthn §5.4.4, §5.8.6).
 */
const AUTHENTICATOR_SELECTION = { residentKey: 'preferred', userVerification: 'preferred' } as const;

/**
 * {@link RelyingParty} with @simplewebauthn/server, for the origin of the public URL
 * (`SKYTELLS_PUBLIC_URL`); its host is the RP ID (WebAuthn §5.1.3 step 8).
 */
export class SimpleWebAuthnRelyingParty implements RelyingParty {
  readonly rpId: string;
  readonly isAvailable: boolean;
  readonly #origin: string;

  constructor(publicUrl: string) {
    const url = new URL(publicUrl);
    this.#origin = url.origin;
    this.rpId = url.hostname;
    this.isAvailable = isIP(url.hostname.replace(/^\[|\]$/g, '')) === 0;
  }

  async creationOptions(input: {
    user: { id: string; name: string };
    exclude: readonly KnownCredential[];
  }): Promise<IssuedOptions<WebAuthnCreationOptions>> {
    const options = await generateRegistrationOptions({
      rpName: RP_NAME,
      rpID: this.rpId,
      userID: new TextEncoder().encode(input.user.id),
      userName: input.user.name,
      userDisplayName: input.user.name,
      timeout: WEBAUTHN_TIMEOUT_MS,
      attestationType: 'none',
      excludeCredentials: input.exclude.map((credential) => ({
        id: credential.credentialId,
        transports: [...credential.transports],
      })),
      authenticatorSelection: AUTHENTICATOR_SELECTION,
    });
    return { options: options as WebAuthnCreationOptions, challenge: options.challenge };
  }

  async verifyRegistration(
    response: WebAuthnRegistrationResponse,
    expectedChallenge: string,
  ): Promise<VerifiedCredential | undefined> {
    try {
      const result = await verifyRegistrationResponse({
        response: response as Parameters<typeof verifyRegistrationResponse>[0]['response'],
        expectedChallenge,
        expectedOrigin: this.#origin,
        expectedRPID: this.rpId,
        requireUserVerification: false,
      });
      if (!result.verified) return undefined;
      const { credential } = result.registrationInfo;
      return {
        credentialId: credential.id,
        publicKey: credential.publicKey,
        signCount: credential.counter,
        transports: credential.transports ?? response.response.transports ?? [],
      };
    } catch {
      // The library throws for each failed check; every one of them means "not verified".
      return undefined;
    }
  }

  async requestOptions(allow: readonly KnownCredential[]): Promise<IssuedOptions<WebAuthnRequestOptions>> {
    const options = await generateAuthenticationOptions({
      rpID: this.rpId,
      timeout: WEBAUTHN_TIMEOUT_MS,
      userVerification: 'preferred',
      allowCredentials: allow.map((credential) => ({
        id: credential.credentialId,
        transports: [...credential.transports],
      })),
    });
    return { options: options as WebAuthnRequestOptions, challenge: options.challenge };
  }

  async verifyAssertion(
    response: WebAuthnAuthenticationResponse,
    expectedChallenge: string,
    credential: VerifiedCredential,
  ): Promise<{ signCount: number } | undefined> {
    try {
      const result = await verifyAuthenticationResponse({
        response: response as Parameters<typeof verifyAuthenticationResponse>[0]['response'],
        expectedChallenge,
        expectedOrigin: this.#origin,
        expectedRPID: this.rpId,
        // Counter 0 turns the library's counter check off: the caller checks it atomically, and audits.
        credential: {
          id: credential.credentialId,
          publicKey: credential.publicKey as Parameters<
            typeof verifyAuthenticationResponse
          >[0]['credential']['publicKey'],
          counter: 0,
          transports: [...credential.transports],
        },
        requireUserVerification: false,
      });
      return result.verified ? { signCount: result.authenticationInfo.newCounter } : undefined;
    } catch {
      return undefined;
    }
  }

  challengeOf(clientDataJSON: string): string | undefined {
    try {
      const { challenge } = decodeClientDataJSON(clientDataJSON);
      return typeof challenge === 'string' ? challenge : undefined;
    } catch {
      return undefined;
    }
  }
}

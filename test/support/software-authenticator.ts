import type {
  WebAuthnAuthenticationResponse,
  WebAuthnCreationOptions,
  WebAuthnRegistrationResponse,
  WebAuthnRequestOptions,
} from '@skytells/contract';
import {
  AuthenticatorEmulator,
  deserializeCredential,
  getRepositoryId,
  type PasskeyDiscoverableCredential,
  type PasskeysCredentialsRepository,
  serializeCredential,
  WebAuthnEmulator,
} from 'nid-webauthn-emulator';

/** Credentials in memory, serialised, so that a test can copy the authenticator's state and put it back. */
class SnapshotRepository implements PasskeysCredentialsRepository {
  credentials = new Map<string, string>();

  saveCredential(credential: PasskeyDiscoverableCredential): void {
    this.credentials.set(getRepositoryId(credential), serializeCredential(credential));
  }

  deleteCredential(credential: PasskeyDiscoverableCredential): void {
    this.credentials.delete(getRepositoryId(credential));
  }

  loadCredentials(): PasskeyDiscoverableCredential[] {
    return [...this.credentials.values()].map(deserializeCredential);
  }
}

/**
 * A software FIDO2 authenticator (nid-webauthn-emulator: CTAP2 authenticator and WebAuthn client,
 * ES256, "none" attestation, user present and verified, signature counter +1 per assertion) seen
 * from `origin`, as a browser there would call `navigator.credentials` with it.
 */
export class SoftwareAuthenticator {
  readonly #repository = new SnapshotRepository();
  readonly #client: WebAuthnEmulator;

  constructor(readonly origin: string) {
    this.#client = new WebAuthnEmulator(
      new AuthenticatorEmulator({
        algorithmIdentifiers: ['ES256'],
        credentialsRepository: this.#repository,
      }),
    );
  }

  /** `navigator.credentials.create()` with the server's creation options, as `toJSON()` gives it. */
  create(options: WebAuthnCreationOptions, origin = this.origin): WebAuthnRegistrationResponse {
    return this.#client.createJSON(origin, options);
  }

  /** `navigator.credentials.get()` with the server's request options. */
  get(options: WebAuthnRequestOptions, origin = this.origin): WebAuthnAuthenticationResponse {
    return this.#client.getJSON(origin, options);
  }

  /** The authenticator's state now (its keys and signature counters), to {@link restore} later. */
  snapshot(): Map<string, string> {
    return new Map(this.#repository.credentials);
  }

  /** Puts back a state of {@link snapshot}: a clone of the authenticator as it was then. */
  restore(state: Map<string, string>): void {
    this.#repository.credentials = new Map(state);
  }
}

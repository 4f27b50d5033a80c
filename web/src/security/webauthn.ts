import type {
  WebAuthnAuthenticationResponse,
  WebAuthnCreationOptions,
  WebAuthnRegistrationResponse,
  WebAuthnRequestOptions,
} from '@skytells/contract';
import { startAuthentication, startRegistration } from '@simplewebauthn/browser';

/** `navigator.credentials.create()` with the server's options, answered in JSON form. */
export async function createPasskey(options: WebAuthnCreationOptions): Promise<WebAuthnRegistrationResponse> {
  type Options = Parameters<typeof startRegistration>[0]['optionsJSON'];
  return startRegistration({ optionsJSON: options as Options });
}

/** `navigator.credentials.get()` with the server's options, answered in JSON form. */
export async function signWithPasskey(
  options: WebAuthnRequestOptions,
): Promise<WebAuthnAuthenticationResponse> {
  type Options = Parameters<typeof startAuthentication>[0]['optionsJSON'];
  return startAuthentication({ optionsJSON: options as Options });
}

/** What to tell the person when the browser or the authenticator did not make or use a passkey. */
export function passkeyFailureText(failure: unknown, action: 'add' | 'use'): string | null {
  if (!(failure instanceof Error)) return null;
  switch (failure.name) {
    case 'NotAllowedError':
    case 'AbortError':
      return action === 'add'
        ? 'No passkey was added: the request was cancelled or timed out. Try again.'
        : 'The passkey was not used: the request was cancelled or timed out. Try again.';
    case 'InvalidStateError':
      return 'This authenticator already holds a passkey for your account.';
    case 'NotSupportedError':
      return 'This browser or authenticator does not support passkeys.';
    case 'SecurityError':
      return 'The browser refused passkeys for this address. The server needs a public URL with a host name.';
    default:
      return null;
  }
}

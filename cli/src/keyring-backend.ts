/**
 * The operating system's credential store through `@napi-rs/keyring`: Keychain on macOS,
 * Credential Manager on Windows, the Secret Service (pinned, never the kernel keyring, which
 * forgets everything at log-out) on Linux. Every call is bounded by a time-out, so a locked or
 * absent keychain never hangs a command.
 */

import type { AsyncEntry } from '@napi-rs/keyring';

/** The keychain service name entries are stored under; the account is the host URL. */
export const KEYRING_SERVICE = 'skytells';

/** How long one keychain call may take before the keychain counts as unavailable. */
export const KEYRING_TIMEOUT_MS = 3000;

/** The keychain cannot be used right now; `message` says why, in one line. */
export class KeyringUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeyringUnavailableError';
  }
}

/** A place to keep one secret per host. */
export interface SecretBackend {
  /** The secret stored for `host`, or `null`. @throws KeyringUnavailableError */
  get(host: string): Promise<string | null>;
  /** @throws KeyringUnavailableError */
  set(host: string, secret: string): Promise<void>;
  /** True when something was deleted. @throws KeyringUnavailableError */
  delete(host: string): Promise<boolean>;
}

type AsyncEntryLike = {
  getPassword(signal?: AbortSignal): Promise<string | null>;
  setPassword(password: string, signal?: AbortSignal): Promise<void>;
  deleteCredential(signal?: AbortSignal): Promise<boolean>;
};

/** The first line of an error's message, without the binding's "Platform failure:" noise. */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? message).replace(/^Platform failure: /, '').slice(0, 200);
}

/** The system keychain, bounded by `timeoutMs` per call. */
export function systemKeyring(options: {
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  timeoutMs?: number;
}): SecretBackend {
  const timeoutMs = options.timeoutMs ?? KEYRING_TIMEOUT_MS;
  // The Secret Service is reached over the session bus; without one there is nothing to ask.
  const noBus =
    options.platform === 'linux' && (options.env['DBUS_SESSION_BUS_ADDRESS'] ?? '') === ''
      ? 'no D-Bus session, so no Secret Service'
      : undefined;
  const entry = async (host: string): Promise<AsyncEntryLike> => {
    if (noBus !== undefined) throw new KeyringUnavailableError(noBus);
    let keyring: { AsyncEntry: typeof AsyncEntry };
    try {
      keyring = await import('@napi-rs/keyring');
    } catch (error) {
      throw new KeyringUnavailableError(`the keychain library did not load (${reasonOf(error)})`, {
        cause: error,
      });
    }
    try {
      // Linux: the Secret Service only; the default would fall back to the non-persistent keyutils.
      return new keyring.AsyncEntry(KEYRING_SERVICE, host, { linux: { store: 'secret-service' } });
    } catch (error) {
      throw new KeyringUnavailableError(reasonOf(error), { cause: error });
    }
  };

  const bounded = async <T>(host: string, call: (e: AsyncEntryLike, signal: AbortSignal) => Promise<T>) => {
    const e = await entry(host);
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(
          new KeyringUnavailableError(
            `the keychain did not answer within ${timeoutMs / 1000} s (is it locked?)`,
          ),
        );
      }, timeoutMs);
    });
    try {
      return await Promise.race([call(e, controller.signal), timeout]);
    } catch (error) {
      if (error instanceof KeyringUnavailableError) throw error;
      throw new KeyringUnavailableError(reasonOf(error), { cause: error });
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    get: (host) => bounded(host, (e, signal) => e.getPassword(signal)),
    set: (host, secret) => bounded(host, (e, signal) => e.setPassword(secret, signal)),
    delete: (host) => bounded(host, (e, signal) => e.deleteCredential(signal)),
  };
}

import { join } from 'node:path';
import { readJsonFile, writeJsonFileAtomic } from './json-file.js';
import { KeyringUnavailableError, type SecretBackend } from './keyring-backend.js';

/** Where a login's token is kept. */
export type StorageBackend = 'keyring' | 'file';

/** How `skytells login` obtained the token: through OAuth (its own to revoke) or pasted by the user. */
export type ObtainedBy = 'oauth' | 'pasted';

/** What is known about a host's login without reading the secret. */
export interface HostLogin {
  host: string;
  storage: StorageBackend;
  obtainedBy: ObtainedBy;
  tokenId: string;
  masked: string;
  savedAt: string;
}

/** A host's login with its token. */
export interface StoredLogin extends HostLogin {
  token: string;
}

interface HostsFile {
  version: 1;
  /** The host of the most recent login: commands use it when neither --host nor SKYTELLS_HOST is set. */
  default_host: string | null;
  hosts: Record<
    string,
    { storage: StorageBackend; obtained_by: ObtainedBy; token_id: string; masked: string; saved_at: string }
  >;
}

interface CredentialsFile {
  version: 1;
  tokens: Record<string, string>;
}

/** `$XDG_CONFIG_HOME/skytells`, else `~/.config/skytells` (docs/cli.md). */
export function configDirectory(env: Readonly<Record<string, string | undefined>>, home: string): string {
  const xdg = env['XDG_CONFIG_HOME'];
  return join(xdg !== undefined && xdg !== '' ? xdg : join(home, '.config'), 'skytells');
}

/** The outcome of {@link CredentialStore.chooseBackend}. */
export interface BackendChoice {
  backend: StorageBackend;
  /** Why the keychain is not used, when it was wanted. */
  keyringProblem?: string;
}

/**
 * Logins per host. Tokens live in the system keychain where one answers, else (or with
 * `--insecure-storage`) in `credentials.json`, mode 0600. `hosts.json` (0600, no secrets) says
 * which hosts are logged in, where each token is and how it was obtained.
 */
export class CredentialStore {
  readonly hostsPath: string;
  readonly credentialsPath: string;
  readonly #keyring: () => Promise<SecretBackend>;

  /** `keyring` is loaded only when a command needs it. */
  constructor(directory: string, keyring: () => Promise<SecretBackend>) {
    this.hostsPath = join(directory, 'hosts.json');
    this.credentialsPath = join(directory, 'credentials.json');
    this.#keyring = keyring;
  }

  async #hosts(): Promise<HostsFile> {
    const raw = (await readJsonFile(this.hostsPath)) as Partial<HostsFile> | undefined;
    return { version: 1, default_host: raw?.default_host ?? null, hosts: { ...raw?.hosts } };
  }

  async #credentials(): Promise<CredentialsFile> {
    const raw = (await readJsonFile(this.credentialsPath)) as Partial<CredentialsFile> | undefined;
    return { version: 1, tokens: { ...raw?.tokens } };
  }

  async #setFileToken(host: string, token: string | undefined): Promise<void> {
    const file = await this.#credentials();
    if (token === undefined) {
      if (!(host in file.tokens)) return;
      delete file.tokens[host];
    } else {
      file.tokens[host] = token;
    }
    await writeJsonFileAtomic(this.credentialsPath, file);
  }

  /** The host of the most recent login, if any. */
  async defaultHost(): Promise<string | undefined> {
    return (await this.#hosts()).default_host ?? undefined;
  }

  /** Every logged-in host, without secrets. */
  async list(): Promise<HostLogin[]> {
    const file = await this.#hosts();
    return Object.entries(file.hosts).map(([host, h]) => ({
      host,
      storage: h.storage,
      obtainedBy: h.obtained_by,
      tokenId: h.token_id,
      masked: h.masked,
      savedAt: h.saved_at,
    }));
  }

  /**
   * The login for `host` with its token, or `undefined` when there is none.
   * @throws KeyringUnavailableError when the token is in a keychain that does not answer.
   */
  async find(host: string): Promise<StoredLogin | undefined> {
    const login = (await this.list()).find((h) => h.host === host);
    if (login === undefined) return undefined;
    const token =
      login.storage === 'keyring'
        ? await (await this.#keyring()).get(host)
        : (await this.#credentials()).tokens[host];
    return token === undefined || token === null ? undefined : { ...login, token };
  }

  /**
   * Decides where a new token would go, before any login flow starts: the keychain if it answers
   * (probed with a bounded read), else the file.
   */
  async chooseBackend(insecureStorage: boolean, host: string): Promise<BackendChoice> {
    if (insecureStorage) return { backend: 'file' };
    try {
      await (await this.#keyring()).get(host);
      return { backend: 'keyring' };
    } catch (error) {
      return { backend: 'file', keyringProblem: problemOf(error) };
    }
  }

  /**
   * Stores `login` for its host and makes that host the default. Falls back from the keychain to
   * the file if the keychain refuses the write.
   * @returns the stored login, and the keychain's problem if it fell back.
   */
  async save(
    login: Omit<StoredLogin, 'storage' | 'savedAt'>,
    backend: StorageBackend,
  ): Promise<{ stored: StoredLogin; keyringProblem?: string }> {
    const previous = (await this.list()).find((h) => h.host === login.host);
    let storage = backend;
    let keyringProblem: string | undefined;
    if (storage === 'keyring') {
      try {
        await (await this.#keyring()).set(login.host, login.token);
      } catch (error) {
        storage = 'file';
        keyringProblem = problemOf(error);
      }
    }
    if (storage === 'file') await this.#setFileToken(login.host, login.token);
    else await this.#setFileToken(login.host, undefined);
    if (previous?.storage === 'keyring' && storage === 'file') {
      await (await this.#keyring()).delete(login.host).catch(() => false);
    }
    const savedAt = new Date().toISOString();
    const hosts = await this.#hosts();
    hosts.hosts[login.host] = {
      storage,
      obtained_by: login.obtainedBy,
      token_id: login.tokenId,
      masked: login.masked,
      saved_at: savedAt,
    };
    hosts.default_host = login.host;
    await writeJsonFileAtomic(this.hostsPath, hosts);
    return {
      stored: { ...login, storage, savedAt },
      ...(keyringProblem === undefined ? {} : { keyringProblem }),
    };
  }

  /**
   * Forgets `host`: its token in the keychain or file, and its entry.
   * @returns false when there was nothing to forget.
   * @throws KeyringUnavailableError when the keychain holding the token does not answer.
   */
  async remove(host: string): Promise<boolean> {
    const hosts = await this.#hosts();
    const entry = hosts.hosts[host];
    if (entry === undefined) return false;
    if (entry.storage === 'keyring') await (await this.#keyring()).delete(host);
    await this.#setFileToken(host, undefined);
    delete hosts.hosts[host];
    if (hosts.default_host === host) hosts.default_host = Object.keys(hosts.hosts)[0] ?? null;
    await writeJsonFileAtomic(this.hostsPath, hosts);
    return true;
  }
}

function problemOf(error: unknown): string {
  if (error instanceof KeyringUnavailableError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

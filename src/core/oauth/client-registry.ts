import { OAuthError } from '../errors.js';
import type { KeyedHasher } from '../keyed-hash.js';
import type { UnitOfWork } from '../ports.js';
import { CLI_CLIENT, type OAuthClient, type OAuthClientRecord } from './model.js';

/** How a client identified itself at the token, revocation or introspection endpoint. */
export interface ClientCredentials {
  clientId: string;
  /** From HTTP Basic (RFC 6749 §2.3.1) or the `client_secret` body parameter. */
  clientSecret?: string;
}

/** Looks up clients, the built-in ones first, and authenticates them. */
export class ClientRegistry {
  readonly #uow: UnitOfWork;
  readonly #hasher: KeyedHasher;

  constructor(deps: { uow: UnitOfWork; hasher: KeyedHasher }) {
    this.#uow = deps.uow;
    this.#hasher = deps.hasher;
  }

  /** The built-in client `id`, or the stored record of a registered one, if any. */
  async #load(id: string): Promise<OAuthClientRecord | undefined> {
    if (id === CLI_CLIENT.id) return { ...CLI_CLIENT, secretHash: null };
    if (!/^app_[0-9A-Za-z]{1,40}$/.test(id)) return undefined;
    return this.#uow.stores.oauth.findClient(id);
  }

  /** The client `id`, built-in or registered, if any. */
  async find(id: string): Promise<OAuthClient | undefined> {
    const record = await this.#load(id);
    if (record === undefined) return undefined;
    const { secretHash: _secret, ...client } = record;
    return client;
  }

  /**
   * Authenticates a client (RFC 6749 §2.3): a confidential client must present its secret, a
   * public client must not claim one.
   * @throws OAuthError `invalid_client`.
   */
  async authenticate(credentials: ClientCredentials): Promise<OAuthClient> {
    const record = await this.#load(credentials.clientId);
    const secret = credentials.clientSecret;
    const authenticated =
      record !== undefined &&
      (record.type === 'confidential'
        ? secret !== undefined &&
          record.secretHash !== null &&
          this.#hasher.verify('client-secret', secret, record.secretHash)
        : secret === undefined);
    if (!authenticated) throw new OAuthError('invalid_client', 'Client authentication failed.');
    const { secretHash: _secret, ...client } = record;
    return client;
  }
}

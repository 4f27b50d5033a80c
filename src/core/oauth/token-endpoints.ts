import type { Clock } from '../clock.js';
import { OAuthError } from '../errors.js';
import type { KeyedHasher } from '../keyed-hash.js';
import { type AccessToken, type RequestContext, tokenStatus } from '../model.js';
import type { UnitOfWork } from '../ports.js';
import type { Principal } from '../principal.js';
import { isWellFormedToken } from '../token-format.js';
import type { ClientCredentials, ClientRegistry } from './client-registry.js';
import type { ClientTokens } from './client-tokens.js';

/** Dependencies of {@link TokenEndpoints}. */
export interface TokenEndpointsDeps {
  uow: UnitOfWork;
  hasher: KeyedHasher;
  clock: Clock;
  clientTokens: ClientTokens;
  clients: ClientRegistry;
}

/** Token revocation (RFC 7009) and introspection (RFC 7662). */
export class TokenEndpoints {
  readonly #deps: TokenEndpointsDeps;

  constructor(deps: TokenEndpointsDeps) {
    this.#deps = deps;
  }

  async #find(value: string | undefined): Promise<AccessToken | undefined> {
    if (value === undefined || !isWellFormedToken(value)) return undefined;
    return this.#deps.uow.stores.tokens.findByHash(this.#deps.hasher.hash('token-hash', value));
  }

  /**
   * RFC 7009 §2.1: revokes a token the client holds. Unknown tokens succeed (§2.2); a token issued
   * to another client is refused. Resolves only once the revocation is stored.
   * @throws OAuthError `invalid_client`, `invalid_request`, `unauthorized_client`.
   */
  async revoke(
    credentials: ClientCredentials,
    value: string | undefined,
    context: RequestContext,
  ): Promise<void> {
    const client = await this.#deps.clients.authenticate(credentials);
    if (value === undefined || value === '')
      throw new OAuthError('invalid_request', 'The token parameter is missing.');
    const token = await this.#find(value);
    if (token === undefined) return;
    if (token.clientId !== client.id) {
      throw new OAuthError('unauthorized_client', 'This token was not issued to this client.');
    }
    await this.#deps.clientTokens.revokeIssued(token.accountId, token.id, 'revoked', context);
  }

  /**
   * RFC 7662: finds the token to describe to a confidential client (tokens issued to it) or to a
   * bearer token holding `tokens:read` (tokens of its own account).
   * @returns the token when it is active and visible to the caller; `undefined` reads as inactive.
   * @throws OAuthError `invalid_client` when client authentication fails, `invalid_request` without a
   * token (RFC 7662 §2.1: `token` is required).
   */
  async introspect(
    caller: { credentials: ClientCredentials } | { principal: Principal },
    value: string | undefined,
  ): Promise<AccessToken | undefined> {
    let visible: (token: AccessToken) => boolean;
    if ('credentials' in caller) {
      const client = await this.#deps.clients.authenticate(caller.credentials);
      if (client.type !== 'confidential')
        throw new OAuthError('invalid_client', 'Only confidential clients may introspect.');
      visible = (token) => token.clientId === client.id;
    } else {
      const { accountId } = caller.principal;
      visible = (token) => token.accountId === accountId;
    }
    if (value === undefined || value === '')
      throw new OAuthError('invalid_request', 'The token parameter is missing.');
    const token = await this.#find(value);
    if (token === undefined || !visible(token) || tokenStatus(token, this.#deps.clock.now()) !== 'active')
      return undefined;
    return token;
  }
}

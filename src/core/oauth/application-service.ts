import type { AuditLog } from '../audit.js';
import type { Clock } from '../clock.js';
import { ApiError, invalidField } from '../errors.js';
import type { KeyedHasher } from '../keyed-hash.js';
import type { AccessToken, RequestContext } from '../model.js';
import type { UnitOfWork } from '../ports.js';
import { actorOf, type Principal } from '../principal.js';
import { newId, randomBase62, type Random } from '../random.js';
import { assertRecentlyAuthenticated } from '../reauthentication.js';
import type { ClientRegistry } from './client-registry.js';
import type { ClientTokens } from './client-tokens.js';
import type { OAuthClient } from './model.js';
import { hasWildcard, isLoopbackRedirectUri, isRegistrableRedirectUri } from './redirect-uri.js';

/** What a developer states when registering or editing an application. */
export interface ApplicationInput {
  name?: string;
  redirectUris?: string[];
  type?: 'public' | 'confidential';
}

/** An application together with its client secret, which exists only in this one response. */
export interface RegisteredApplication {
  client: OAuthClient;
  clientSecret: string | null;
}

/** An application the account has authorized, with the tokens it holds. */
export interface AuthorizedApp {
  client: OAuthClient;
  tokens: AccessToken[];
}

/** Dependencies of {@link ApplicationService}. */
export interface ApplicationServiceDeps {
  uow: UnitOfWork;
  hasher: KeyedHasher;
  clock: Clock;
  random: Random;
  audit: AuditLog;
  clientTokens: ClientTokens;
  clients: ClientRegistry;
}

const CONTROL = /\p{Cc}/u;

function parseName(raw: string): string {
  const name = raw.trim();
  if (name.length === 0 || [...name].length > 100 || CONTROL.test(name)) {
    throw invalidField('name', 'must be 1 to 100 characters without control characters');
  }
  return name;
}

function parseRedirectUris(uris: string[]): string[] {
  if (uris.length === 0 || uris.length > 10) throw invalidField('redirect_uris', 'must list 1 to 10 URIs');
  const wildcard = uris.find(hasWildcard);
  if (wildcard !== undefined) {
    throw invalidField(
      'redirect_uris',
      `"${wildcard.slice(0, 100)}" has a wildcard: list each redirect URI in full, it is matched exactly`,
    );
  }
  const bad = uris.find((uri) => uri.length > 2000 || !isRegistrableRedirectUri(uri));
  if (bad !== undefined) {
    throw invalidField(
      'redirect_uris',
      `"${bad.slice(0, 100)}" must be an absolute https URL, a loopback http URL or an app scheme, without a fragment`,
    );
  }
  return [...new Set(uris)];
}

/** Third-party applications registered by developers, and the apps an account has authorized. */
export class ApplicationService {
  readonly #deps: ApplicationServiceDeps;

  constructor(deps: ApplicationServiceDeps) {
    this.#deps = deps;
  }

  #newSecret(): { secret: string; hash: string } {
    const secret = `skc_${randomBase62(this.#deps.random, 40)}`;
    return { secret, hash: this.#deps.hasher.hash('client-secret', secret) };
  }

  /**
   * Registers an application; a confidential one gets a client secret, shown once.
   * @throws ApiError `validation_failed`, `reauth_required` (a console session without a recent
   * sign-in or re-authentication).
   */
  async register(
    principal: Principal,
    input: ApplicationInput,
    context: RequestContext,
  ): Promise<RegisteredApplication> {
    const name = parseName(input.name ?? '');
    const redirectUris = parseRedirectUris(input.redirectUris ?? []);
    const type = input.type ?? 'confidential';
    const now = this.#deps.clock.now();
    assertRecentlyAuthenticated(principal, now);
    const secret = type === 'confidential' ? this.#newSecret() : null;
    const client: OAuthClient = {
      id: newId('app', this.#deps.random, now),
      name,
      type,
      redirectUris,
      // A public client with loopback redirects is a native app (RFC 8252).
      isNative: type === 'public' && redirectUris.every(isLoopbackRedirectUri),
      ownerAccountId: principal.accountId,
      createdAt: now,
      updatedAt: now,
    };
    await this.#deps.uow.transaction(async (stores) => {
      await stores.oauth.insertClient({ ...client, secretHash: secret?.hash ?? null });
      await this.#deps.audit.record(stores, {
        accountId: principal.accountId,
        action: 'app.created',
        actor: actorOf(principal),
        target: { type: 'client', id: client.id },
        context,
        details: { name, type, redirect_uris: redirectUris },
      });
    });
    return { client, clientSecret: secret?.secret ?? null };
  }

  /** The account's registered applications, newest first. */
  async list(accountId: string): Promise<OAuthClient[]> {
    return this.#deps.uow.stores.oauth.listClients(accountId);
  }

  /** The account's application `id`. @throws ApiError `not_found`. */
  async get(accountId: string, id: string): Promise<OAuthClient> {
    const client = await this.#deps.clients.find(id);
    if (client === undefined || client.ownerAccountId !== accountId)
      throw new ApiError('not_found', { detail: 'No such application.' });
    return client;
  }

  /** Changes the name or redirect URIs. @throws ApiError `not_found`, `validation_failed`. */
  async update(
    principal: Principal,
    id: string,
    input: ApplicationInput,
    context: RequestContext,
  ): Promise<OAuthClient> {
    const changes = {
      ...(input.name === undefined ? {} : { name: parseName(input.name) }),
      ...(input.redirectUris === undefined ? {} : { redirectUris: parseRedirectUris(input.redirectUris) }),
      updatedAt: this.#deps.clock.now(),
    };
    await this.#deps.uow.transaction(async (stores) => {
      if (!(await stores.oauth.updateClient(principal.accountId, id, changes)))
        throw new ApiError('not_found', { detail: 'No such application.' });
      await this.#deps.audit.record(stores, {
        accountId: principal.accountId,
        action: 'app.updated',
        actor: actorOf(principal),
        target: { type: 'client', id },
        context,
        details: { name: changes.name ?? null, redirect_uris: changes.redirectUris ?? null },
      });
    });
    return this.get(principal.accountId, id);
  }

  /**
   * Replaces a confidential application's client secret; the old one stops working at once.
   * @throws ApiError `not_found`, `validation_failed` for a public client.
   */
  async rotateSecret(
    principal: Principal,
    id: string,
    context: RequestContext,
  ): Promise<RegisteredApplication> {
    const client = await this.get(principal.accountId, id);
    if (client.type !== 'confidential') throw invalidField('type', 'a public client has no secret');
    const secret = this.#newSecret();
    await this.#deps.uow.transaction(async (stores) => {
      await stores.oauth.updateClient(principal.accountId, id, {
        secretHash: secret.hash,
        updatedAt: this.#deps.clock.now(),
      });
      await this.#deps.audit.record(stores, {
        accountId: principal.accountId,
        action: 'app.secret_rotated',
        actor: actorOf(principal),
        target: { type: 'client', id },
        context,
      });
    });
    return { client, clientSecret: secret.secret };
  }

  /** Deletes an application and revokes every token issued to it. @throws ApiError `not_found`. */
  async delete(principal: Principal, id: string, context: RequestContext): Promise<void> {
    await this.#deps.uow.transaction(async (stores) => {
      if (!(await stores.oauth.deleteClient(principal.accountId, id)))
        throw new ApiError('not_found', { detail: 'No such application.' });
      await this.#deps.audit.record(stores, {
        accountId: principal.accountId,
        action: 'app.deleted',
        actor: actorOf(principal),
        target: { type: 'client', id },
        context,
      });
    });
    await this.#deps.clientTokens.revokeForClient(null, id, 'app_removed', context);
  }

  /** Applications holding active tokens of the account, with those tokens. */
  async authorizedApps(accountId: string): Promise<AuthorizedApp[]> {
    const byClient = new Map<string, AccessToken[]>();
    for (const token of await this.#deps.clientTokens.activeClientTokens(accountId)) {
      if (token.clientId === null) continue;
      byClient.set(token.clientId, [...(byClient.get(token.clientId) ?? []), token]);
    }
    const apps: AuthorizedApp[] = [];
    for (const [clientId, tokens] of byClient) {
      const client = await this.#deps.clients.find(clientId);
      if (client !== undefined) apps.push({ client, tokens });
    }
    return apps;
  }

  /** Removes an app's authorization: revokes all its tokens of the account. @returns how many. */
  async revokeAuthorization(
    principal: Principal,
    clientId: string,
    context: RequestContext,
  ): Promise<number> {
    const revoked = await this.#deps.clientTokens.revokeForClient(
      principal.accountId,
      clientId,
      'app_removed',
      context,
    );
    if (revoked === 0)
      throw new ApiError('not_found', { detail: 'This application holds no tokens of the account.' });
    await this.#deps.audit.record(this.#deps.uow.stores, {
      accountId: principal.accountId,
      action: 'oauth.authorization_revoked',
      actor: actorOf(principal),
      target: { type: 'client', id: clientId },
      context,
      details: { tokens_revoked: revoked },
    });
    return revoked;
  }
}

import type { AuditLog } from '../audit.js';
import type { Clock } from '../clock.js';
import type { AccessToken, RequestContext, RevocationReason } from '../model.js';
import type { Stores, UnitOfWork } from '../ports.js';
import { type IssuedToken, tokenEventData, type TokenLifecycle } from '../token-lifecycle.js';
import { parseTokenName, type TokenPolicy } from '../token-rules.js';

/** Dependencies of {@link ClientTokens}. */
export interface ClientTokensDeps {
  uow: UnitOfWork;
  clock: Clock;
  audit: AuditLog;
  /** Issues, revokes and evicts: every change to a token goes through it. */
  lifecycle: TokenLifecycle;
  /** The instance's limits on token lifetimes: a grant's lifetime is cut to the longest allowed. */
  policy: TokenPolicy;
}

/**
 * Access tokens held by OAuth clients: issued by a grant, revoked by the server (a reused code, a
 * removed application) or through RFC 7009. They are ordinary access tokens in every other way.
 */
export class ClientTokens {
  readonly #deps: ClientTokensDeps;

  constructor(deps: ClientTokensDeps) {
    this.#deps = deps;
  }

  /**
   * Issues a token to an OAuth client inside the caller's transaction: created via `oauth`, linked
   * to the client, named after client and device (`Skytells CLI on laptop`, made unique), living
   * `lifetimeDays` or the instance's longest lifetime, whichever is shorter: a grant is never
   * refused for the policy, only shortened.
   */
  async issueForClient(
    stores: Stores,
    spec: {
      accountId: string;
      client: { id: string; name: string };
      scopes: AccessToken['scopes'];
      deviceName: string | null;
      lifetimeDays: number;
      context: RequestContext;
    },
  ): Promise<IssuedToken> {
    const now = this.#deps.clock.now();
    const lifetimeDays = Math.min(spec.lifetimeDays, this.#deps.policy.maxLifetimeDays);
    await stores.accounts.lock(spec.accountId);
    const base = parseTokenName(
      spec.deviceName === null ? spec.client.name : `${spec.client.name} on ${spec.deviceName}`,
    );
    let name = base;
    for (let n = 2; await stores.tokens.findActiveByName(spec.accountId, name, now); n++)
      name = `${base} (${n})`;
    const issued = await this.#deps.lifecycle.issueIn(stores, {
      accountId: spec.accountId,
      name,
      scopes: spec.scopes,
      expiresAt: new Date(now.getTime() + lifetimeDays * 86_400_000),
      origin: 'oauth',
      now,
      clientId: spec.client.id,
    });
    await this.#deps.audit.record(stores, {
      accountId: spec.accountId,
      action: 'token.created',
      actor: { type: 'client', id: spec.client.id, label: spec.client.name },
      target: { type: 'token', id: issued.token.id },
      context: spec.context,
      details: { name, masked: issued.token.masked, scopes: spec.scopes, client_id: spec.client.id },
    });
    await this.#deps.lifecycle.publishIn(
      stores,
      spec.accountId,
      'token.created',
      tokenEventData(issued.token),
    );
    return issued;
  }

  /**
   * Revokes the account's token `tokenId` on the server's own initiative (a reused authorization
   * code, a removed application). Does nothing for a token already revoked.
   */
  async revokeIssued(
    accountId: string,
    tokenId: string,
    reason: RevocationReason,
    context: RequestContext,
  ): Promise<void> {
    await this.#deps.lifecycle.change(async (changes) => {
      const token = await changes.stores.tokens.findById(accountId, tokenId);
      if (token !== undefined)
        await changes.revoke(token, { reason, actor: { type: 'system', id: null }, context });
    });
  }

  /**
   * Revokes every active token the client holds, for one account or (with `accountId` null) for all.
   * @returns how many were revoked.
   */
  async revokeForClient(
    accountId: string | null,
    clientId: string,
    reason: RevocationReason,
    context: RequestContext,
  ): Promise<number> {
    const tokens = await this.#deps.uow.stores.tokens.findActiveByClient(
      accountId,
      clientId,
      this.#deps.clock.now(),
    );
    for (const token of tokens) await this.revokeIssued(token.accountId, token.id, reason, context);
    return tokens.length;
  }

  /** The account's active tokens held by OAuth clients. */
  async activeClientTokens(accountId: string): Promise<AccessToken[]> {
    const tokens = await this.#deps.uow.stores.tokens.findActiveByClient(
      accountId,
      null,
      this.#deps.clock.now(),
    );
    return tokens.map((token) => this.#deps.lifecycle.present(token));
  }
}

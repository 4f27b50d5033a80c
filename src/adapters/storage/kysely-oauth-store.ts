import type { Kysely, Selectable } from 'kysely';
import type {
  AuthorizationCode,
  DeviceAuthorization,
  DeviceStatus,
  OAuthClient,
  OAuthClientRecord,
} from '../../core/oauth/model.js';
import type { OAuthStore } from '../../core/oauth/oauth-store.js';
import type { Scope } from '../../core/scopes.js';
import {
  type OAuthClientsTable,
  type OAuthDeviceCodesTable,
  type Schema,
  toDate,
  toDateOrNull,
} from './schema.js';

function toClient(row: Selectable<OAuthClientsTable>): OAuthClientRecord {
  return {
    id: row.id,
    name: row.name,
    type: row.type as OAuthClient['type'],
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    isNative: row.is_native === 1,
    ownerAccountId: row.account_id,
    secretHash: row.secret_hash,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

function toDevice(row: Selectable<OAuthDeviceCodesTable>): DeviceAuthorization {
  return {
    id: row.id,
    clientId: row.client_id,
    userCode: row.user_code,
    scopes: JSON.parse(row.scopes) as Scope[],
    deviceName: row.device_name,
    status: row.status as DeviceStatus,
    accountId: row.account_id,
    grantedScopes: row.granted_scopes === null ? null : (JSON.parse(row.granted_scopes) as Scope[]),
    createdAt: toDate(row.created_at),
    expiresAt: toDate(row.expires_at),
    interval: row.interval_seconds,
    lastPolledAt: toDateOrNull(row.last_polled_at),
  };
}

/** {@link OAuthStore} on Kysely. */
export class KyselyOAuthStore implements OAuthStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async insertClient(client: OAuthClientRecord): Promise<void> {
    await this.db
      .insertInto('oauth_clients')
      .values({
        id: client.id,
        account_id: client.ownerAccountId ?? '',
        name: client.name,
        type: client.type,
        redirect_uris: JSON.stringify(client.redirectUris),
        is_native: client.isNative ? 1 : 0,
        secret_hash: client.secretHash,
        created_at: client.createdAt.toISOString(),
        updated_at: client.updatedAt.toISOString(),
      })
      .execute();
  }

  async findClient(id: string): Promise<OAuthClientRecord | undefined> {
    const row = await this.db.selectFrom('oauth_clients').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toClient(row);
  }

  async listClients(ownerAccountId: string): Promise<OAuthClient[]> {
    const rows = await this.db
      .selectFrom('oauth_clients')
      .selectAll()
      .where('account_id', '=', ownerAccountId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map((row) => {
      const { secretHash: _secret, ...client } = toClient(row);
      return client;
    });
  }

  async updateClient(
    ownerAccountId: string,
    id: string,
    changes: { name?: string; redirectUris?: string[]; secretHash?: string | null; updatedAt: Date },
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('oauth_clients')
      .set({
        updated_at: changes.updatedAt.toISOString(),
        ...(changes.name === undefined ? {} : { name: changes.name }),
        ...(changes.redirectUris === undefined
          ? {}
          : { redirect_uris: JSON.stringify(changes.redirectUris) }),
        ...(changes.secretHash === undefined ? {} : { secret_hash: changes.secretHash }),
      })
      .where('id', '=', id)
      .where('account_id', '=', ownerAccountId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async deleteClient(ownerAccountId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('oauth_clients')
      .where('id', '=', id)
      .where('account_id', '=', ownerAccountId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async insertCode(codeHash: string, code: AuthorizationCode): Promise<void> {
    await this.db
      .insertInto('oauth_codes')
      .values({
        code_hash: codeHash,
        client_id: code.clientId,
        account_id: code.accountId,
        redirect_uri: code.redirectUri,
        scopes: JSON.stringify(code.scopes),
        code_challenge: code.codeChallenge,
        device_name: code.deviceName,
        created_at: code.createdAt.toISOString(),
        expires_at: code.expiresAt.toISOString(),
        redeemed_at: null,
        token_id: null,
      })
      .execute();
  }

  async findCode(codeHash: string): Promise<AuthorizationCode | undefined> {
    const row = await this.db
      .selectFrom('oauth_codes')
      .selectAll()
      .where('code_hash', '=', codeHash)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    return {
      clientId: row.client_id,
      accountId: row.account_id,
      redirectUri: row.redirect_uri,
      scopes: JSON.parse(row.scopes) as Scope[],
      codeChallenge: row.code_challenge,
      deviceName: row.device_name,
      createdAt: toDate(row.created_at),
      expiresAt: toDate(row.expires_at),
      redeemedAt: toDateOrNull(row.redeemed_at),
      tokenId: row.token_id,
    };
  }

  async redeemCode(codeHash: string, at: Date): Promise<boolean> {
    const iso = at.toISOString();
    const result = await this.db
      .updateTable('oauth_codes')
      .set({ redeemed_at: iso })
      .where('code_hash', '=', codeHash)
      .where('redeemed_at', 'is', null)
      .where('expires_at', '>', iso)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async setCodeToken(codeHash: string, tokenId: string): Promise<void> {
    await this.db
      .updateTable('oauth_codes')
      .set({ token_id: tokenId })
      .where('code_hash', '=', codeHash)
      .execute();
  }

  async insertDevice(deviceCodeHash: string, device: DeviceAuthorization): Promise<void> {
    await this.db
      .insertInto('oauth_device_codes')
      .values({
        id: device.id,
        device_code_hash: deviceCodeHash,
        client_id: device.clientId,
        user_code: device.userCode,
        scopes: JSON.stringify(device.scopes),
        device_name: device.deviceName,
        status: device.status,
        account_id: device.accountId,
        granted_scopes: device.grantedScopes === null ? null : JSON.stringify(device.grantedScopes),
        created_at: device.createdAt.toISOString(),
        expires_at: device.expiresAt.toISOString(),
        interval_seconds: device.interval,
        last_polled_at: null,
        wrong_user_codes: 0,
      })
      .execute();
  }

  async findDeviceByCode(deviceCodeHash: string): Promise<DeviceAuthorization | undefined> {
    const row = await this.db
      .selectFrom('oauth_device_codes')
      .selectAll()
      .where('device_code_hash', '=', deviceCodeHash)
      .executeTakeFirst();
    return row === undefined ? undefined : toDevice(row);
  }

  async findPendingDevice(userCode: string, now: Date): Promise<DeviceAuthorization | undefined> {
    const row = await this.db
      .selectFrom('oauth_device_codes')
      .selectAll()
      .where('user_code', '=', userCode)
      .where('status', '=', 'pending')
      .where('expires_at', '>', now.toISOString())
      .executeTakeFirst();
    return row === undefined ? undefined : toDevice(row);
  }

  async decideDevice(
    id: string,
    decision: { status: 'approved' | 'denied'; accountId: string; grantedScopes: string[] | null },
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('oauth_device_codes')
      .set({
        status: decision.status,
        account_id: decision.accountId,
        granted_scopes: decision.grantedScopes === null ? null : JSON.stringify(decision.grantedScopes),
      })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async recordWrongUserCode(id: string, attempt: { at: Date; limit: number }): Promise<number> {
    const at = attempt.at.toISOString();
    // Both dialects read the old value of a column on the right of SET.
    const row = await this.db
      .updateTable('oauth_device_codes')
      .set((eb) => ({
        wrong_user_codes: eb('wrong_user_codes', '+', 1),
        expires_at: eb
          .case()
          .when(eb('wrong_user_codes', '+', 1), '>=', attempt.limit)
          .then(at)
          .else(eb.ref('expires_at'))
          .end(),
      }))
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('expires_at', '>', at)
      .returning('wrong_user_codes')
      .executeTakeFirst();
    return row?.wrong_user_codes ?? 0;
  }

  async touchDevice(id: string, at: Date, interval: number): Promise<void> {
    await this.db
      .updateTable('oauth_device_codes')
      .set({ last_polled_at: at.toISOString(), interval_seconds: interval })
      .where('id', '=', id)
      .execute();
  }

  async redeemDevice(id: string): Promise<boolean> {
    const result = await this.db
      .updateTable('oauth_device_codes')
      .set({ status: 'redeemed' })
      .where('id', '=', id)
      .where('status', '=', 'approved')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
}

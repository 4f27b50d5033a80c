import type { AuthorizationCode, DeviceAuthorization, OAuthClient, OAuthClientRecord } from './model.js';

/** Registered OAuth clients, authorization codes and device authorizations. */
export interface OAuthStore {
  /** Stores a new client. */
  insertClient(client: OAuthClientRecord): Promise<void>;
  /** The registered client `id`, if any. */
  findClient(id: string): Promise<OAuthClientRecord | undefined>;
  /** Clients registered by `ownerAccountId`, newest first. */
  listClients(ownerAccountId: string): Promise<OAuthClient[]>;
  /**
   * Changes a client of `ownerAccountId`.
   * @returns whether it existed.
   */
  updateClient(
    ownerAccountId: string,
    id: string,
    changes: { name?: string; redirectUris?: string[]; secretHash?: string | null; updatedAt: Date },
  ): Promise<boolean>;
  /** Deletes a client of `ownerAccountId`. @returns whether it existed. */
  deleteClient(ownerAccountId: string, id: string): Promise<boolean>;

  /** Stores an authorization code under the keyed hash of its value. */
  insertCode(codeHash: string, code: AuthorizationCode): Promise<void>;
  /** The code whose value hashes to `codeHash`, if any. */
  findCode(codeHash: string): Promise<AuthorizationCode | undefined>;
  /**
   * Marks the code redeemed, only if it is unredeemed and unexpired at `at`: the single conditional
   * update that makes a code single-use under concurrency.
   * @returns whether this call redeemed it.
   */
  redeemCode(codeHash: string, at: Date): Promise<boolean>;
  /** Records the token a redemption issued. */
  setCodeToken(codeHash: string, tokenId: string): Promise<void>;

  /** Stores a device authorization under the keyed hash of its device code. */
  insertDevice(deviceCodeHash: string, device: DeviceAuthorization): Promise<void>;
  /** The device authorization whose device code hashes to `deviceCodeHash`, if any. */
  findDeviceByCode(deviceCodeHash: string): Promise<DeviceAuthorization | undefined>;
  /** The pending, unexpired device authorization with this normalised user code, if any. */
  findPendingDevice(userCode: string, now: Date): Promise<DeviceAuthorization | undefined>;
  /**
   * Records the user's decision, only while the request is pending.
   * @returns whether this call decided it.
   */
  decideDevice(
    id: string,
    decision: { status: 'approved' | 'denied'; accountId: string; grantedScopes: string[] | null },
  ): Promise<boolean>;
  /**
   * Counts one wrong user code entered against the pending, unexpired request `id` at `at`. The count
   * that reaches `limit` expires the request at `at`: its user code stops working and the device's
   * polling gets `expired_token` (RFC 8628 §5.1). One conditional update, safe under concurrency.
   * @returns the wrong codes counted against the request so far; 0 when no such request is pending.
   */
  recordWrongUserCode(id: string, attempt: { at: Date; limit: number }): Promise<number>;
  /** Records a poll, for `slow_down` (RFC 8628 §3.5). */
  touchDevice(id: string, at: Date, interval: number): Promise<void>;
  /**
   * Marks an approved request redeemed, only once.
   * @returns whether this call redeemed it.
   */
  redeemDevice(id: string): Promise<boolean>;
}

import { CLI_CLIENT_ID } from '@skytells/contract';
import type { Scope } from '../scopes.js';

/** A registered OAuth client (RFC 6749 §2). */
export interface OAuthClient {
  /** `client_id`: `app_…` for registered applications, `skytells-cli` for the built-in CLI. */
  id: string;
  name: string;
  /** RFC 6749 §2.1: confidential clients authenticate with a secret; public ones cannot keep one. */
  type: 'public' | 'confidential';
  redirectUris: string[];
  /** A native app (RFC 8252): loopback redirects may use any port. */
  isNative: boolean;
  /** The developer account that registered it; `null` for built-in clients. */
  ownerAccountId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A client as stored, with the keyed hash of its secret. */
export interface OAuthClientRecord extends OAuthClient {
  secretHash: string | null;
}

/** An issued authorization code (RFC 6749 §4.1.2), stored by its keyed hash. */
export interface AuthorizationCode {
  clientId: string;
  accountId: string;
  redirectUri: string;
  scopes: Scope[];
  /** S256 code challenge (RFC 7636); `null` only for confidential clients that sent none. */
  codeChallenge: string | null;
  deviceName: string | null;
  createdAt: Date;
  expiresAt: Date;
  /** Set by the one redemption that succeeds. */
  redeemedAt: Date | null;
  /** The access token the redemption issued, revoked if the code is ever presented again. */
  tokenId: string | null;
}

/** The state of a device authorization (RFC 8628). */
export type DeviceStatus = 'pending' | 'approved' | 'denied' | 'redeemed';

/** A device authorization request, stored by the keyed hash of its device code. */
export interface DeviceAuthorization {
  /** Stable id, for the approval page. */
  id: string;
  clientId: string;
  /** Normalised user code: 8 characters of an unambiguous alphabet, without the dash. */
  userCode: string;
  scopes: Scope[];
  deviceName: string | null;
  status: DeviceStatus;
  /** The approving account, once approved. */
  accountId: string | null;
  /** Scopes the user granted, possibly fewer than requested. */
  grantedScopes: Scope[] | null;
  createdAt: Date;
  expiresAt: Date;
  /** Minimum seconds between polls (RFC 8628 §3.5). */
  interval: number;
  lastPolledAt: Date | null;
}

/** The built-in public client used by the `skytells` CLI. */
export const CLI_CLIENT: OAuthClient = {
  id: CLI_CLIENT_ID,
  name: 'Skytells CLI',
  type: 'public',
  redirectUris: ['http://127.0.0.1/callback', 'http://[::1]/callback'],
  isNative: true,
  ownerAccountId: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
};

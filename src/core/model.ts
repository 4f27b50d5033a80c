import type { AuditAction } from '@skytells/contract';
import type { Scope } from './scopes.js';

/** A person's account: the owner of tokens and resources. */
export interface Account {
  id: string;
  email: string;
  name: string;
  createdAt: Date;
}

/** An account with its password hash, as the store holds it; never leaves core. */
export interface AccountRecord extends Account {
  passwordHash: string;
}

/** How a token came to be. */
export type TokenOrigin = 'console' | 'api' | 'oauth' | 'workload';

/** Why a token was revoked. */
export type RevocationReason = 'revoked' | 'rotated' | 'replaced' | 'leaked' | 'code_reused' | 'app_removed';

/** A stored access token. Only the keyed hash of its value is ever kept. */
export interface AccessToken {
  id: string;
  accountId: string;
  name: string;
  /** `skt_abcd…wxyz`: enough to recognise, useless to an attacker. */
  masked: string;
  scopes: Scope[];
  createdAt: Date;
  /** `null` for a token created with `expires: "never"`. */
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  lastUsedUserAgent: string | null;
  /** The instant the token stops working; may lie ahead when revocation was scheduled on rotation. */
  revokedAt: Date | null;
  revokedReason: RevocationReason | null;
  createdVia: TokenOrigin;
  clientId: string | null;
  /** The trusted workload whose token exchange issued it (docs/workloads.md). */
  workloadId: string | null;
  replaces: string | null;
  replacedBy: string | null;
  /** Set on a token rotated with "revoke on first use": the replacement whose first use revokes it. */
  revokeOnFirstUseOf: string | null;
  /** Where, how often and on what the token may act (docs/tokens.md, "Restrictions"); null: unrestricted. */
  restrictions: TokenRestrictions | null;
}

/** A token's restrictions; each null part restricts nothing. */
export interface TokenRestrictions {
  /** IPv4/IPv6 addresses or CIDRs, as given. */
  allowedIps: string[] | null;
  /** At most `requests` per `perSeconds`, across every process. */
  rateLimit: { requests: number; perSeconds: number } | null;
  /** Project ids the token may see and act on. */
  projects: string[] | null;
}

/** The lifecycle state of a token at a given instant. */
export type TokenStatus = 'active' | 'expired' | 'revoked';

/** The status of `token` at `now`: revoked wins over expired. */
export function tokenStatus(token: Pick<AccessToken, 'revokedAt' | 'expiresAt'>, now: Date): TokenStatus {
  if (token.revokedAt !== null && token.revokedAt.getTime() <= now.getTime()) return 'revoked';
  if (token.expiresAt !== null && token.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

/** Why an API key was revoked: by its owner, by a roll without grace, or reported as leaked. */
export type ApiKeyRevocationReason = 'revoked' | 'rolled' | 'leaked';

/**
 * A stored legacy API key (`sk_live_…`, docs/api-keys.md). Only the keyed hash of its value is ever
 * kept. It holds no scopes: it calls model inference alone.
 */
export interface ApiKey {
  id: string;
  accountId: string;
  name: string;
  /** `sk_live_abcd…wxyz`. */
  masked: string;
  createdAt: Date;
  /** Set when the key was rolled with a grace period: it stops then. */
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  revokedAt: Date | null;
  revokedReason: ApiKeyRevocationReason | null;
  replaces: string | null;
  replacedBy: string | null;
}

/** A signed-in browser session. */
export interface Session {
  id: string;
  accountId: string;
  createdAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
  revokedAt: Date | null;
  /** The last request seen, written at most about once a minute; null until the first after sign-in. */
  lastSeenAt: Date | null;
  /** When the owner last confirmed their password or a code in this session (docs/api.md). */
  reauthenticatedAt: Date | null;
}

/** An authenticator-app factor (RFC 6238) of an account, pending until confirmed with a code. */
export interface TotpFactor {
  accountId: string;
  /** The shared secret, sealed (`SecretBox`) for the account id; never stored in plain. */
  sealedSecret: string;
  createdAt: Date;
  /** `null` while the enrolment waits for its first code; the factor counts only once confirmed. */
  confirmedAt: Date | null;
  /** The latest time step whose code was accepted: no code of it or before is accepted again. */
  lastUsedStep: number | null;
}

/** A passkey: a WebAuthn public-key credential registered as a second factor (docs/api.md). */
export interface Passkey {
  id: string;
  accountId: string;
  /** The credential ID the authenticator chose, base64url (WebAuthn §4, "Credential ID"). */
  credentialId: string;
  /** The credential public key, COSE_Key format (WebAuthn §6.5.1.1). */
  publicKey: Uint8Array;
  /** The latest signature counter accepted (WebAuthn §6.1.1); 0 when the authenticator keeps none. */
  signCount: number;
  /** How the client may reach the authenticator (`usb`, `internal`, ...), as it reported them. */
  transports: string[];
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** What a WebAuthn challenge was issued for, and to whom: it is accepted for that alone, once. */
export interface WebAuthnChallengeBinding {
  purpose: 'registration' | 'authentication';
  accountId: string;
  /** For registration: the console session that asked for the options. */
  sessionId: string | null;
}

/** An issued WebAuthn challenge, kept as a keyed hash until it is used or expires. */
export interface WebAuthnChallenge extends WebAuthnChallengeBinding {
  challengeHash: string;
  createdAt: Date;
  expiresAt: Date;
}

/** Who performed an audited action. */
export interface Actor {
  type: 'session' | 'token' | 'api_key' | 'account' | 'client' | 'workload' | 'anonymous' | 'system';
  /** Session, token or API key id; for a token or key also its masked value in `label`. */
  id: string | null;
  label?: string;
}

/** One entry of the audit log. */
export interface AuditEvent {
  id: string;
  /** `null` for events that belong to no account, e.g. an unknown token. */
  accountId: string | null;
  at: Date;
  action: AuditAction;
  actor: Actor;
  target: { type: string; id: string } | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown>;
}

export type { AuditAction };

/** A small resource the `projects:*` scopes protect. */
export interface Project {
  id: string;
  accountId: string;
  name: string;
  createdAt: Date;
}

/** A deployment of a project, protected by the `deployments:*` scopes. */
export interface Deployment {
  id: string;
  accountId: string;
  projectId: string;
  environment: string;
  ref: string | null;
  status: 'queued' | 'ready';
  createdAt: Date;
}

/** Where a request came from, for audit and last-used data. */
export interface RequestContext {
  ip: string | null;
  userAgent: string | null;
}

/** One page of a newest-first listing. */
export interface Page<T> {
  items: T[];
  /** Opaque cursor of the next page, `null` on the last. */
  nextCursor: string | null;
}

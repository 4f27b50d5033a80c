import type { OAuthStore } from './oauth/oauth-store.js';
import type { KeyEncryptionKeyStore, ProviderKeyStore } from './providers/provider-key-store.js';
import type { WebhookStore } from './webhooks/webhook-store.js';
import type { WorkloadStore } from './workloads/workload-store.js';
import type {
  AccessToken,
  ApiKey,
  ApiKeyRevocationReason,
  AccountRecord,
  AuditAction,
  AuditEvent,
  Deployment,
  Project,
  RevocationReason,
  Session,
  TokenStatus,
  TotpFactor,
  WebAuthnChallenge,
  WebAuthnChallengeBinding,
  Passkey,
} from './model.js';

/** Position in a newest-first listing: the last item of the previous page. */
export interface PageKey {
  createdAt: Date;
  id: string;
}

/** Options of a newest-first, keyset-paged listing. */
export interface ListOptions {
  /** Items strictly older than this key. */
  after?: PageKey;
  /** At most this many items. */
  limit: number;
}

/** Accounts and their credentials. */
export interface AccountStore {
  /** Stores a new account. @throws {@link DuplicateError} when the email is taken. */
  insert(account: AccountRecord): Promise<void>;
  /** The account with this (lower-cased) email, if any. */
  findByEmail(email: string): Promise<AccountRecord | undefined>;
  /** The account with this id, if any. */
  findById(id: string): Promise<AccountRecord | undefined>;
  /** Replaces the account's password hash. */
  updatePasswordHash(id: string, passwordHash: string): Promise<void>;
  /**
   * Serialises writers on one account until the enclosing transaction ends, so that checks such
   * as "name unique among active tokens" hold under concurrency. A no-op where the database
   * already serialises transactions.
   */
  lock(id: string): Promise<void>;
}

/** One batched "last used" observation of a token. */
export interface LastUse {
  tokenId: string;
  at: Date;
  ip: string | null;
  userAgent: string | null;
}

/**
 * Requests one token made on one UTC day, under one scope, from one address: the unit in which
 * token usage is counted, batched and stored.
 */
export interface TokenUsageCount {
  tokenId: string;
  /** The UTC day, `YYYY-MM-DD`. */
  day: string;
  /** The scope the requests exercised (the route's required scope); null for routes that need none. */
  scope: string | null;
  ip: string;
  requests: number;
  /** The latest of those requests. */
  lastAt: Date;
}

/** Token usage counters, added to by batches from every process (docs/tokens.md, "Usage"). */
export interface TokenUsageStore {
  /**
   * Adds each count to its counter (token, day, scope, address): requests add up, the latest `lastAt`
   * wins. Counts of a token deleted since are dropped.
   */
  add(counts: readonly TokenUsageCount[]): Promise<void>;
  /** Every counter of `tokenId` from the UTC day `sinceDay` (`YYYY-MM-DD`) on. */
  list(tokenId: string, sinceDay: string): Promise<TokenUsageCount[]>;
}

/** The two kinds of credential a program presents: an access token (`skt_`) or an API key (`sk_live_`). */
export type CredentialKind = 'token' | 'api_key';

/**
 * One "last used" observation of a credential of either kind, as the verifier records it; each
 * kind's store receives its own.
 */
export interface CredentialUse {
  kind: CredentialKind;
  /** The token's or the API key's id. */
  id: string;
  at: Date;
  ip: string | null;
  userAgent: string | null;
}

/** One batched "last used" observation of an API key. */
export interface ApiKeyUse {
  keyId: string;
  at: Date;
  ip: string | null;
}

/** Legacy API keys, looked up by the keyed hash of their value. */
export interface ApiKeyStore {
  /** Stores a new key under `keyHash`. @throws {@link DuplicateError} when the hash is taken. */
  insert(key: ApiKey, keyHash: string): Promise<void>;
  /** The key whose value hashes to `keyHash`, if any, whatever its state. The verification hot path. */
  findByHash(keyHash: string): Promise<ApiKey | undefined>;
  /** The account's key with this id, if any; another account's id reads as absent. */
  findById(accountId: string, id: string): Promise<ApiKey | undefined>;
  /** The account's keys with `status` at `now`, newest first. */
  list(
    accountId: string,
    filter: { status: TokenStatus | 'all'; now: Date },
    page: ListOptions,
  ): Promise<ApiKey[]>;
  /**
   * Revokes the key as of `at`, unless it is already revoked.
   * @returns whether the row changed.
   */
  revoke(id: string, at: Date, reason: ApiKeyRevocationReason): Promise<boolean>;
  /** Links a key to the one that replaces it and sets when the old one stops (`null`: unchanged). */
  setReplacedBy(id: string, replacedBy: string, expiresAt: Date | null): Promise<void>;
  /** Writes batched last-used data; a later observation never goes back in time. */
  recordLastUse(uses: readonly ApiKeyUse[]): Promise<void>;
}

/** Access tokens, looked up by the keyed hash of their value. */
export interface TokenStore {
  /** Stores a new token under `tokenHash`. */
  insert(token: AccessToken, tokenHash: string): Promise<void>;
  /** The token whose value hashes to `tokenHash`, if any. The verification hot path. */
  findByHash(tokenHash: string): Promise<AccessToken | undefined>;
  /** The account's token with this id, if any; another account's id reads as absent. */
  findById(accountId: string, id: string): Promise<AccessToken | undefined>;
  /** The account's tokens with `status` at `now`, newest first. */
  list(
    accountId: string,
    filter: { status: TokenStatus | 'all'; now: Date },
    page: ListOptions,
  ): Promise<AccessToken[]>;
  /** The account's token named `name` that is active at `now`, if any. */
  findActiveByName(accountId: string, name: string, now: Date): Promise<AccessToken | undefined>;
  /**
   * Revokes the token as of `at`, unless it is already revoked at or before `at`.
   * @returns whether the row changed.
   */
  revoke(id: string, at: Date, reason: RevocationReason): Promise<boolean>;
  /**
   * Active tokens at `now` held by OAuth clients: of one client (or any, with `clientId` null), for
   * one account (or all, with `accountId` null).
   */
  findActiveByClient(accountId: string | null, clientId: string | null, now: Date): Promise<AccessToken[]>;
  /**
   * Links a token to the one that replaces it; with `revokeOnFirstUse`, also marks it to be revoked
   * at the replacement's first use (`revokeOnFirstUseOf`).
   */
  setReplacedBy(id: string, replacedBy: string, revokeOnFirstUse?: boolean): Promise<void>;
  /** Writes batched last-used data; a later observation never goes back in time. */
  recordLastUse(uses: readonly LastUse[]): Promise<void>;
}

/** Browser sessions, looked up by the keyed hash of their cookie secret. */
export interface SessionStore {
  /** Stores a new session under the keyed hash of its cookie secret. */
  insert(session: Session, secretHash: string): Promise<void>;
  /** The session whose cookie secret hashes to `secretHash`, if any, whatever its state. */
  findBySecretHash(secretHash: string): Promise<Session | undefined>;
  /** Ends the session as of `at`. */
  revoke(id: string, at: Date): Promise<void>;
  /**
   * The account's sessions that are neither revoked nor expired at `now` and were last seen (or,
   * never seen, created) after `idleSince`, most recently seen first.
   */
  listActive(accountId: string, filter: { now: Date; idleSince: Date }): Promise<Session[]>;
  /**
   * Ends, as of `now`, every session of the account that {@link listActive} would list, except `exceptId`.
   * @returns the ids of the sessions it ended.
   */
  revokeAllExcept(
    accountId: string,
    exceptId: string,
    filter: { now: Date; idleSince: Date },
  ): Promise<string[]>;
  /** Records that the session was seen at `at`; never moves `lastSeenAt` back. */
  touch(id: string, at: Date): Promise<void>;
  /** Whether the account has any earlier session, and any from `ip`, whatever their state. */
  signInHistory(accountId: string, ip: string): Promise<{ hasAny: boolean; hasFromIp: boolean }>;
  /** Records that the owner re-authenticated in the session at `at`. */
  markReauthenticated(id: string, at: Date): Promise<void>;
}

/** Second factors: the authenticator-app secret and the recovery codes' keyed hashes. */
export interface TwoFactorStore {
  /** The account's authenticator-app factor, confirmed or pending, if any. */
  findTotp(accountId: string): Promise<TotpFactor | undefined>;
  /**
   * Stores a pending enrolment, replacing a pending one.
   * @throws {@link DuplicateError} when the account has a confirmed factor.
   */
  putPendingTotp(factor: TotpFactor): Promise<void>;
  /**
   * Confirms the pending factor, accepting time step `step`.
   * @returns false when no enrolment was pending.
   */
  confirmTotp(accountId: string, at: Date, step: number): Promise<boolean>;
  /**
   * Accepts time step `step` of the confirmed factor, if it is later than every step accepted
   * before; in one statement, so two requests cannot both use one code.
   * @returns whether the step was accepted.
   */
  useTotpStep(accountId: string, step: number): Promise<boolean>;
  /** Removes the account's authenticator-app factor, confirmed or pending. */
  deleteTotp(accountId: string): Promise<void>;
  /** Replaces every recovery code of the account with `codeHashes`. */
  replaceRecoveryCodes(accountId: string, codeHashes: readonly string[], at: Date): Promise<void>;
  /**
   * Marks the unused recovery code `codeHash` used at `at`, in one statement.
   * @returns whether such an unused code existed.
   */
  useRecoveryCode(accountId: string, codeHash: string, at: Date): Promise<boolean>;
  /** How many of the account's recovery codes are unused. */
  countUnusedRecoveryCodes(accountId: string): Promise<number>;
  /** Removes every recovery code of the account. */
  deleteRecoveryCodes(accountId: string): Promise<void>;
}

/** One account e-mail as the outbox holds it. */
export interface OutboxMail {
  id: string;
  /** The account it concerns; `null` for none. */
  accountId: string | null;
  /** What caused it, e.g. `new_sign_in`; for operators and tests. */
  kind: string;
  recipient: string;
  subject: string;
  text: string;
  html: string;
  createdAt: Date;
}

/** A message one delivery run claimed: nobody else sends it until the lease ends. */
export interface ClaimedMail extends OutboxMail {
  /** Tries so far, this one included. */
  attempts: number;
  /** Identifies this claim: only its holder can mark the message. */
  claimId: string;
}

/**
 * The account e-mail outbox. A message is enqueued through the stores of the transaction that makes
 * the change it reports, so that both commit or neither does; delivery claims messages with a lease,
 * so that several processes sharing the database never send one twice.
 */
export interface MailOutboxStore {
  /** Adds a message, due at once. */
  enqueue(mail: OutboxMail): Promise<void>;
  /**
   * Claims up to `limit` unsent messages due at `now`, oldest due first, for `claimId` until
   * `leaseUntil`; messages another claim holds are skipped, not waited for.
   */
  claim(options: { now: Date; leaseUntil: Date; claimId: string; limit: number }): Promise<ClaimedMail[]>;
  /** Marks a claimed message sent. @returns false when the claim was lost (its lease ended). */
  markSent(id: string, claimId: string, at: Date): Promise<boolean>;
  /**
   * Releases a claimed message after a failed try: due again at `retryAt`, or given up when
   * `retryAt` is null.
   */
  markFailed(
    id: string,
    claimId: string,
    failure: { at: Date; error: string; retryAt: Date | null },
  ): Promise<void>;
}

/** Passkeys and the WebAuthn challenges issued for them. */
export interface PasskeyStore {
  /** The account's passkeys, oldest first. */
  listByAccount(accountId: string): Promise<Passkey[]>;
  /** How many passkeys the account has. */
  countByAccount(accountId: string): Promise<number>;
  /** The account's passkey with credential ID `credentialId`, if any. */
  findByCredentialId(accountId: string, credentialId: string): Promise<Passkey | undefined>;
  /**
   * Stores a new passkey.
   * @throws {@link DuplicateError} when its credential ID is registered already.
   */
  insert(passkey: Passkey): Promise<void>;
  /**
   * Records a verified use: the signature counter becomes `signCount` only if it moves forward (or
   * both are 0, an authenticator without a counter), in one statement, so two requests cannot both
   * use one count.
   * @returns whether the counter was accepted.
   */
  recordUse(id: string, signCount: number, at: Date): Promise<boolean>;
  /** Removes the account's passkey `id`. @returns whether it existed. */
  delete(accountId: string, id: string): Promise<boolean>;
  /** Removes every passkey of the account. */
  deleteAll(accountId: string): Promise<void>;
  /** Stores an issued challenge, and forgets the challenges that expired before its creation. */
  putChallenge(challenge: WebAuthnChallenge): Promise<void>;
  /**
   * Spends the challenge `challengeHash` if it was issued for `binding` and has not expired at
   * `now`, in one statement: a challenge is accepted once.
   * @returns whether such a challenge existed.
   */
  consumeChallenge(challengeHash: string, binding: WebAuthnChallengeBinding, now: Date): Promise<boolean>;
}

/** The append-only audit log. */
export interface AuditStore {
  /** Adds an event; events are never changed or removed. */
  append(event: AuditEvent): Promise<void>;
  /** The account's events, newest first, optionally of one action. */
  list(accountId: string, filter: { action?: AuditAction }, page: ListOptions): Promise<AuditEvent[]>;
}

/** Projects and their deployments. */
export interface ProjectStore {
  /** Stores a new project. */
  insertProject(project: Project): Promise<void>;
  /** The account's project `id`, if any; another account's id reads as absent. */
  findProject(accountId: string, id: string): Promise<Project | undefined>;
  /** The account's projects, newest first; with `only`, those of its ids alone (never empty). */
  listProjects(accountId: string, page: ListOptions, only?: readonly string[]): Promise<Project[]>;
  /** Deletes the project and its deployments. @returns whether it existed. */
  deleteProject(accountId: string, id: string): Promise<boolean>;
  /** Stores a new deployment of an existing project. */
  insertDeployment(deployment: Deployment): Promise<void>;
  /** The project's deployments, newest first. */
  listDeployments(accountId: string, projectId: string, page: ListOptions): Promise<Deployment[]>;
  /** Counts of the account's projects and deployments, for billing. */
  usage(accountId: string): Promise<{ projects: number; deployments: number }>;
}

/**
 * Tells every process sharing the database that tokens or API keys were revoked or replaced, so that
 * each evicts them from its verification cache (ids carry their kind's prefix, `tok_` or `key_`). Bound, like the stores, to one connection or transaction: inside a
 * transaction the announcement is delivered when it commits, and never if it rolls back.
 */
export interface TokenInvalidations {
  /**
   * Announces that the tokens or API keys `tokenIds` changed. A no-op where one process owns the database and
   * evicts its own cache.
   */
  publish(tokenIds: readonly string[]): Promise<void>;
}

/** A point before a token's expiry that its owner is warned of once (docs/tokens.md, "Expiry warnings"). */
export type ExpiryThreshold = '7d' | '1d' | 'expired';

/** Which expiry warnings went out: one row per token and threshold. */
export interface ExpiryWarningStore {
  /**
   * Takes the expiry scheduler's lock until the enclosing transaction ends, unless another
   * transaction holds it; never waits. Always taken where one process owns the database.
   * @returns whether this transaction holds the lock.
   */
  tryLock(): Promise<boolean>;
  /**
   * Tokens owed the `threshold` warning: never revoked (nor scheduled to be) nor rotated, made in the
   * console or through the API, expiring after `after` and at or before `until`, not yet warned of `threshold`;
   * soonest expiry first.
   */
  findDue(
    threshold: ExpiryThreshold,
    window: { after: Date; until: Date; limit: number },
  ): Promise<AccessToken[]>;
  /**
   * Records that the token was warned of `threshold` at `at`, unless it already was.
   * @returns false when it already was: the warning must not go out again.
   */
  record(tokenId: string, threshold: ExpiryThreshold, at: Date): Promise<boolean>;
}

/** Every store, bound to one connection or transaction. */
export interface Stores {
  oauth: OAuthStore;
  accounts: AccountStore;
  tokens: TokenStore;
  apiKeys: ApiKeyStore;
  sessions: SessionStore;
  twoFactor: TwoFactorStore;
  outbox: MailOutboxStore;
  passkeys: PasskeyStore;
  audit: AuditStore;
  projects: ProjectStore;
  invalidations: TokenInvalidations;
  providerKeys: ProviderKeyStore;
  keyEncryptionKeys: KeyEncryptionKeyStore;
  expiryWarnings: ExpiryWarningStore;
  webhooks: WebhookStore;
  workloads: WorkloadStore;
}

/**
 * The database as core sees it: stores outside any transaction, and transactions in which a
 * change and the audit event recording it commit together or not at all.
 */
export interface UnitOfWork {
  /** Stores for single-statement reads and writes. */
  readonly stores: Stores;
  /** Runs `work` in one transaction; a throw rolls everything back. */
  transaction<T>(work: (stores: Stores) => Promise<T>): Promise<T>;
  /** Whether the database answers a trivial query. */
  isReachable(): Promise<boolean>;
}

/** Raised by a store when a unique constraint refuses a write. */
export class DuplicateError extends Error {
  constructor(readonly constraint: string) {
    super(`duplicate value for ${constraint}`);
    this.name = 'DuplicateError';
  }
}

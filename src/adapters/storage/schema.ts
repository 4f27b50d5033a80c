/**
 * Row types as the database holds them. Times are RFC 3339 text on SQLite and `timestamptz` on
 * PostgreSQL: written as ISO strings, read back as a string or a Date, mapped at the edge.
 * These types never leave `adapters/storage`.
 */
export type DbTime = string | Date;

export interface AccountsTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  created_at: DbTime;
}

export interface SessionsTable {
  id: string;
  account_id: string;
  secret_hash: string;
  created_at: DbTime;
  expires_at: DbTime;
  ip: string | null;
  user_agent: string | null;
  revoked_at: DbTime | null;
  /** Last request seen, written at most about once a minute; null until the first. */
  last_seen_at: DbTime | null;
  reauthenticated_at: DbTime | null;
}

/** One authenticator-app factor per account; the secret is sealed, never in plain. */
export interface TotpFactorsTable {
  account_id: string;
  /** `v1.<nonce>.<ciphertext+tag>`, AES-256-GCM with the account id as associated data. */
  secret_sealed: string;
  created_at: DbTime;
  confirmed_at: DbTime | null;
  /** bigint-free: time steps stay below 2^31 until the year 4000. */
  last_used_step: number | null;
}

/** Recovery codes as keyed hashes; a used code keeps its row with `used_at` set. */
export interface RecoveryCodesTable {
  account_id: string;
  code_hash: string;
  created_at: DbTime;
  used_at: DbTime | null;
}

/** Passkeys (WebAuthn credentials); the public key alone, which is no secret. */
export interface PasskeysTable {
  id: string;
  account_id: string;
  /** base64url; unique across accounts, as an authenticator makes each one at random. */
  credential_id: string;
  /** COSE_Key, base64url. */
  public_key: string;
  /** 0..2^32-1: bigint, which the PostgreSQL driver returns as a string. */
  sign_count: number | string;
  /** JSON array of transport names. */
  transports: string;
  name: string;
  created_at: DbTime;
  last_used_at: DbTime | null;
}

/** Issued WebAuthn challenges, as keyed hashes, until used or expired. */
export interface WebAuthnChallengesTable {
  challenge_hash: string;
  purpose: 'registration' | 'authentication';
  account_id: string;
  session_id: string | null;
  created_at: DbTime;
  expires_at: DbTime;
}

export interface AccessTokensTable {
  id: string;
  account_id: string;
  name: string;
  token_hash: string;
  masked: string;
  /** JSON array of scope names. */
  scopes: string;
  created_at: DbTime;
  expires_at: DbTime | null;
  last_used_at: DbTime | null;
  last_used_ip: string | null;
  last_used_user_agent: string | null;
  revoked_at: DbTime | null;
  revoked_reason: string | null;
  created_via: string;
  client_id: string | null;
  /** The trusted workload whose exchange issued the token. */
  workload_id: string | null;
  replaces: string | null;
  replaced_by: string | null;
  revoke_on_first_use_of: string | null;
  /** JSON array of addresses or CIDRs; null: anywhere. */
  allowed_ips: string | null;
  rate_limit_requests: number | null;
  rate_limit_per_seconds: number | null;
  /** JSON array of project ids; null: every project. */
  projects: string | null;
}

/** Legacy API keys (`sk_live_…`): the keyed hash of the value, never the value. */
export interface ApiKeysTable {
  id: string;
  account_id: string;
  name: string;
  key_hash: string;
  masked: string;
  created_at: DbTime;
  /** Set when the key was rolled with a grace period. */
  expires_at: DbTime | null;
  last_used_at: DbTime | null;
  last_used_ip: string | null;
  revoked_at: DbTime | null;
  revoked_reason: string | null;
  replaces: string | null;
  replaced_by: string | null;
}

export interface AuditEventsTable {
  id: string;
  account_id: string | null;
  at: DbTime;
  action: string;
  actor_type: string;
  actor_id: string | null;
  actor_label: string | null;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  /** JSON object. */
  details: string;
}

export interface ProjectsTable {
  id: string;
  account_id: string;
  name: string;
  created_at: DbTime;
}

export interface DeploymentsTable {
  id: string;
  account_id: string;
  project_id: string;
  environment: string;
  ref: string | null;
  status: string;
  created_at: DbTime;
}

export interface OAuthClientsTable {
  id: string;
  account_id: string;
  name: string;
  type: string;
  /** JSON array. */
  redirect_uris: string;
  is_native: number;
  secret_hash: string | null;
  created_at: DbTime;
  updated_at: DbTime;
}

export interface OAuthCodesTable {
  code_hash: string;
  client_id: string;
  account_id: string;
  redirect_uri: string;
  /** JSON array. */
  scopes: string;
  code_challenge: string | null;
  device_name: string | null;
  created_at: DbTime;
  expires_at: DbTime;
  redeemed_at: DbTime | null;
  token_id: string | null;
}

export interface OAuthDeviceCodesTable {
  id: string;
  device_code_hash: string;
  client_id: string;
  user_code: string;
  /** JSON array. */
  scopes: string;
  device_name: string | null;
  status: string;
  account_id: string | null;
  /** JSON array. */
  granted_scopes: string | null;
  created_at: DbTime;
  expires_at: DbTime;
  interval_seconds: number;
  last_polled_at: DbTime | null;
  /** Wrong user codes entered against this request. */
  wrong_user_codes: number;
}

/** One fixed window of a rate limit; UNLOGGED on PostgreSQL, as counts may be lost on a crash. */
export interface RateLimitWindowsTable {
  /** SHA-256 of the limiter's key, base64url. */
  key: string;
  count: number;
  /** Milliseconds since the epoch; bigint on PostgreSQL, which the driver returns as a string. */
  reset_at_ms: number | string;
}

/** Account e-mail waiting to be sent, or sent: the outbox the delivery loop drains. */
export interface MailOutboxTable {
  id: string;
  account_id: string | null;
  kind: string;
  recipient: string;
  subject: string;
  text_body: string;
  html_body: string;
  created_at: DbTime;
  attempts: number;
  next_attempt_at: DbTime;
  /** Set by the process that claimed the message until its lease (`next_attempt_at`) ends. */
  claim_id: string | null;
  last_error: string | null;
  sent_at: DbTime | null;
  /** Set when delivery was given up. */
  failed_at: DbTime | null;
}

/** Which expiry warnings went out (docs/tokens.md, "Expiry warnings"): one row per token and threshold. */
export interface TokenExpiryWarningsTable {
  token_id: string;
  /** `7d`, `1d` or `expired`. */
  threshold: string;
  warned_at: DbTime;
}

/** The salts of the key-encryption keys that wrap provider keys' data keys; never a key. */
export interface KeyEncryptionKeysTable {
  /** `kek_…`. */
  id: string;
  /** 32 random bytes, base64url: with SKYTELLS_SECRET, the HKDF input of the key. */
  salt: string;
  created_at: DbTime;
}

/** Webhooks; the signing secret sealed, never in plain. */
export interface WebhooksTable {
  id: string;
  account_id: string;
  url: string;
  /** A JSON array of event names. */
  events: string;
  secret_sealed: string;
  created_at: DbTime;
}

/** The webhook outbox: one row per event and webhook. */
export interface WebhookDeliveriesTable {
  id: string;
  event_id: string;
  webhook_id: string;
  account_id: string;
  type: string;
  body: string;
  status: string;
  attempts: number;
  response_status: number | null;
  error: string | null;
  created_at: DbTime;
  last_attempt_at: DbTime | null;
  /** Due time; while claimed, the lease's end; null once delivered or failed. */
  next_attempt_at: DbTime | null;
  delivered_at: DbTime | null;
  /** Set by the process that claimed the delivery until its lease (`next_attempt_at`) ends. */
  claim_id: string | null;
}

/** Trusted workloads (docs/workloads.md). */
export interface WorkloadsTable {
  /** `wl_…`. */
  id: string;
  account_id: string;
  name: string;
  issuer: string;
  audience: string;
  /** The subject pattern. */
  subject: string;
  /** A JSON object of claim name to value. */
  claims: string;
  /** A JSON array of scopes. */
  scopes: string;
  /** A JSON array of addresses or CIDRs; null: anywhere. */
  allowed_ips: string | null;
  ttl_seconds: number;
  created_at: DbTime;
  last_exchanged_at: DbTime | null;
}

/** The keys of exchanged ID tokens, kept until the ID tokens expire: each exchanges once. */
export interface WorkloadExchangesTable {
  /** `jti:<issuer> <jti>`, or `sha256:<hash of the ID token>` without a `jti`. */
  key: string;
  expires_at: DbTime;
}

/** Provider keys (BYOK), sealed by envelope encryption: never in plain. */
export interface ProviderKeysTable {
  /** `pk_…`; new on every save. */
  id: string;
  account_id: string;
  provider: string;
  base_url: string | null;
  masked: string;
  kek_id: string;
  /** `v1.<nonce>.<encrypted data key + tag>`, AES-256-GCM under the key-encryption key. */
  wrapped_dek: string;
  /** `v1.<nonce>.<encrypted key + tag>`, AES-256-GCM under the data key. */
  ciphertext: string;
  created_at: DbTime;
  updated_at: DbTime;
}

/** Inference counters per account, provider and API key; bigint on PostgreSQL, returned as strings. */
export interface InferenceUsageTable {
  account_id: string;
  provider: string;
  /** The API key; '' for calls made with access tokens and sessions. */
  api_key_id: string;
  requests: number | string;
  prompt_tokens: number | string;
  completion_tokens: number | string;
}

/** Requests of one token per UTC day, scope and address (docs/tokens.md, "Usage"). */
export interface TokenUsageTable {
  token_id: string;
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  /** The scope exercised; '' for routes that need none. */
  scope: string;
  ip: string;
  requests: number | string;
  last_at: DbTime;
}

export interface Schema {
  inference_usage: InferenceUsageTable;
  token_usage: TokenUsageTable;
  mail_outbox: MailOutboxTable;
  token_expiry_warnings: TokenExpiryWarningsTable;
  oauth_clients: OAuthClientsTable;
  oauth_codes: OAuthCodesTable;
  oauth_device_codes: OAuthDeviceCodesTable;
  accounts: AccountsTable;
  sessions: SessionsTable;
  totp_factors: TotpFactorsTable;
  recovery_codes: RecoveryCodesTable;
  passkeys: PasskeysTable;
  webauthn_challenges: WebAuthnChallengesTable;
  access_tokens: AccessTokensTable;
  api_keys: ApiKeysTable;
  audit_events: AuditEventsTable;
  projects: ProjectsTable;
  deployments: DeploymentsTable;
  rate_limit_windows: RateLimitWindowsTable;
  key_encryption_keys: KeyEncryptionKeysTable;
  provider_keys: ProviderKeysTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  workloads: WorkloadsTable;
  workload_exchanges: WorkloadExchangesTable;
}

/** Converts a stored time to a Date. */
export function toDate(value: DbTime): Date {
  return value instanceof Date ? value : new Date(value);
}

/** Converts a nullable stored time to a Date or null. */
export function toDateOrNull(value: DbTime | null): Date | null {
  return value === null ? null : toDate(value);
}

import { type Kysely, type Migration, type MigrationProvider, sql } from 'kysely';

/** The SQL dialects the platform runs on. */
export type DialectName = 'sqlite' | 'postgres';

/**
 * Versioned migrations, applied in name order. Never edit a released migration: add the next one.
 * Column types differ only where the dialects do (time stamps).
 */
export function migrationsFor(dialect: DialectName): Record<string, Migration> {
  const time = dialect === 'postgres' ? 'timestamptz' : 'text';
  return {
    '0001_initial': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('accounts')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('email', 'text', (c) => c.notNull().unique())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('created_at', time, (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('sessions')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
          .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('expires_at', time, (c) => c.notNull())
          .addColumn('ip', 'text')
          .addColumn('user_agent', 'text')
          .addColumn('revoked_at', time)
          .execute();

        await db.schema
          .createTable('access_tokens')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('masked', 'text', (c) => c.notNull())
          .addColumn('scopes', 'text', (c) => c.notNull())
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('expires_at', time)
          .addColumn('last_used_at', time)
          .addColumn('last_used_ip', 'text')
          .addColumn('last_used_user_agent', 'text')
          .addColumn('revoked_at', time)
          .addColumn('revoked_reason', 'text')
          .addColumn('created_via', 'text', (c) => c.notNull())
          .addColumn('client_id', 'text')
          .addColumn('replaces', 'text')
          .addColumn('replaced_by', 'text')
          .execute();
        await db.schema
          .createIndex('access_tokens_account_created')
          .on('access_tokens')
          .columns(['account_id', 'created_at', 'id'])
          .execute();

        await db.schema
          .createTable('audit_events')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('account_id', 'text')
          .addColumn('at', time, (c) => c.notNull())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('actor_type', 'text', (c) => c.notNull())
          .addColumn('actor_id', 'text')
          .addColumn('actor_label', 'text')
          .addColumn('target_type', 'text')
          .addColumn('target_id', 'text')
          .addColumn('ip', 'text')
          .addColumn('user_agent', 'text')
          .addColumn('details', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('audit_events_account_at')
          .on('audit_events')
          .columns(['account_id', 'at', 'id'])
          .execute();

        await db.schema
          .createTable('projects')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('created_at', time, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('projects_account_created')
          .on('projects')
          .columns(['account_id', 'created_at', 'id'])
          .execute();

        await db.schema
          .createTable('deployments')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
          .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
          .addColumn('environment', 'text', (c) => c.notNull())
          .addColumn('ref', 'text')
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('created_at', time, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('deployments_project_created')
          .on('deployments')
          .columns(['project_id', 'created_at', 'id'])
          .execute();
      },
      async down(db: Kysely<unknown>) {
        for (const table of [
          'deployments',
          'projects',
          'audit_events',
          'access_tokens',
          'sessions',
          'accounts',
        ]) {
          await sql`drop table if exists ${sql.table(table)}`.execute(db);
        }
      },
    },
    '0002_oauth': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('oauth_clients')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('redirect_uris', 'text', (c) => c.notNull())
          .addColumn('is_native', 'integer', (c) => c.notNull())
          .addColumn('secret_hash', 'text')
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('updated_at', time, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('oauth_clients_account')
          .on('oauth_clients')
          .column('account_id')
          .execute();

        await db.schema
          .createTable('oauth_codes')
          .addColumn('code_hash', 'text', (c) => c.primaryKey())
          .addColumn('client_id', 'text', (c) => c.notNull())
          .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
          .addColumn('redirect_uri', 'text', (c) => c.notNull())
          .addColumn('scopes', 'text', (c) => c.notNull())
          .addColumn('code_challenge', 'text')
          .addColumn('device_name', 'text')
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('expires_at', time, (c) => c.notNull())
          .addColumn('redeemed_at', time)
          .addColumn('token_id', 'text')
          .execute();

        await db.schema
          .createTable('oauth_device_codes')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('device_code_hash', 'text', (c) => c.notNull().unique())
          .addColumn('client_id', 'text', (c) => c.notNull())
          .addColumn('user_code', 'text', (c) => c.notNull())
          .addColumn('scopes', 'text', (c) => c.notNull())
          .addColumn('device_name', 'text')
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('account_id', 'text', (c) => c.references('accounts.id').onDelete('cascade'))
          .addColumn('granted_scopes', 'text')
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('expires_at', time, (c) => c.notNull())
          .addColumn('interval_seconds', 'integer', (c) => c.notNull())
          .addColumn('last_polled_at', time)
          .execute();
        await db.schema
          .createIndex('oauth_device_codes_user_code')
          .on('oauth_device_codes')
          .column('user_code')
          .execute();
        await db.schema
          .createIndex('access_tokens_client')
          .on('access_tokens')
          .columns(['client_id', 'account_id'])
          .execute();
      },
      async down(db: Kysely<unknown>) {
        await sql`drop index if exists access_tokens_client`.execute(db);
        for (const table of ['oauth_device_codes', 'oauth_codes', 'oauth_clients']) {
          await sql`drop table if exists ${sql.table(table)}`.execute(db);
        }
      },
    },
    '0003_device_wrong_user_codes': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .alterTable('oauth_device_codes')
          .addColumn('wrong_user_codes', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.alterTable('oauth_device_codes').dropColumn('wrong_user_codes').execute();
      },
    },
    '0004_shared_rate_limit_windows': {
      async up(db: Kysely<unknown>) {
        // Counters need no crash safety: UNLOGGED skips the write-ahead log on every hit.
        const create = dialect === 'postgres' ? sql`create unlogged table` : sql`create table`;
        await sql`${create} rate_limit_windows (
          key text primary key,
          count integer not null,
          reset_at_ms bigint not null
        )`.execute(db);
        await db.schema
          .createIndex('rate_limit_windows_reset')
          .on('rate_limit_windows')
          .column('reset_at_ms')
          .execute();
      },
      async down(db: Kysely<unknown>) {
        await sql`drop table if exists rate_limit_windows`.execute(db);
      },
    },
    '0005_second_factors': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('totp_factors')
          .addColumn('account_id', 'text', (c) =>
            c.primaryKey().references('accounts.id').onDelete('cascade'),
          )
          .addColumn('secret_sealed', 'text', (c) => c.notNull())
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('confirmed_at', time)
          .addColumn('last_used_step', 'integer')
          .execute();

        await db.schema
          .createTable('recovery_codes')
          .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
          .addColumn('code_hash', 'text', (c) => c.notNull())
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('used_at', time)
          .addPrimaryKeyConstraint('recovery_codes_pk', ['account_id', 'code_hash'])
          .execute();

        await db.schema.alterTable('sessions').addColumn('reauthenticated_at', time).execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.alterTable('sessions').dropColumn('reauthenticated_at').execute();
        for (const table of ['recovery_codes', 'totp_factors']) {
          await sql`drop table if exists ${sql.table(table)}`.execute(db);
        }
      },
    },
    '0006_sessions_last_seen_and_mail_outbox': {
      async up(db: Kysely<unknown>) {
        // Null until the session is first seen after sign-in: idle time counts from created_at then.
        await db.schema.alterTable('sessions').addColumn('last_seen_at', time).execute();
        await db.schema
          .createIndex('sessions_account_created')
          .on('sessions')
          .columns(['account_id', 'created_at'])
          .execute();

        // Account e-mail, written in the transaction of the event that causes it (docs/configuration.md).
        await db.schema
          .createTable('mail_outbox')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('account_id', 'text', (c) => c.references('accounts.id').onDelete('cascade'))
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('recipient', 'text', (c) => c.notNull())
          .addColumn('subject', 'text', (c) => c.notNull())
          .addColumn('text_body', 'text', (c) => c.notNull())
          .addColumn('html_body', 'text', (c) => c.notNull())
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          // When the message may next be tried; a claim moves it ahead by the lease.
          .addColumn('next_attempt_at', time, (c) => c.notNull())
          .addColumn('claim_id', 'text')
          .addColumn('last_error', 'text')
          .addColumn('sent_at', time)
          .addColumn('failed_at', time)
          .execute();
        await sql`create index mail_outbox_due on mail_outbox (next_attempt_at)
          where sent_at is null and failed_at is null`.execute(db);
      },
      async down(db: Kysely<unknown>) {
        await sql`drop table if exists mail_outbox`.execute(db);
        await sql`drop index if exists sessions_account_created`.execute(db);
        await db.schema.alterTable('sessions').dropColumn('last_seen_at').execute();
      },
    },
    '0007_passkeys': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('passkeys')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
          .addColumn('credential_id', 'text', (c) => c.notNull().unique())
          .addColumn('public_key', 'text', (c) => c.notNull())
          .addColumn('sign_count', 'bigint', (c) => c.notNull())
          .addColumn('transports', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('last_used_at', time)
          .execute();
        await db.schema.createIndex('passkeys_account_idx').on('passkeys').column('account_id').execute();

        await db.schema
          .createTable('webauthn_challenges')
          .addColumn('challenge_hash', 'text', (c) => c.primaryKey())
          .addColumn('purpose', 'text', (c) => c.notNull())
          .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
          .addColumn('session_id', 'text')
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('expires_at', time, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('webauthn_challenges_expiry_idx')
          .on('webauthn_challenges')
          .column('expires_at')
          .execute();
      },
      async down(db: Kysely<unknown>) {
        for (const table of ['webauthn_challenges', 'passkeys']) {
          await sql`drop table if exists ${sql.table(table)}`.execute(db);
        }
      },
    },
    '0008_api_keys': {
      async up(db: Kysely<unknown>) {
        // Legacy API keys (docs/api-keys.md): looked up by the keyed hash of the value alone.
        await db.schema
          .createTable('api_keys')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('key_hash', 'text', (c) => c.notNull().unique())
          .addColumn('masked', 'text', (c) => c.notNull())
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('expires_at', time)
          .addColumn('last_used_at', time)
          .addColumn('last_used_ip', 'text')
          .addColumn('revoked_at', time)
          .addColumn('revoked_reason', 'text')
          .addColumn('replaces', 'text')
          .addColumn('replaced_by', 'text')
          .execute();
        await db.schema
          .createIndex('api_keys_account_created')
          .on('api_keys')
          .columns(['account_id', 'created_at', 'id'])
          .execute();
      },
      async down(db: Kysely<unknown>) {
        await sql`drop table if exists api_keys`.execute(db);
      },
    },
    '0009_provider_keys': {
      async up(db: Kysely<unknown>) {
        // The salts of the key-encryption keys (docs/providers.md); a key is derived from
        // SKYTELLS_SECRET and its salt, so deleting the row destroys the key.
        await db.schema
          .createTable('key_encryption_keys')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('salt', 'text', (c) => c.notNull())
          .addColumn('created_at', time, (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('provider_keys')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
          .addColumn('provider', 'text', (c) => c.notNull())
          .addColumn('base_url', 'text')
          .addColumn('masked', 'text', (c) => c.notNull())
          // No cascade: a key-encryption key still wrapping a data key cannot be deleted.
          .addColumn('kek_id', 'text', (c) => c.notNull().references('key_encryption_keys.id'))
          .addColumn('wrapped_dek', 'text', (c) => c.notNull())
          .addColumn('ciphertext', 'text', (c) => c.notNull())
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('updated_at', time, (c) => c.notNull())
          .addUniqueConstraint('provider_keys_account_provider', ['account_id', 'provider'])
          .execute();
        await db.schema
          .createIndex('provider_keys_kek')
          .on('provider_keys')
          .columns(['kek_id', 'id'])
          .execute();
      },
      async down(db: Kysely<unknown>) {
        for (const table of ['provider_keys', 'key_encryption_keys']) {
          await sql`drop table if exists ${sql.table(table)}`.execute(db);
        }
      },
    },
    '0010_inference_usage': {
      async up(db: Kysely<unknown>) {
        // One row of counters per account, provider and API key ('' for tokens and sessions), added to
        // by upserts; no key reference, so that a deleted key's usage stays on the bill.
        await db.schema
          .createTable('inference_usage')
          .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
          .addColumn('provider', 'text', (c) => c.notNull())
          .addColumn('api_key_id', 'text', (c) => c.notNull())
          .addColumn('requests', 'bigint', (c) => c.notNull())
          .addColumn('prompt_tokens', 'bigint', (c) => c.notNull())
          .addColumn('completion_tokens', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('inference_usage_pk', ['account_id', 'provider', 'api_key_id'])
          .execute();
      },
      async down(db: Kysely<unknown>) {
        await sql`drop table if exists inference_usage`.execute(db);
      },
    },
    '0011_token_restrictions': {
      async up(db: Kysely<unknown>) {
        // Restrictions and rotation that finishes itself (docs/tokens.md): all null for existing tokens,
        // which keeps them as they were.
        await db.schema.alterTable('access_tokens').addColumn('revoke_on_first_use_of', 'text').execute();
        await db.schema.alterTable('access_tokens').addColumn('allowed_ips', 'text').execute();
        await db.schema.alterTable('access_tokens').addColumn('rate_limit_requests', 'integer').execute();
        await db.schema.alterTable('access_tokens').addColumn('rate_limit_per_seconds', 'integer').execute();
        await db.schema.alterTable('access_tokens').addColumn('projects', 'text').execute();
      },
      async down(db: Kysely<unknown>) {
        for (const column of [
          'revoke_on_first_use_of',
          'allowed_ips',
          'rate_limit_requests',
          'rate_limit_per_seconds',
          'projects',
        ]) {
          await db.schema.alterTable('access_tokens').dropColumn(column).execute();
        }
      },
    },
    '0012_token_usage': {
      async up(db: Kysely<unknown>) {
        // One row of counters per token, UTC day, scope ('' for none) and address, added to by the
        // batched upserts of every process (docs/tokens.md, "Usage"); they go with the token.
        await db.schema
          .createTable('token_usage')
          .addColumn('token_id', 'text', (c) =>
            c.notNull().references('access_tokens.id').onDelete('cascade'),
          )
          .addColumn('day', 'text', (c) => c.notNull())
          .addColumn('scope', 'text', (c) => c.notNull())
          .addColumn('ip', 'text', (c) => c.notNull())
          .addColumn('requests', 'bigint', (c) => c.notNull())
          .addColumn('last_at', time, (c) => c.notNull())
          .addPrimaryKeyConstraint('token_usage_pk', ['token_id', 'day', 'scope', 'ip'])
          .execute();
      },
      async down(db: Kysely<unknown>) {
        await sql`drop table if exists token_usage`.execute(db);
      },
    },
    '0013_webhooks': {
      async up(db: Kysely<unknown>) {
        // Webhooks (docs/webhooks.md): the signing secret is sealed, never in plain.
        await db.schema
          .createTable('webhooks')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
          .addColumn('url', 'text', (c) => c.notNull())
          // A JSON array of event names.
          .addColumn('events', 'text', (c) => c.notNull())
          .addColumn('secret_sealed', 'text', (c) => c.notNull())
          .addColumn('created_at', time, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('webhooks_account')
          .on('webhooks')
          .columns(['account_id', 'created_at'])
          .execute();

        // The outbox: one row per event and webhook, written in the transaction of the change it reports.
        await db.schema
          .createTable('webhook_deliveries')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('event_id', 'text', (c) => c.notNull())
          .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('response_status', 'integer')
          .addColumn('error', 'text')
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('last_attempt_at', time)
          // When the next try is due; a claim moves it ahead by the lease. Null once settled.
          .addColumn('next_attempt_at', time)
          .addColumn('delivered_at', time)
          .addColumn('claim_id', 'text')
          .addUniqueConstraint('webhook_deliveries_event_webhook', ['event_id', 'webhook_id'])
          .execute();
        await db.schema
          .createIndex('webhook_deliveries_webhook')
          .on('webhook_deliveries')
          .columns(['webhook_id', 'created_at'])
          .execute();
        await sql`create index webhook_deliveries_due on webhook_deliveries (next_attempt_at)
          where next_attempt_at is not null`.execute(db);
      },
      async down(db: Kysely<unknown>) {
        await sql`drop table if exists webhook_deliveries`.execute(db);
        await sql`drop table if exists webhooks`.execute(db);
      },
    },
    '0014_token_expiry_warnings': {
      async up(db: Kysely<unknown>) {
        // Once per token and threshold (docs/tokens.md, "Expiry warnings"): the key refuses a second.
        await db.schema
          .createTable('token_expiry_warnings')
          .addColumn('token_id', 'text', (c) =>
            c.notNull().references('access_tokens.id').onDelete('cascade'),
          )
          .addColumn('threshold', 'text', (c) => c.notNull())
          .addColumn('warned_at', time, (c) => c.notNull())
          .addPrimaryKeyConstraint('token_expiry_warnings_pk', ['token_id', 'threshold'])
          .execute();
        // The scheduler looks for tokens by expiry every half minute.
        await db.schema
          .createIndex('access_tokens_expires')
          .on('access_tokens')
          .column('expires_at')
          .execute();
      },
      async down(db: Kysely<unknown>) {
        await sql`drop index if exists access_tokens_expires`.execute(db);
        await sql`drop table if exists token_expiry_warnings`.execute(db);
      },
    },
    '0015_workloads': {
      async up(db: Kysely<unknown>) {
        // Trusted workloads (docs/workloads.md): which OIDC ID tokens exchange for an access token.
        await db.schema
          .createTable('workloads')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('issuer', 'text', (c) => c.notNull())
          .addColumn('audience', 'text', (c) => c.notNull())
          .addColumn('subject', 'text', (c) => c.notNull())
          // JSON: an object of claim name to value; an array of scopes; an array of addresses or null.
          .addColumn('claims', 'text', (c) => c.notNull())
          .addColumn('scopes', 'text', (c) => c.notNull())
          .addColumn('allowed_ips', 'text')
          .addColumn('ttl_seconds', 'integer', (c) => c.notNull())
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('last_exchanged_at', time)
          .addUniqueConstraint('workloads_account_name', ['account_id', 'name'])
          .execute();
        // An exchange names its workload by id or by name, across accounts.
        await db.schema.createIndex('workloads_name').on('workloads').column('name').execute();

        // Each ID token exchanges once: its key (issuer and jti, or its hash) is kept until it expires.
        await db.schema
          .createTable('workload_exchanges')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('expires_at', time, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('workload_exchanges_expires')
          .on('workload_exchanges')
          .column('expires_at')
          .execute();

        // The workload whose exchange issued a token; the token outlives the workload's deletion.
        await db.schema.alterTable('access_tokens').addColumn('workload_id', 'text').execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.alterTable('access_tokens').dropColumn('workload_id').execute();
        await sql`drop table if exists workload_exchanges`.execute(db);
        await sql`drop table if exists workloads`.execute(db);
      },
    },
  };
}

/** Serves {@link migrationsFor} to Kysely's migrator. */
export function migrationProvider(dialect: DialectName): MigrationProvider {
  return { getMigrations: () => Promise.resolve(migrationsFor(dialect)) };
}

import { type Kysely, sql } from 'kysely';
import type { Stores, UnitOfWork } from '../../core/ports.js';
import { KyselyAccountStore } from './kysely-account-store.js';
import { KyselyApiKeyStore } from './kysely-api-key-store.js';
import { KyselyOAuthStore } from './kysely-oauth-store.js';
import { KyselyAuditStore } from './kysely-audit-store.js';
import { KyselyExpiryWarningStore } from './kysely-expiry-warning-store.js';
import { KyselyMailOutboxStore } from './kysely-mail-outbox-store.js';
import { KyselyKeyEncryptionKeyStore } from './kysely-key-encryption-key-store.js';
import { KyselyPasskeyStore } from './kysely-passkey-store.js';
import { KyselyProjectStore } from './kysely-project-store.js';
import { KyselyProviderKeyStore } from './kysely-provider-key-store.js';
import { KyselySessionStore } from './kysely-session-store.js';
import { KyselyTokenStore } from './kysely-token-store.js';
import { KyselyTwoFactorStore } from './kysely-two-factor-store.js';
import { KyselyWebhookStore } from './kysely-webhook-store.js';
import { KyselyWorkloadStore } from './kysely-workload-store.js';
import { PostgresTokenInvalidations, SqliteTokenInvalidations } from './kysely-token-invalidations.js';
import type { DialectName } from './migrations.js';
import type { Schema } from './schema.js';

function storesOn(db: Kysely<Schema>, dialect: DialectName): Stores {
  return {
    oauth: new KyselyOAuthStore(db),
    accounts: new KyselyAccountStore(db, dialect),
    tokens: new KyselyTokenStore(db, dialect),
    apiKeys: new KyselyApiKeyStore(db, dialect),
    sessions: new KyselySessionStore(db),
    twoFactor: new KyselyTwoFactorStore(db),
    outbox: new KyselyMailOutboxStore(db, dialect),
    passkeys: new KyselyPasskeyStore(db),
    audit: new KyselyAuditStore(db),
    projects: new KyselyProjectStore(db),
    invalidations:
      dialect === 'postgres' ? new PostgresTokenInvalidations(db) : new SqliteTokenInvalidations(),
    providerKeys: new KyselyProviderKeyStore(db),
    keyEncryptionKeys: new KyselyKeyEncryptionKeyStore(db),
    expiryWarnings: new KyselyExpiryWarningStore(db, dialect),
    webhooks: new KyselyWebhookStore(db, dialect),
    workloads: new KyselyWorkloadStore(db),
  };
}

/** {@link UnitOfWork} on Kysely: the same stores, bound to the pool or to one transaction. */
export class KyselyUnitOfWork implements UnitOfWork {
  readonly stores: Stores;

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly dialect: DialectName,
  ) {
    this.stores = storesOn(db, dialect);
  }

  transaction<T>(work: (stores: Stores) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(storesOn(trx, this.dialect)));
  }

  async isReachable(): Promise<boolean> {
    try {
      await sql`select 1`.execute(this.db);
      return true;
    } catch {
      return false;
    }
  }
}

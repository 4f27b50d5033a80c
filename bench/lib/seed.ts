import type { OpenDatabase } from '../../src/adapters/storage/database.js';
import { KyselyUnitOfWork } from '../../src/adapters/storage/kysely-unit-of-work.js';
import { AuditLog } from '../../src/core/audit.js';
import { systemClock } from '../../src/core/clock.js';
import { KeyedHasher } from '../../src/core/keyed-hash.js';
import { LastUseRecorder } from '../../src/core/last-use-recorder.js';
import type { RequestContext, TokenRestrictions } from '../../src/core/model.js';
import { actorOf, type Principal } from '../../src/core/principal.js';
import { secureRandom } from '../../src/core/random.js';
import { type IssuedToken, TokenLifecycle } from '../../src/core/token-lifecycle.js';

/** What {@link seedTokens} needs: the server's database and secret, and whose tokens they are. */
export interface SeedOptions {
  database: OpenDatabase;
  secret: string;
  principal: Principal;
  context: RequestContext;
  count: number;
  /** Tokens per transaction. */
  batch: number;
  /** Called with each token as it is issued, `index` counting from 0. */
  onToken(issued: IssuedToken, index: number): void;
  /** Called after each committed transaction. */
  onBatch?(done: number): void;
  /** Restrictions every token carries (BENCH_RESTRICTED); none by default. */
  restrictions?: TokenRestrictions | null;
}

/**
 * Stores `count` 30-day `tokens:read` tokens named `bench-<index>` as creation through the API stores
 * them (the row {@link TokenLifecycle} issues, under the value's keyed hash with the server's secret,
 * and its `token.created` audit event, as TokenService.create writes them), but many per transaction:
 * a million tokens through the HTTP API would take hours.
 */
export async function seedTokens(options: SeedOptions): Promise<void> {
  const uow = new KyselyUnitOfWork(options.database.db, options.database.dialect);
  const audit = new AuditLog({ uow, clock: systemClock, random: secureRandom });
  const lifecycle = new TokenLifecycle({
    uow,
    hasher: new KeyedHasher(options.secret),
    clock: systemClock,
    random: secureRandom,
    audit,
    lastUse: new LastUseRecorder(uow.stores.tokens),
  });
  const { principal, context } = options;
  for (let start = 0; start < options.count; start += options.batch) {
    const end = Math.min(options.count, start + options.batch);
    await lifecycle.change(async (changes) => {
      for (let index = start; index < end; index++) {
        const now = systemClock.now();
        const name = `bench-${index}`;
        const scopes: IssuedToken['token']['scopes'] = ['tokens:read'];
        const expiresAt = new Date(now.getTime() + 30 * 86_400_000);
        const issued = await changes.issue({
          accountId: principal.accountId,
          name,
          scopes,
          expiresAt,
          origin: principal.kind === 'session' ? 'console' : 'api',
          now,
          restrictions: options.restrictions ?? null,
        });
        await audit.record(changes.stores, {
          accountId: principal.accountId,
          action: 'token.created',
          actor: actorOf(principal),
          target: { type: 'token', id: issued.token.id },
          context,
          details: { name, masked: issued.token.masked, scopes, expires_at: expiresAt.toISOString() },
        });
        options.onToken(issued, index);
      }
    });
    options.onBatch?.(end);
  }
}

import { type Kysely, sql } from 'kysely';
import { isProviderName } from '@skytells/contract';
import type {
  InferenceUsage,
  InferenceUsageDelta,
  InferenceUsageStore,
} from '../../core/inference/inference-ports.js';
import type { Schema } from './schema.js';

/** Counters per statement (6 parameters each). */
const CHUNK = 300;

const keyOf = (delta: InferenceUsageDelta) =>
  `${delta.accountId}\u0000${delta.provider}\u0000${delta.apiKeyId ?? ''}`;

/** A sum as the driver returns it: a number on SQLite, a string (numeric) on PostgreSQL. */
type Count = number | string;

function totals(row: { requests: Count; prompt_tokens: Count; completion_tokens: Count }) {
  return {
    requests: Number(row.requests),
    promptTokens: Number(row.prompt_tokens),
    completionTokens: Number(row.completion_tokens),
  };
}

/** {@link InferenceUsageStore} on Kysely, SQLite and PostgreSQL alike. */
export class KyselyInferenceUsageStore implements InferenceUsageStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async add(deltas: readonly InferenceUsageDelta[]): Promise<void> {
    // One order for every process: two flushes of the same counters on PostgreSQL wait, never deadlock.
    const ordered = [...deltas].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
    for (let i = 0; i < ordered.length; i += CHUNK) {
      const rows = ordered
        .slice(i, i + CHUNK)
        .map(
          (d) =>
            sql`(${d.accountId}, ${d.provider}, ${d.apiKeyId ?? ''}, ${d.requests}, ${d.promptTokens}, ${d.completionTokens})`,
        );
      // An account deleted since the calls has nothing left to bill: its counts are dropped, not
      // left to fail every later flush on the foreign key.
      await sql`with v(account_id, provider, api_key_id, requests, prompt_tokens, completion_tokens) as (values ${sql.join(rows)})
        insert into inference_usage (account_id, provider, api_key_id, requests, prompt_tokens, completion_tokens)
        select v.account_id, v.provider, v.api_key_id, cast(v.requests as bigint),
               cast(v.prompt_tokens as bigint), cast(v.completion_tokens as bigint)
        from v where exists (select 1 from accounts where accounts.id = v.account_id)
        on conflict (account_id, provider, api_key_id) do update set
          requests = inference_usage.requests + excluded.requests,
          prompt_tokens = inference_usage.prompt_tokens + excluded.prompt_tokens,
          completion_tokens = inference_usage.completion_tokens + excluded.completion_tokens`.execute(
        this.db,
      );
    }
  }

  async usage(accountId: string): Promise<InferenceUsage> {
    const byProvider = await this.db
      .selectFrom('inference_usage')
      .select((eb) => [
        'provider',
        eb.fn.sum<Count>('requests').as('requests'),
        eb.fn.sum<Count>('prompt_tokens').as('prompt_tokens'),
        eb.fn.sum<Count>('completion_tokens').as('completion_tokens'),
      ])
      .where('account_id', '=', accountId)
      .groupBy('provider')
      .orderBy('provider')
      .execute();
    // The key's name and mask as they are now; a key since deleted keeps its counts, nameless.
    const byKey = await this.db
      .selectFrom('inference_usage as u')
      .leftJoin('api_keys as k', (join) =>
        join.onRef('k.id', '=', 'u.api_key_id').onRef('k.account_id', '=', 'u.account_id'),
      )
      .select((eb) => [
        'u.api_key_id',
        'k.name',
        'k.masked',
        eb.fn.sum<Count>('u.requests').as('requests'),
        eb.fn.sum<Count>('u.prompt_tokens').as('prompt_tokens'),
        eb.fn.sum<Count>('u.completion_tokens').as('completion_tokens'),
      ])
      .where('u.account_id', '=', accountId)
      .groupBy(['u.api_key_id', 'k.name', 'k.masked'])
      .orderBy('u.api_key_id')
      .execute();
    return {
      byProvider: byProvider.flatMap((row) =>
        isProviderName(row.provider) ? [{ provider: row.provider, ...totals(row) }] : [],
      ),
      byApiKey: byKey.map((row) => ({
        apiKeyId: row.api_key_id === '' ? null : row.api_key_id,
        name: row.name,
        masked: row.masked,
        ...totals(row),
      })),
    };
  }
}

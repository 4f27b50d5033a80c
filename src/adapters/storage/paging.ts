import { type RawBuilder, sql, type SqlBool } from 'kysely';
import type { PageKey } from '../../core/ports.js';

/** Rows strictly after `key` in newest-first (`timeColumn` desc, `id` desc) order. */
export function olderThan(key: PageKey, timeColumn = 'created_at'): RawBuilder<SqlBool> {
  const at = key.createdAt.toISOString();
  const time = sql.ref(timeColumn);
  return sql<SqlBool>`(${time} < ${at} or (${time} = ${at} and ${sql.ref('id')} < ${key.id}))`;
}

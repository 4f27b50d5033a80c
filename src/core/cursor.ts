import { ApiError } from './errors.js';
import type { PageKey } from './ports.js';

/** Encodes the position after `key` as an opaque cursor. */
export function encodeCursor(key: PageKey): string {
  return Buffer.from(JSON.stringify([key.createdAt.toISOString(), key.id])).toString('base64url');
}

/**
 * Decodes a cursor made by {@link encodeCursor}.
 * @throws ApiError `invalid_cursor` for anything else.
 */
export function decodeCursor(cursor: string): PageKey {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2) {
      const [at, id] = parsed as unknown[];
      const createdAt = new Date(typeof at === 'string' ? at : Number.NaN);
      if (
        typeof id === 'string' &&
        id.length <= 64 &&
        !/\p{Cc}/u.test(id) &&
        !Number.isNaN(createdAt.getTime()) &&
        // Four-digit years only: both databases store these, and every cursor we issue has one.
        createdAt.getUTCFullYear() >= 1970 &&
        createdAt.getUTCFullYear() <= 9999
      )
        return { createdAt, id };
    }
  } catch {
    // Falls through to the same error as a well-formed but wrong cursor.
  }
  throw new ApiError('invalid_cursor', { detail: 'The cursor parameter was not produced by this API.' });
}

/** Turns `limit + 1` fetched rows into a page: the extra row only says whether another page exists. */
export function toPage<T>(
  rows: T[],
  limit: number,
  keyOf: (item: T) => PageKey,
): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}

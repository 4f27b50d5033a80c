import { type Static, type TSchema, Type } from '@sinclair/typebox';

/** An RFC 3339 instant in UTC, e.g. `2027-01-31T00:00:00.000Z`. */
export const Time = Type.String({ format: 'date-time' });

/**
 * A string or null, as `type: ["string", "null"]` rather than `anyOf`: the server's serializer then
 * needs no validation pass to pick a branch, which matters on the hot path.
 */
export const NullableString = (options: { format?: string; description?: string } = {}) =>
  Type.Unsafe<string | null>({ type: ['string', 'null'], ...options });

/** An RFC 3339 instant or null. */
export const NullableTime = NullableString({ format: 'date-time' });

/** One of `values`, as a plain string enum (again, no `anyOf` for the serializer). */
export const StringEnum = <T extends string>(values: readonly T[], options: { description?: string } = {}) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });

/** A newest-first page of `item`; `next_cursor` is null on the last page. */
export const PageSchema = <T extends TSchema>(item: T) =>
  Type.Object({
    data: Type.Array(item),
    next_cursor: NullableString({ description: 'Pass as `cursor` for the next page; null on the last.' }),
  });

/** A page of `T`, as clients read it. */
export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** Query of every paged listing. */
export const PageQuery = {
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Page size; default 50.' })),
};

/** A path id. No control characters: PostgreSQL refuses NUL in text, and no id of ours contains one. */
export const IdParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[^\\u0000-\\u001f\\u007f]+$' }),
});
export type IdParams = Static<typeof IdParams>;

import { Type } from '@sinclair/typebox';

export const HealthSchema = Type.Object({ status: Type.Literal('ok') });
export const ReadySchema = Type.Object({ status: Type.Literal('ready') });

/** An OpenAPI 3.1 document; the OpenAPI specification is its schema. */
export const OpenApiDocumentSchema = Type.Object(
  { openapi: Type.String({ pattern: '^3\\.1\\.' }), paths: Type.Record(Type.String(), Type.Unknown()) },
  { additionalProperties: true },
);

import { type Static, Type } from '@sinclair/typebox';

export const RevokeCredentialsBody = Type.Object(
  {
    credentials: Type.Array(Type.String({ maxLength: 200 }), {
      minItems: 1,
      maxItems: 1000,
      description: 'Leaked credential values; anything that is not one is ignored.',
    }),
  },
  { additionalProperties: false, $id: 'RevokeCredentialsRequest' },
);
export type RevokeCredentialsBody = Static<typeof RevokeCredentialsBody>;

export const RevokeCredentialsResultSchema = Type.Object(
  { revoked: Type.Integer({ description: 'How many active credentials were revoked.' }) },
  { $id: 'RevokeCredentialsResult' },
);
export type RevokeCredentialsResult = Static<typeof RevokeCredentialsResultSchema>;

import { type Static, Type } from '@sinclair/typebox';
import { NullableString, Time } from './common.js';

/** One active console session of the account, as the Security page lists it. */
export const ActiveSessionSchema = Type.Object(
  {
    id: Type.String(),
    device: Type.String({
      description: 'Browser and operating system read from the user agent, e.g. "Firefox 133 on Linux".',
    }),
    ip: NullableString({ description: 'The address the session signed in from.' }),
    user_agent: NullableString(),
    created_at: Time,
    last_seen_at: Time,
    current: Type.Boolean({ description: 'True for the session making this request.' }),
  },
  { $id: 'ActiveSession' },
);
export type ActiveSession = Static<typeof ActiveSessionSchema>;

/** The account's active sessions, most recently seen first. */
export const ActiveSessionListSchema = Type.Object(
  { data: Type.Array(ActiveSessionSchema) },
  { $id: 'ActiveSessionList' },
);
export type ActiveSessionList = Static<typeof ActiveSessionListSchema>;

/** What ending every other session did. */
export const RevokeOtherSessionsResultSchema = Type.Object(
  { revoked: Type.Integer({ minimum: 0, description: 'How many sessions were ended.' }) },
  { $id: 'RevokeOtherSessionsResult' },
);
export type RevokeOtherSessionsResult = Static<typeof RevokeOtherSessionsResultSchema>;

/** A password change: the current password, and the new one under the sign-up rules. */
export const ChangePasswordBody = Type.Object(
  {
    current_password: Type.String({ maxLength: 4096 }),
    new_password: Type.String({ maxLength: 4096, description: '8 to 1024 characters.' }),
  },
  { additionalProperties: false, $id: 'ChangePasswordRequest' },
);
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;

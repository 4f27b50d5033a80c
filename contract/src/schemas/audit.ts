import { type Static, Type } from '@sinclair/typebox';
import { AUDIT_ACTIONS } from '../audit-actions.js';
import { NullableString, PageQuery, StringEnum, Time } from './common.js';

/** One entry of the audit log. */
export const AuditEventSchema = Type.Object(
  {
    id: Type.String(),
    at: Time,
    action: StringEnum(AUDIT_ACTIONS),
    actor: Type.Object({
      type: Type.String({
        description:
          'Who acted: `session`, `token`, `api_key`, `account`, `client`, `workload`, `anonymous` or `system`.',
      }),
      id: NullableString(),
      label: Type.Optional(Type.String()),
    }),
    target: Type.Union([Type.Object({ type: Type.String(), id: Type.String() }), Type.Null()]),
    ip: NullableString(),
    user_agent: NullableString(),
    details: Type.Record(Type.String(), Type.Unknown()),
  },
  { $id: 'AuditEvent' },
);
export type AuditEvent = Static<typeof AuditEventSchema>;

export const AuditQuery = Type.Object(
  { ...PageQuery, action: Type.Optional(StringEnum(AUDIT_ACTIONS)) },
  { additionalProperties: false },
);
export type AuditQuery = Static<typeof AuditQuery>;

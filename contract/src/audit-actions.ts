/** Every action the audit log records, in the order the console's filter offers them. */
export const AUDIT_ACTIONS = [
  'account.created',
  'session.created',
  'session.failed',
  'session.deleted',
  'session.reauthenticated',
  'session.reauth_failed',
  'account.2fa_enabled',
  'account.2fa_disabled',
  'account.recovery_codes_regenerated',
  'account.recovery_code_used',
  'account.totp_replay_refused',
  'account.passkey_added',
  'account.passkey_removed',
  'account.passkey_counter_refused',
  'token.created',
  'token.revoked',
  'token.rotated',
  'token.auth_failed',
  'token.leak_reported',
  'oauth.authorized',
  'oauth.device_approved',
  'oauth.device_denied',
  'oauth.authorization_revoked',
  'app.created',
  'app.updated',
  'app.secret_rotated',
  'app.deleted',
  'project.created',
  'project.deleted',
  'deployment.created',
  'session.revoked',
  'account.password_changed',
  'account.password_change_failed',
  'api_key.created',
  'api_key.revoked',
  'api_key.rolled',
  'api_key.auth_failed',
  'provider.saved',
  'provider.deleted',
  'webhook.created',
  'webhook.deleted',
  'workload.created',
  'workload.deleted',
  'workload.exchange_refused',
] as const;

/** An action of the audit log, `resource.verb`. */
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** True when `name` is an audit action. */
export function isAuditAction(name: string): name is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(name);
}

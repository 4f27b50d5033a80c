/**
 * The Skytells Access wire contract, shared by the server, the console and the CLI: request and
 * response schemas (TypeBox) with their static types, the problem codes, the audit actions, the
 * scope catalogue and the token format. Browser-safe: it depends on TypeBox alone.
 */
export * from './api-key-format.js';
export * from './audit-actions.js';
export * from './errors.js';
export * from './operations.js';
export * from './scopes.js';
export * from './token-format.js';
export * from './token-rules.js';
export * from './schemas/accounts.js';
export * from './schemas/api-keys.js';
export * from './schemas/apps.js';
export * from './schemas/audit.js';
export * from './schemas/common.js';
export * from './schemas/credentials.js';
export * from './schemas/inference.js';
export * from './schemas/oauth.js';
export * from './schemas/ops.js';
export * from './schemas/projects.js';
export * from './schemas/providers.js';
export * from './schemas/security.js';
export * from './schemas/sessions.js';
export * from './schemas/tokens.js';
export * from './schemas/webhooks.js';
export * from './schemas/webauthn.js';
export * from './schemas/workloads.js';

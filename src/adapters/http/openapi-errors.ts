import {
  AUTHENTICATION_ERROR_CODES,
  ERROR_CATALOGUE,
  type ErrorCode,
  type Operation,
} from '@skytells/contract';

/** What a JSON body can be refused for: not JSON, an unreadable length, too large, another type. */
const JSON_BODY_CODES = [
  'invalid_json',
  'bad_request',
  'payload_too_large',
  'unsupported_media_type',
] as const;

/**
 * Whether `operation` reads or writes the database: every authenticated one (verification), every
 * write, and any that says it can answer `database_unavailable`. Public reads that answer from
 * memory (scopes, metadata, liveness, metrics) do not.
 */
export function touchesDatabase(operation: Operation): boolean {
  return (
    operation.auth.kind !== 'public' ||
    operation.method !== 'GET' ||
    (operation.errors ?? []).includes('database_unavailable')
  );
}

/**
 * Every problem code `operation` can answer, by status: those that follow from what it takes and
 * who may call it (authentication, validation, body limits, the database), plus its own `errors`.
 */
export function problemCodesOf(operation: Operation): Map<number, ErrorCode[]> {
  const codes = new Set<ErrorCode>();
  const { auth } = operation;
  if (auth.kind === 'credential') {
    // Two credentials in one request are ambiguous.
    codes.add('invalid_request');
    for (const code of AUTHENTICATION_ERROR_CODES) codes.add(code);
    // An API key presented where API keys are not accepted (docs/api-keys.md).
    if (auth.apiKey !== true) codes.add('api_key_not_accepted');
    if (auth.scope !== undefined) codes.add('insufficient_scope');
    if (auth.via === 'session') codes.add('session_required');
    if (auth.via === 'token') codes.add('token_required');
    // A token's restrictions (docs/tokens.md, "Restrictions"), wherever a token is accepted.
    if (auth.via !== 'session') codes.add('ip_not_allowed').add('token_rate_limited');
    if (auth.via !== 'token' && operation.method !== 'GET') codes.add('csrf_token_invalid');
  }
  if (auth.kind === 'client' && auth.scope !== undefined) {
    // A bearer token may stand in for the client (RFC 7662 §2.1); its refusals are problems.
    for (const code of AUTHENTICATION_ERROR_CODES) codes.add(code);
    codes.add('insufficient_scope').add('ip_not_allowed').add('token_rate_limited');
  }
  // Form bodies (RFC 6749 §3.2) are refused in the OAuth format, not as problems.
  if (operation.form !== true) {
    if (operation.params !== undefined || operation.query !== undefined || operation.body !== undefined) {
      codes.add('validation_failed');
    }
    // A malformed or over-long path segment.
    if (operation.params !== undefined) codes.add('bad_request');
    // A body is read on every method but GET, whether or not the operation takes one.
    if (operation.method !== 'GET') {
      for (const code of JSON_BODY_CODES) codes.add(code);
    }
  }
  for (const code of operation.errors ?? []) codes.add(code);
  codes.add('internal_error');
  if (touchesDatabase(operation)) codes.add('database_unavailable');
  if (operation.method !== 'GET') codes.add('storage_full');

  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const { status } = ERROR_CATALOGUE[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return new Map([...byStatus].sort(([a], [b]) => a - b));
}

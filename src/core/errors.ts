/**
 * The one catalogue of errors the platform reports. Every code here is stable and public:
 * clients branch on it. `docs/errors.md` documents each one; a test keeps both in sync.
 */
export const errorCatalogue = {
  validation_failed: { status: 400, title: 'The request is not valid' },
  bad_request: { status: 400, title: 'The request could not be understood' },
  invalid_json: { status: 400, title: 'The request body is not valid JSON' },
  invalid_cursor: { status: 400, title: 'The paging cursor is not valid' },
  invalid_request: { status: 400, title: 'The request is ambiguous or malformed' },
  policy_violation: { status: 400, title: "The request breaks this server's token policy" },
  token_missing: { status: 401, title: 'Authentication required' },
  token_malformed: { status: 401, title: 'The credential is malformed' },
  token_invalid: { status: 401, title: 'The credential is not valid' },
  token_expired: { status: 401, title: 'The token has expired' },
  token_revoked: { status: 401, title: 'The token has been revoked' },
  invalid_credentials: { status: 401, title: 'Wrong email or password' },
  insufficient_scope: { status: 403, title: 'The token lacks a required scope' },
  csrf_token_invalid: { status: 403, title: 'Missing or wrong CSRF token' },
  session_required: { status: 403, title: 'This action is only available in the console' },
  token_required: { status: 403, title: 'This action needs an access token' },
  lifetime_exceeds_caller: { status: 403, title: 'A token cannot outlive the token that creates it' },
  signup_closed: { status: 403, title: 'Sign-up is closed on this server' },
  not_found: { status: 404, title: 'Not found' },
  name_conflict: { status: 409, title: 'An active token already has this name' },
  email_taken: { status: 409, title: 'An account with this email already exists' },
  token_not_active: { status: 409, title: 'The token is no longer active' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  unsupported_media_type: { status: 415, title: 'The request body must be JSON' },
  rate_limited: { status: 429, title: 'Too many requests' },
  internal_error: { status: 500, title: 'Internal server error' },
  database_unavailable: { status: 503, title: 'The database is unreachable' },
  storage_full: { status: 507, title: 'No space left to store the change' },
} as const satisfies Record<string, { status: number; title: string }>;

/** A stable, machine-readable error code. */
export type ErrorCode = keyof typeof errorCatalogue;

/** One failed field of a `validation_failed` error. */
export interface FieldError {
  /** JSON-pointer-like path of the field, e.g. `scopes` or `body`. */
  field: string;
  message: string;
}

/** What an {@link ApiError} can carry besides its code. */
export interface ApiErrorOptions {
  /** Public, human-readable explanation sent to the client. */
  detail?: string;
  /** Private detail: logged, never sent. */
  privateDetail?: string;
  /** Field errors of a `validation_failed` error. */
  errors?: FieldError[];
  /** For `insufficient_scope`: the scope the request needed. */
  scope?: string;
  /** For `rate_limited` and `database_unavailable`: seconds until a retry may succeed. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/**
 * An expected failure with a public code. The HTTP error handler is the one place that maps it
 * to a status, headers and `application/problem+json`.
 */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly privateDetail: string | undefined;
  readonly errors: FieldError[] | undefined;
  readonly scope: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, options: ApiErrorOptions = {}) {
    const entry = errorCatalogue[code];
    super(options.detail ?? entry.title, { cause: options.cause });
    this.name = 'ApiError';
    this.code = code;
    this.status = entry.status;
    this.title = entry.title;
    this.detail = options.detail ?? entry.title;
    this.privateDetail = options.privateDetail;
    this.errors = options.errors;
    this.scope = options.scope;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** Shorthand for a `validation_failed` error on one field. */
export function invalidField(field: string, message: string): ApiError {
  return new ApiError('validation_failed', { detail: `${field}: ${message}`, errors: [{ field, message }] });
}

/** True for any {@link ApiError}. */
export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/**
 * OAuth 2 error codes, exactly as RFC 6749 §4.1.2.1 / §5.2, RFC 8628 §3.5 and RFC 7009 §2.2.1 spell
 * them. These are answered in the OAuth wire format (`{error, error_description}`), not as problems.
 */
export const oauthErrorCatalogue = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  unsupported_response_type: 400,
  invalid_scope: 400,
  access_denied: 400,
  server_error: 500,
  temporarily_unavailable: 503,
  authorization_pending: 400,
  slow_down: 400,
  expired_token: 400,
  unsupported_token_type: 400,
} as const satisfies Record<string, number>;

/** An OAuth 2 error code. */
export type OAuthErrorCode = keyof typeof oauthErrorCatalogue;

/** A refusal by the authorization server, in the RFC's own vocabulary. */
export class OAuthError extends Error {
  readonly code: OAuthErrorCode;
  readonly status: number;
  /** Public `error_description`. */
  readonly description: string;
  /** Private detail: logged, never sent. */
  readonly privateDetail: string | undefined;

  constructor(
    code: OAuthErrorCode,
    description: string,
    options: { privateDetail?: string; cause?: unknown } = {},
  ) {
    super(description, { cause: options.cause });
    this.name = 'OAuthError';
    this.code = code;
    this.status = oauthErrorCatalogue[code];
    this.description = description;
    this.privateDetail = options.privateDetail;
  }
}

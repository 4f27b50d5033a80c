import {
  ERROR_CATALOGUE,
  type ErrorCode,
  type FieldError,
  type OAuthErrorCode,
  type SecondFactor,
  type WebAuthnRequestOptions,
} from '@skytells/contract';

export type { ErrorCode, FieldError, OAuthErrorCode, SecondFactor };

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
  /** For `second_factor_required`: the factors the account can sign in with. */
  factors?: SecondFactor[];
  /** For `second_factor_required` when the account has a passkey: options for `navigator.credentials.get()`. */
  webauthn?: WebAuthnRequestOptions;
  /** For `rate_limited` and `database_unavailable`: seconds until a retry may succeed. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/**
 * An expected failure with a public code. Core says what went wrong, never how it travels: the
 * HTTP adapter is the one place that maps a code to a status, headers and `application/problem+json`.
 */
export class ApiError extends Error {
  readonly code: ErrorCode;
  /** Public, human-readable explanation; the code's title when none is given. */
  readonly detail: string;
  readonly privateDetail: string | undefined;
  readonly errors: FieldError[] | undefined;
  readonly scope: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly factors: SecondFactor[] | undefined;
  readonly webauthn: WebAuthnRequestOptions | undefined;

  constructor(code: ErrorCode, options: ApiErrorOptions = {}) {
    const entry = ERROR_CATALOGUE[code];
    // A refusal (4xx) is an answer, not a fault: its stack would point at no bug, and capturing one
    // costs more than all the rest of a refused request (a flood of unknown tokens is all refusals).
    // Faults (5xx) keep theirs for the log.
    const stackTraceLimit = Error.stackTraceLimit;
    if (entry.status < 500) Error.stackTraceLimit = 0;
    super(options.detail ?? entry.title, { cause: options.cause });
    Error.stackTraceLimit = stackTraceLimit;
    this.name = 'ApiError';
    this.code = code;
    this.detail = options.detail ?? entry.title;
    this.privateDetail = options.privateDetail;
    this.errors = options.errors;
    this.scope = options.scope;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.factors = options.factors;
    this.webauthn = options.webauthn;
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

/** A refusal by the authorization server, in the RFC's own vocabulary. */
export class OAuthError extends Error {
  readonly code: OAuthErrorCode;
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
    this.description = description;
    this.privateDetail = options.privateDetail;
  }
}

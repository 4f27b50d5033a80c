import { AUTHENTICATION_ERROR_CODES, type ErrorCode, isErrorCode, type Problem } from '@skytells/contract';

/**
 * The CLI's expected failures: each becomes one sentence, the command to run next, and an exit
 * code (docs/cli.md). Anything else is a bug and is reported as one.
 */

/** Exit codes of `skytells` (docs/cli.md). */
export const ExitCode = {
  ok: 0,
  /** Any failure that is not one of the others. */
  error: 1,
  /**
   * The command line or its input is wrong: unknown option, missing or conflicting flags, a host
   * that is not an address, a malformed pasted token, `scan --staged` outside a repository.
   */
  usage: 2,
  /** Authentication needed: no token, a malformed `SKYTELLS_TOKEN`, or an unknown, expired or revoked one. */
  auth: 4,
} as const;

/** One of {@link ExitCode}. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** What a {@link CliError} carries besides its sentence. */
export interface CliErrorOptions {
  exitCode?: ExitCodeValue;
  /** The command or action that fixes it, e.g. "Run `skytells login`." */
  hint?: string;
  /** A stable code for `--json` output: the API's problem code, or the CLI's own. */
  code?: string;
  cause?: unknown;
}

/** An expected failure: printed as its sentence (and hint), never with a stack trace. */
export class CliError extends Error {
  readonly exitCode: ExitCodeValue;
  readonly hint: string | undefined;
  readonly code: string;

  constructor(message: string, options: CliErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'CliError';
    this.exitCode = options.exitCode ?? ExitCode.error;
    this.hint = options.hint;
    this.code = options.code ?? (this.exitCode === ExitCode.usage ? 'usage' : 'error');
  }
}

/** A usage error (exit 2). */
export function usageError(message: string, hint?: string): CliError {
  return new CliError(message, { exitCode: ExitCode.usage, code: 'usage', ...(hint ? { hint } : {}) });
}

/** The user interrupted (Ctrl-C) a command that was waiting. */
export function cancelled(): CliError {
  return new CliError('Cancelled.', { code: 'cancelled' });
}

/** True when `error` is the rejection of an aborted fetch, timer or stream. */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

/** An `application/problem+json` body as the CLI reads it: a newer server may send codes this CLI does not know. */
export type ProblemBody = Partial<Omit<Problem, 'code' | 'status'>> & { status: number; code?: string };

/** Where the failing request's token came from, which decides what the user should do about it. */
export interface AuthSituation {
  host: string;
  /**
   * `env`: `SKYTELLS_TOKEN`; `stored`: a `skytells login`; `workload`: this CI job's
   * `skytells login --workload`; `none`: no token at all.
   */
  tokenSource: 'env' | 'stored' | 'workload' | 'none';
  /**
   * The command that logs in to this host, e.g. `skytells login`, `skytells login --host URL` or,
   * for a workload token, `skytells login --workload NAME`.
   */
  loginCommand: string;
}

type AuthCode = (typeof AUTHENTICATION_ERROR_CODES)[number];

const AUTH_SENTENCES: { [C in AuthCode]: (host: string) => string } = {
  token_missing: (host) => `You are not logged in to ${host}.`,
  token_malformed: () => 'This token is malformed (wrong format or checksum).',
  token_invalid: (host) => `This token is not valid on ${host}.`,
  token_expired: () => 'This token has expired.',
  token_revoked: () => 'This token was revoked.',
};

function isAuthCode(code: string): code is AuthCode {
  return (AUTHENTICATION_ERROR_CODES as readonly string[]).includes(code);
}

/** The fix for an authentication failure: a new login, or a new `SKYTELLS_TOKEN`. */
export function authHint(situation: AuthSituation): string {
  return situation.tokenSource === 'env'
    ? `Set SKYTELLS_TOKEN to a valid token, or unset it and run \`${situation.loginCommand}\`.`
    : `Run \`${situation.loginCommand}\`.`;
}

/** The error for an authentication failure with API code `code` (one of `token_*`). */
export function authError(code: string, situation: AuthSituation): CliError {
  const sentence = AUTH_SENTENCES[isAuthCode(code) ? code : 'token_invalid'](situation.host);
  return new CliError(sentence, { exitCode: ExitCode.auth, hint: authHint(situation), code });
}

/** What the request was about, for the sentence of a `not_found`. */
export interface ProblemSubject {
  /** "token tok_…", "project prj_…". */
  name: string;
  /** The command that lists what exists, e.g. `skytells tokens list`. */
  listCommand: string;
}

/** One sentence and the command to run next. */
type Advice = { message: string; hint?: string };

/**
 * A 404 about nothing the user named (`whoami`, a listing) or in a body that is not the API's:
 * the route itself is missing, so no list of IDs would help; the address is what to check.
 */
function missingApi(situation: AuthSituation): Advice {
  return {
    message: `The server at ${situation.host} does not have this API (404 Not Found).`,
    hint: 'Is it a Skytells server? Check --host or SKYTELLS_HOST.',
  };
}

/** What the CLI says for each code of the API: a code added to the contract must be given words here. */
function adviceFor(
  code: Exclude<ErrorCode, AuthCode>,
  problem: ProblemBody,
  situation: AuthSituation,
  subject?: ProblemSubject,
): Advice {
  const detail = `${(problem.detail ?? problem.title ?? `The server answered ${problem.status}`).replace(/\.$/, '')}.`;
  switch (code) {
    case 'insufficient_scope':
      return {
        message: detail,
        hint:
          situation.tokenSource === 'env'
            ? 'Use a token with that scope in SKYTELLS_TOKEN.'
            : situation.tokenSource === 'workload'
              ? 'Grant it to the workload (Settings → Workloads), then log in again.'
              : `Run \`${situation.loginCommand} --scopes <scopes>\` to get a token that has it.`,
      };
    case 'not_found':
      return subject === undefined
        ? missingApi(situation)
        : {
            message: `No ${subject.name} on this account.`,
            hint: `Check the ID (\`${subject.listCommand}\`).`,
          };
    case 'name_conflict':
      return {
        message: 'An active token already has this name.',
        hint: 'Choose another --name, or revoke that token first (`skytells tokens list`).',
      };
    case 'token_not_active':
      return {
        message: 'That token is no longer active, so it cannot be rotated.',
        hint: 'Create a new one instead.',
      };
    case 'validation_failed': {
      const fields = problem.errors?.map((e) => `${e.field}: ${e.message}`).join('; ');
      return { message: `The server refused the input: ${fields ?? detail.replace(/\.$/, '')}.` };
    }
    case 'lifetime_exceeds_caller':
      return {
        message: 'A token cannot create a token that outlives it.',
        hint: 'Choose an earlier expiration, or create the token in the console.',
      };
    case 'policy_violation':
      return { message: detail, hint: 'Choose an expiration the server allows.' };
    case 'rate_limited':
      return { message: 'Too many requests.', hint: 'Wait a minute and try again.' };
    case 'session_required':
      return {
        message: 'This action is only available in the web console.',
        hint: `Open ${situation.host} in a browser.`,
      };
    case 'signup_closed':
      return { message: 'Sign-up is closed on this server.', hint: 'Ask the administrator for an account.' };
    case 'reauth_required':
      return {
        message: 'This action needs you to confirm your password first.',
        hint: `Do it in the console at ${situation.host}, or use an access token.`,
      };
    case 'database_unavailable':
      return {
        message: `The server at ${situation.host} cannot reach its database right now.`,
        hint: 'Try again in a few seconds.',
      };
    case 'storage_full':
      return {
        message: `The server at ${situation.host} has no space left to store the change.`,
        hint: 'Tell its administrator; reading still works.',
      };
    case 'totp_secret_unreadable':
      return {
        message: `The server at ${situation.host} cannot read the account's authenticator-app secret.`,
        hint: 'Tell its administrator: the server secret (SKYTELLS_SECRET) has likely changed.',
      };
    case 'api_key_not_accepted':
      return {
        message: 'API keys work on model inference only; this command needs an access token.',
        hint: 'Run: skytells login (or set SKYTELLS_TOKEN to an access token).',
      };
    case 'ip_not_allowed':
      return {
        message: detail,
        hint: "Use the token from an allowed address, or change the token's restrictions.",
      };
    case 'project_not_allowed':
      return {
        message: detail,
        hint: 'This token is restricted to certain projects: see skytells tokens show.',
      };
    case 'token_rate_limited':
      return { message: detail, hint: 'Wait a little and try again: the token has a rate limit of its own.' };
    case 'provider_not_configured':
    case 'provider_unauthorized':
      return { message: detail, hint: "Save the provider's key in the console: Settings → Providers." };
    case 'provider_key_unreadable':
      return {
        message: detail,
        hint: 'Tell its administrator (the server secret has likely changed), or save the key again.',
      };
    case 'internal_error':
      return {
        message: `The server at ${situation.host} failed (${problem.status}).`,
        hint: 'Try again later; if it persists, tell its administrator.',
      };
    case 'bad_request':
    case 'invalid_json':
    case 'invalid_cursor':
    case 'invalid_request':
    case 'invalid_credentials':
    case 'csrf_token_invalid':
    case 'token_required':
    case 'email_taken':
    case 'current_password_incorrect':
    case 'payload_too_large':
    case 'unsupported_media_type':
    case 'second_factor_required':
    case 'reauth_failed':
    case 'totp_code_invalid':
    case 'two_factor_enabled':
    case 'two_factor_disabled':
    case 'totp_enrolment_missing':
    case 'webauthn_response_invalid':
    case 'passkey_already_registered':
    case 'passkeys_unavailable':
    case 'webhook_url_not_allowed':
    case 'provider_error':
    case 'provider_timeout':
      return { message: detail };
  }
}

/**
 * Turns an API error response into one sentence and the command to run.
 * `subject` names what the request was about, for `not_found`; without one a 404 means the
 * address does not serve this API.
 */
export function problemToCliError(
  problem: ProblemBody,
  situation: AuthSituation,
  subject?: ProblemSubject,
): CliError {
  const code = problem.code ?? `http_${problem.status}`;
  if (isAuthCode(code)) return authError(code, situation);
  const advice: Advice = isErrorCode(code)
    ? adviceFor(code as Exclude<ErrorCode, AuthCode>, problem, situation, subject)
    : problem.status === 404
      ? missingApi(situation)
      : problem.status >= 500
        ? {
            message: `The server at ${situation.host} failed (${problem.status}).`,
            hint: 'Try again later; if it persists, tell its administrator.',
          }
        : {
            message: `${(problem.detail ?? problem.title ?? `The server answered ${problem.status}`).replace(/\.$/, '')}.`,
          };
  return new CliError(advice.message, {
    code,
    exitCode: ExitCode.error,
    ...(advice.hint === undefined ? {} : { hint: advice.hint }),
  });
}

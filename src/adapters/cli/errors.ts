/**
 * The CLI's expected failures: each becomes one sentence, the command to run next, and an exit
 * code (CONTRACT §6). Anything else is a bug and is reported as one.
 */

/** Exit codes of `skytells` (CONTRACT §6). */
export const ExitCode = {
  ok: 0,
  /** Any failure that is not one of the others. */
  error: 1,
  /** The command line is wrong: unknown option, missing or conflicting flags. */
  usage: 2,
  /** Authentication needed: no, malformed, unknown, expired or revoked token. */
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

/** An `application/problem+json` body (RFC 9457) with the contract's `code`. */
export interface Problem {
  status: number;
  code?: string;
  title?: string;
  detail?: string;
  errors?: { field: string; message: string }[];
}

/** Where the failing request's token came from, which decides what the user should do about it. */
export interface AuthSituation {
  host: string;
  /** `env`: `SKYTELLS_TOKEN`; `stored`: a `skytells login`; `none`: no token at all. */
  tokenSource: 'env' | 'stored' | 'none';
  /** The command that logs in to this host, e.g. `skytells login` or `skytells login --host URL`. */
  loginCommand: string;
}

const AUTH_SENTENCES: Record<string, (host: string) => string> = {
  token_missing: (host) => `You are not logged in to ${host}.`,
  token_malformed: () => 'This token is malformed (wrong format or checksum).',
  token_invalid: (host) => `This token is not valid on ${host}.`,
  token_expired: () => 'This token has expired.',
  token_revoked: () => 'This token was revoked.',
};

/** The fix for an authentication failure: a new login, or a new `SKYTELLS_TOKEN`. */
export function authHint(situation: AuthSituation): string {
  return situation.tokenSource === 'env'
    ? `Set SKYTELLS_TOKEN to a valid token, or unset it and run \`${situation.loginCommand}\`.`
    : `Run \`${situation.loginCommand}\`.`;
}

/** The error for an authentication failure with API code `code` (one of `token_*`). */
export function authError(code: string, situation: AuthSituation): CliError {
  const sentence = (AUTH_SENTENCES[code] ?? AUTH_SENTENCES['token_invalid']!)(situation.host);
  return new CliError(sentence, { exitCode: ExitCode.auth, hint: authHint(situation), code });
}

/**
 * Turns an API error response into one sentence and the command to run.
 * `subject` names what the request was about ("token tok_…") for `not_found`.
 */
export function problemToCliError(problem: Problem, situation: AuthSituation, subject?: string): CliError {
  const code = problem.code ?? `http_${problem.status}`;
  if (code in AUTH_SENTENCES) return authError(code, situation);
  const detail = problem.detail ?? problem.title ?? `The server answered ${problem.status}.`;
  const make = (message: string, hint?: string, exitCode: ExitCodeValue = ExitCode.error) =>
    new CliError(message, { code, exitCode, ...(hint === undefined ? {} : { hint }) });
  switch (code) {
    case 'insufficient_scope':
      return make(
        `${detail.replace(/\.$/, '')}.`,
        situation.tokenSource === 'env'
          ? 'Use a token with that scope in SKYTELLS_TOKEN.'
          : `Run \`${situation.loginCommand} --scopes <scopes>\` to get a token that has it.`,
      );
    case 'not_found':
      return make(
        subject === undefined ? 'Not found.' : `No ${subject} on this account.`,
        'Check the ID (`skytells tokens list`, `skytells projects list`).',
      );
    case 'name_conflict':
      return make(
        'An active token already has this name.',
        'Choose another --name, or revoke that token first (`skytells tokens list`).',
      );
    case 'token_not_active':
      return make('That token is no longer active, so it cannot be rotated.', 'Create a new one instead.');
    case 'validation_failed': {
      const fields = problem.errors?.map((e) => `${e.field}: ${e.message}`).join('; ');
      return make(`The server refused the input: ${fields ?? detail}.`);
    }
    case 'rate_limited':
      return make('Too many requests.', 'Wait a minute and try again.');
    case 'session_required':
      return make(
        'This action is only available in the web console.',
        `Open ${situation.host} in a browser.`,
      );
    case 'signup_closed':
      return make('Sign-up is closed on this server.', 'Ask the administrator for an account.');
    default:
      if (problem.status >= 500) {
        return make(
          `The server at ${situation.host} failed (${problem.status}).`,
          'Try again later; if it persists, tell its administrator.',
        );
      }
      return make(`${detail.replace(/\.$/, '')}.`);
  }
}

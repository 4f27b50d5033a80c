/**
 * `skytells login --workload NAME`: a CI job trades the OIDC ID token its CI gives it for a
 * short-lived access token of a trusted workload (docs/workloads.md, RFC 8693), kept for this job
 * only (docs/cli.md, "In a CI job").
 */
import {
  ACCESS_TOKEN_TYPE,
  type Account,
  hasScope,
  ID_TOKEN_TYPE,
  isScope,
  type OAuthErrorBody,
  requestLine,
  type Token,
  TOKEN_EXCHANGE_GRANT,
  type TokenResponse,
  type WorkloadLookup,
} from '@skytells/contract';
import { networkReason } from './api-client.js';
import type { CliContext } from './context.js';
import {
  cancelled,
  CliError,
  ExitCode,
  isAbortError,
  type ProblemBody,
  problemToCliError,
  usageError,
} from './errors.js';
import { describeExpiry, describeStorage } from './format.js';
import { type ResolvedHost } from './hosts.js';
import type { JobCredentialStore, JobLogin } from './job-credentials.js';

/** How long one request of the login may take. */
const REQUEST_TIMEOUT_MS = 30_000;

/** Where the job's ID token comes from. */
export type IdTokenSource =
  | { kind: 'variable'; variable: string }
  | { kind: 'github-actions'; requestUrl: string; requestToken: string };

/**
 * The job's source of an ID token: the variable `--id-token-env` names, else GitHub Actions'
 * request URL and token (present when the job has `permissions: id-token: write`).
 * @throws CliError (usage) when there is none, saying what to add to the job.
 */
export function idTokenSource(
  env: Readonly<Record<string, string | undefined>>,
  idTokenEnv: string | undefined,
): IdTokenSource {
  if (idTokenEnv !== undefined) {
    if ((env[idTokenEnv] ?? '').trim() === '')
      throw usageError(
        `--id-token-env names ${idTokenEnv}, which is not set or empty.`,
        `On GitLab CI, declare it under the job's \`id_tokens:\` with \`aud\` set to the workload's audience.`,
      );
    return { kind: 'variable', variable: idTokenEnv };
  }
  const requestUrl = env['ACTIONS_ID_TOKEN_REQUEST_URL'] ?? '';
  const requestToken = env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'] ?? '';
  if (requestUrl !== '' && requestToken !== '') return { kind: 'github-actions', requestUrl, requestToken };
  throw usageError(
    'This job has no OIDC ID token to log in with.',
    'On GitHub Actions, give the job `permissions: id-token: write`; on GitLab CI and others, ' +
      'declare an ID token (GitLab: `id_tokens:`) and name its variable with --id-token-env VAR.',
  );
}

/** GitHub's ID token request URL (which already carries a query) asking for `audience`. */
export function idTokenRequestUrl(requestUrl: string, audience: string): string {
  const url = new URL(requestUrl);
  url.searchParams.set('audience', audience);
  return url.href;
}

/** `fetch` bounded by {@link REQUEST_TIMEOUT_MS} and Ctrl-C, its failures in words; `what` names the other end. */
async function send(ctx: CliContext, url: string, init: RequestInit, what: string): Promise<Response> {
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  try {
    return await fetch(url, {
      ...init,
      headers: { accept: 'application/json', 'user-agent': ctx.userAgent, ...init.headers },
      signal: AbortSignal.any([ctx.signal, timeout]),
      redirect: 'error',
    });
  } catch (error) {
    if (ctx.signal.aborted) throw cancelled();
    if (isAbortError(error))
      throw new CliError(`${what} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s.`, { cause: error });
    throw new CliError(`Could not reach ${what} (${networkReason(error)}).`, {
      code: 'network_error',
      cause: error,
    });
  }
}

/** The JSON body of `response`, or `undefined` when it is not JSON. */
async function jsonOf(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => '');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isOAuthError(body: unknown): body is OAuthErrorBody {
  return typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string';
}

/** A failed answer of the server: an OAuth error (`{error, error_description}`) or problem+json. */
function serverFailure(resolved: ResolvedHost, status: number, body: unknown, workload: string): CliError {
  const retry = `Check the workload in Settings → Workloads on ${resolved.host} against this job (docs/workloads.md, "Refusals").`;
  if (isOAuthError(body)) {
    const description = body.error_description?.replace(/\.$/, '');
    switch (body.error) {
      case 'invalid_target':
        return new CliError(`${resolved.host} has no workload "${workload}".`, {
          exitCode: ExitCode.auth,
          code: body.error,
          hint: 'Check the name (or use the id, wl_…) in Settings → Workloads.',
        });
      case 'invalid_grant':
        return new CliError(
          `${resolved.host} refused this job's ID token${description === undefined ? '' : `: ${description}`}.`,
          { exitCode: ExitCode.auth, code: body.error, hint: retry },
        );
      case 'unsupported_grant_type':
        return new CliError(`${resolved.host} does not support trusted workloads (token exchange).`, {
          code: body.error,
          hint: 'Upgrade the server, or use SKYTELLS_TOKEN.',
        });
      default:
        return new CliError(
          `${resolved.host} refused the workload login: ${description ?? body.error} (${body.error}).`,
          { code: body.error },
        );
    }
  }
  const problem = (typeof body === 'object' && body !== null ? body : {}) as Partial<ProblemBody>;
  return problemToCliError(
    { ...problem, status },
    {
      host: resolved.host,
      tokenSource: 'none',
      loginCommand: `skytells login --workload ${workload}`,
    },
  );
}

/** `GET /oauth/workloads/{workload}`: the workload's id and the audience its ID tokens must carry. */
async function lookupWorkload(
  ctx: CliContext,
  resolved: ResolvedHost,
  workload: string,
): Promise<WorkloadLookup> {
  const { path } = requestLine('lookupWorkload', { params: { workload } });
  const response = await send(ctx, `${resolved.host}${path}`, {}, resolved.host);
  const body = await jsonOf(response);
  if (!response.ok) throw serverFailure(resolved, response.status, body, workload);
  const found = body as Partial<WorkloadLookup> | undefined;
  if (typeof found?.id !== 'string' || typeof found.audience !== 'string')
    throw new CliError(`${resolved.host} did not answer like a Skytells server.`, {
      hint: 'Check the address (--host or SKYTELLS_HOST).',
      code: 'not_a_skytells_server',
    });
  return found as WorkloadLookup;
}

/** Asks GitHub Actions for the job's ID token with audience `audience`. */
async function requestGitHubIdToken(
  ctx: CliContext,
  source: Extract<IdTokenSource, { kind: 'github-actions' }>,
  audience: string,
): Promise<string> {
  const response = await send(
    ctx,
    idTokenRequestUrl(source.requestUrl, audience),
    { headers: { authorization: `bearer ${source.requestToken}` } },
    "GitHub Actions' ID token service",
  );
  const body = (await jsonOf(response)) as { value?: unknown; message?: unknown } | undefined;
  if (!response.ok || typeof body?.value !== 'string' || body.value === '') {
    const reason = typeof body?.message === 'string' ? `: ${body.message.replace(/\.$/, '')}` : '';
    throw new CliError(`GitHub Actions gave no ID token (${response.status}${reason}).`, {
      code: 'id_token_unavailable',
      hint: 'Give the job `permissions: id-token: write`.',
    });
  }
  return body.value;
}

/** RFC 8693 §2.1: exchanges `idToken` for an access token of the workload `workloadId`. */
async function exchangeIdToken(
  ctx: CliContext,
  resolved: ResolvedHost,
  params: { idToken: string; workloadId: string; workloadName: string; scopes?: string[] },
): Promise<TokenResponse> {
  const form = new URLSearchParams({
    grant_type: TOKEN_EXCHANGE_GRANT,
    subject_token: params.idToken,
    subject_token_type: ID_TOKEN_TYPE,
    audience: params.workloadId,
    requested_token_type: ACCESS_TOKEN_TYPE,
  });
  if (params.scopes !== undefined) form.set('scope', params.scopes.join(' '));
  const { path } = requestLine('oauthToken', {});
  const response = await send(
    ctx,
    `${resolved.host}${path}`,
    { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form },
    resolved.host,
  );
  const body = await jsonOf(response);
  if (!response.ok) throw serverFailure(resolved, response.status, body, params.workloadName);
  const issued = body as Partial<TokenResponse> | undefined;
  if (typeof issued?.access_token !== 'string')
    throw new CliError(`${resolved.host} answered the token exchange without a token.`, {
      code: 'not_a_skytells_server',
    });
  return issued as TokenResponse;
}

/** The job's store, or a usage error saying why there is none. */
export function requireJobStore(ctx: CliContext): JobCredentialStore {
  const store = ctx.jobStore;
  if (store !== undefined) return store;
  throw usageError(
    'A workload login keeps its token for one CI job, and this does not look like one: neither RUNNER_TEMP nor CI_JOB_ID is set.',
    'Run it in a CI job (GitHub Actions sets RUNNER_TEMP, GitLab CI sets CI_JOB_ID). Elsewhere, use `skytells login`.',
  );
}

/** What a workload login obtained. */
export interface WorkloadLogin {
  login: JobLogin;
  token: Token;
  /** `undefined` when the workload does not grant `account:read`. */
  account: Account | undefined;
  storedIn: string;
}

/** Options of {@link loginAsWorkload}. */
export interface WorkloadLoginOptions {
  /** `--id-token-env VAR`: the variable holding the ID token. */
  idTokenEnv?: string;
  /** `--scopes`: fewer scopes than the workload grants. */
  scopes?: string[];
}

/**
 * Logs this CI job in as the workload `name` on `resolved`: looks the workload up, gets an ID token
 * for its audience, exchanges it, checks the token with the server, and keeps it in the job's file.
 * @throws CliError (exit 2) when the job has no ID token or no job directory; (exit 4) when the
 * server knows no such workload or refuses the ID token.
 */
export async function loginAsWorkload(
  ctx: CliContext,
  resolved: ResolvedHost,
  name: string,
  options: WorkloadLoginOptions = {},
): Promise<WorkloadLogin> {
  const { render } = ctx;
  const store = requireJobStore(ctx);
  const source = idTokenSource(ctx.env, options.idTokenEnv);
  const workload = await render.spin(`Looking up workload ${name}…`, lookupWorkload(ctx, resolved, name));
  const idToken =
    source.kind === 'variable'
      ? ctx.env[source.variable]!.trim()
      : await render.spin(
          'Asking GitHub Actions for an ID token…',
          requestGitHubIdToken(ctx, source, workload.audience),
        );
  const issued = await render.spin(
    'Exchanging the ID token…',
    exchangeIdToken(ctx, resolved, {
      idToken,
      workloadId: workload.id,
      workloadName: name,
      ...(options.scopes === undefined ? {} : { scopes: options.scopes }),
    }),
  );

  const loginCommand = `skytells login --workload ${name}`;
  const api = ctx.api(resolved, issued.access_token, 'workload', { warnOnExpiry: false, loginCommand });
  const token = await render.spin('Checking the token…', api.call('getCallingToken', {}));
  const account = hasScope(token.scopes.filter(isScope), 'account:read')
    ? await render.spin('Reading the account…', api.call('getAccount', {}))
    : undefined;
  const login: JobLogin = {
    host: resolved.host,
    token: issued.access_token,
    workload: { id: workload.id, name: workload.name },
    tokenId: token.id,
    masked: token.masked,
    expiresAt: token.expires_at ?? new Date(Date.now() + issued.expires_in * 1000).toISOString(),
  };
  try {
    await store.save(login);
  } catch (error) {
    throw new CliError(`Could not keep the token in ${store.path}: ${(error as Error).message}.`, {
      cause: error,
    });
  }
  return { login, token, account, storedIn: store.path };
}

/** Says on stderr who the job now is, as which workload, until when, and where the token is. */
export function reportWorkloadLogin(ctx: CliContext, result: WorkloadLogin): void {
  const { render } = ctx;
  const { login, token, account } = result;
  render.success(
    `Logged in to ${login.host} as workload ${login.workload.name}` +
      (account === undefined ? '' : ` of ${account.email}`),
  );
  render.fields(
    [
      ['Workload', `${login.workload.name}  (${login.workload.id})`],
      ['Token', `${token.masked}  ${token.name}`],
      ['Scopes', token.scopes.join(' ')],
      ['Expires', describeExpiry(login.expiresAt)],
      ['Stored in', describeStorage('workload', result.storedIn)],
    ],
    { toStderr: true },
  );
}

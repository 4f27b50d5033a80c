import { isWellFormedToken } from '@skytells/contract';
import type { ApiClient } from './api-client.js';
import type { CliContext } from './context.js';
import type { StoredLogin } from './credential-store.js';
import { authError, CliError, ExitCode } from './errors.js';
import { loginCommandFor, type ResolvedHost } from './hosts.js';
import { isJobLoginUsable, type JobLogin } from './job-credentials.js';

/** Where the token of a command came from; `workload`: this CI job's `skytells login --workload`. */
export type TokenSource = 'env' | 'keyring' | 'file' | 'workload';

/** A host and the token to use on it. */
export interface Session {
  resolved: ResolvedHost;
  token: string;
  source: TokenSource;
  /** The stored login, when the token is one (not `SKYTELLS_TOKEN`, not a workload's). */
  stored: StoredLogin | undefined;
  /** This CI job's workload login, when the token is its, and the file that holds it. */
  job: { login: JobLogin; path: string } | undefined;
  api: ApiClient;
}

/** `SKYTELLS_WORKLOAD`, trimmed, when set and not empty. */
function workloadFromEnv(ctx: CliContext): string | undefined {
  const value = ctx.env['SKYTELLS_WORKLOAD']?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** The session of this CI job's workload login on `resolved`. */
function jobSession(
  ctx: CliContext,
  resolved: ResolvedHost,
  login: JobLogin,
  path: string,
  options: { warnOnExpiry?: boolean },
): Session {
  return {
    resolved,
    token: login.token,
    source: 'workload',
    stored: undefined,
    job: { login, path },
    // A workload token lives minutes: a warning that it expires within 7 days would be noise.
    api: ctx.api(resolved, login.token, 'workload', {
      ...options,
      warnOnExpiry: false,
      loginCommand: `skytells login --workload ${login.workload.name}`,
    }),
  };
}

/**
 * This CI job's workload login on `resolved`, when the CLI runs in a job and one was made.
 * @throws CliError when the job's file cannot be read (someone else's, or open to others).
 */
async function findJobLogin(ctx: CliContext, resolved: ResolvedHost): Promise<JobLogin | undefined> {
  const store = ctx.jobStore;
  if (store === undefined) return undefined;
  try {
    return await store.find(resolved.host);
  } catch (error) {
    throw new CliError(`Cannot read this job's token file: ${(error as Error).message}.`, {
      code: 'job_credentials_unreadable',
      cause: error,
    });
  }
}

/**
 * The token a command authenticates with (docs/cli.md, "Which token and which host"):
 * `SKYTELLS_TOKEN` if set; else this CI job's workload token for the host while it is valid; else,
 * with `SKYTELLS_WORKLOAD` set, a workload login made now; else the stored login of the host.
 * A malformed `SKYTELLS_TOKEN` is refused offline.
 * @throws CliError (exit 4) when there is none.
 */
export async function requireSession(
  ctx: CliContext,
  options: { warnOnExpiry?: boolean } = {},
): Promise<Session> {
  const resolved = await ctx.host();
  const situation = { host: resolved.host, loginCommand: loginCommandFor(resolved) };
  const envToken = ctx.envToken;
  if (envToken !== undefined) {
    if (!isWellFormedToken(envToken))
      throw authError('token_malformed', { ...situation, tokenSource: 'env' });
    return {
      resolved,
      token: envToken,
      source: 'env',
      stored: undefined,
      job: undefined,
      api: ctx.api(resolved, envToken, 'env', options),
    };
  }

  const workload = workloadFromEnv(ctx);
  const job = await findJobLogin(ctx, resolved);
  const named = (login: JobLogin) =>
    workload === undefined || workload === login.workload.name || workload === login.workload.id;
  if (job !== undefined && isJobLoginUsable(job) && named(job))
    return jobSession(ctx, resolved, job, ctx.jobStore!.path, options);
  if (workload !== undefined) {
    const { loginAsWorkload, reportWorkloadLogin } = await import('./workload-login.js');
    const made = await loginAsWorkload(ctx, resolved, workload);
    reportWorkloadLogin(ctx, made);
    return jobSession(ctx, resolved, made.login, made.storedIn, options);
  }
  if (job !== undefined) {
    throw new CliError(`The workload token of this job expired (workload ${job.workload.name}).`, {
      exitCode: ExitCode.auth,
      code: 'token_expired',
      hint:
        `Run \`skytells login --workload ${job.workload.name}\` again, or set ` +
        `SKYTELLS_WORKLOAD=${job.workload.name} to have every command log in again by itself.`,
    });
  }

  let stored: StoredLogin | undefined;
  try {
    stored = await ctx.store.find(resolved.host);
  } catch (error) {
    throw new CliError(
      `The system keychain holding your token did not answer: ${(error as Error).message}.`,
      {
        exitCode: ExitCode.auth,
        code: 'keyring_unavailable',
        hint: `Unlock it and try again, or run \`${situation.loginCommand} --insecure-storage\`.`,
      },
    );
  }
  if (stored === undefined) throw authError('token_missing', { ...situation, tokenSource: 'none' });
  return {
    resolved,
    token: stored.token,
    source: stored.storage,
    stored,
    job: undefined,
    api: ctx.api(resolved, stored.token, 'stored', { ...options, login: stored }),
  };
}

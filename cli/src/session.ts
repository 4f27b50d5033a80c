import { isWellFormedToken } from '@skytells/contract';
import type { ApiClient } from './api-client.js';
import type { CliContext } from './context.js';
import type { StoredLogin } from './credential-store.js';
import { authError, CliError, ExitCode } from './errors.js';
import { loginCommandFor, type ResolvedHost } from './hosts.js';

/** Where the token of a command came from. */
export type TokenSource = 'env' | 'keyring' | 'file';

/** A host and the token to use on it. */
export interface Session {
  resolved: ResolvedHost;
  token: string;
  source: TokenSource;
  /** The stored login, when the token is one (not `SKYTELLS_TOKEN`). */
  stored: StoredLogin | undefined;
  api: ApiClient;
}

/**
 * The token a command authenticates with: `SKYTELLS_TOKEN` if set, else the stored login of the
 * host (docs/cli.md). A malformed `SKYTELLS_TOKEN` is refused offline.
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
      api: ctx.api(resolved, envToken, 'env', options),
    };
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
    api: ctx.api(resolved, stored.token, 'stored', { ...options, login: stored }),
  };
}

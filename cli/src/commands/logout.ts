import type { CliContext } from '../context.js';
import type { StoredLogin } from '../credential-store.js';
import { CliError } from '../errors.js';
import { shortTime } from '../format.js';
import type { ResolvedHost } from '../hosts.js';

/** Options of `skytells logout`. */
export interface LogoutOptions {
  /** Revoke a pasted token too (an OAuth one is always revoked). */
  revoke?: boolean;
}

/**
 * Revokes `login`'s token on the server: an OAuth token through RFC 7009 as the client it was
 * issued to; a pasted one through the API, which needs `tokens:write`.
 * @returns false when the token was already dead.
 */
async function revokeOnServer(ctx: CliContext, resolved: ResolvedHost, login: StoredLogin): Promise<boolean> {
  if (login.obtainedBy === 'oauth') {
    const { discover, revokeToken } = await import('../oauth-client.js');
    const server = await discover(resolved.host, { signal: ctx.signal, userAgent: ctx.userAgent });
    await revokeToken(server, login.token);
    return true;
  }
  try {
    await ctx.api(resolved, login.token, 'stored').call('revokeToken', { params: { id: login.tokenId } });
    return true;
  } catch (error) {
    if (error instanceof CliError && ['token_revoked', 'token_expired', 'token_invalid'].includes(error.code))
      return false;
    throw error;
  }
}

/**
 * Forgets this CI job's workload login on `host`, if there is one. Its token is not revoked: it
 * lives minutes, and revoking a token through the API needs a scope a workload rarely grants.
 * @returns true when there was one.
 */
async function forgetJobLogin(ctx: CliContext, host: string): Promise<boolean> {
  const jobStore = ctx.jobStore;
  if (jobStore === undefined) return false;
  let login;
  try {
    login = await jobStore.remove(host);
  } catch (error) {
    throw new CliError(`Cannot change this job's token file: ${(error as Error).message}.`, {
      code: 'job_credentials_unreadable',
      cause: error,
    });
  }
  if (login === undefined) return false;
  ctx.render.success(
    `Forgot the token of workload ${login.workload.name} (${login.masked}) for this job on ${host}. ` +
      `It stays valid until ${shortTime(login.expiresAt)}; revoke it in Settings → Tokens to end it sooner.`,
  );
  return true;
}

/** `skytells logout`: revokes the login's token where it should, then forgets it locally. */
export async function logout(ctx: CliContext, options: LogoutOptions): Promise<void> {
  const { render, store } = ctx;
  const resolved = await ctx.host();
  const { host } = resolved;
  const forgotten = await forgetJobLogin(ctx, host);
  const logins = await store.list();
  const entry = logins.find((login) => login.host === host);
  if (entry === undefined && forgotten) {
    if (ctx.envToken !== undefined)
      render.warn('SKYTELLS_TOKEN is still set: commands keep using it. Unset it to log out completely.');
    return;
  }
  if (entry === undefined) {
    const others = logins.map((login) => login.host);
    throw new CliError(`You are not logged in to ${host}.`, {
      code: 'not_logged_in',
      ...(ctx.envToken !== undefined
        ? { hint: 'The token in use comes from SKYTELLS_TOKEN: unset it to stop using it.' }
        : others.length > 0
          ? { hint: `Logged in to ${others.join(', ')}; choose with --host.` }
          : {}),
    });
  }

  let stored: StoredLogin | undefined;
  try {
    stored = await store.find(host);
  } catch (error) {
    throw new CliError(`The system keychain holding the token did not answer: ${(error as Error).message}.`, {
      code: 'keyring_unavailable',
      hint: 'Unlock it and run `skytells logout` again.',
    });
  }

  let revocationFailure: CliError | undefined;
  if (stored !== undefined && (stored.obtainedBy === 'oauth' || options.revoke === true)) {
    try {
      const revoked = await render.spin('Revoking the token…', revokeOnServer(ctx, resolved, stored));
      render.success(
        revoked
          ? `Revoked token ${stored.masked} on ${host}.`
          : `Token ${stored.masked} was already revoked or expired.`,
      );
    } catch (error) {
      const reason = error instanceof CliError ? error.message : String(error);
      revocationFailure = new CliError(`Could not revoke token ${stored.masked} on ${host}: ${reason}`, {
        code: 'revocation_failed',
        hint: `It was forgotten here but still works: revoke it in Settings → Tokens (ID ${stored.tokenId}).`,
      });
    }
  } else if (stored !== undefined) {
    render.info(
      `Token ${stored.masked} stays active on the server: it was pasted, not issued to this CLI ` +
        '(`skytells logout --revoke` revokes it too).',
    );
  }

  try {
    await store.remove(host);
  } catch (error) {
    throw new CliError(`Could not delete the token from the system keychain: ${(error as Error).message}.`, {
      code: 'keyring_unavailable',
      hint: 'Unlock it and run `skytells logout` again.',
    });
  }
  render.success(`Logged out of ${host}: the token is no longer stored on this machine.`);
  if (ctx.envToken !== undefined) {
    render.warn('SKYTELLS_TOKEN is still set: commands keep using it. Unset it to log out completely.');
  }
  if (revocationFailure !== undefined) throw revocationFailure;
}

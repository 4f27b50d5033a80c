import { hostname } from 'node:os';
import { hasScope, isScope } from '@skytells/contract';
import { NO_BROWSER_REASONS, noBrowserReason } from '../browser.js';
import type { CliContext } from '../context.js';
import type { StoredLogin } from '../credential-store.js';
import { CliError, ExitCode, usageError } from '../errors.js';
import { describeExpiry, describeStorage, splitList } from '../format.js';
import { isLoopbackHostname } from '../hosts.js';
import type { OAuthServer } from '../oauth-client.js';

/** Options of `skytells login`. */
export interface LoginOptions {
  web?: boolean;
  device?: boolean;
  withToken?: boolean;
  scopes?: string;
  insecureStorage?: boolean;
  /** `--workload NAME`: log this CI job in as a trusted workload. */
  workload?: string;
  /** `--id-token-env VAR`: the variable holding the job's ID token, with `--workload`. */
  idTokenEnv?: string;
}

type Method = 'web' | 'device' | 'token';

/** `--scopes a,b`: known scope names only, checked before anything else happens. */
export function parseScopeOption(value: string): string[] {
  const scopes = splitList(value);
  if (scopes.length === 0) throw usageError('--scopes names no scope.');
  const unknown = scopes.find((scope) => !isScope(scope));
  if (unknown !== undefined)
    throw usageError(`Unknown scope "${unknown}".`, 'See the scopes with `curl <host>/v1/scopes`.');
  return [...new Set(scopes)];
}

/** The method the flags ask for, or the sensible one for this machine (issue §1). */
function chooseMethod(ctx: CliContext, options: LoginOptions): Method {
  const asked = [
    options.web === true ? 'web' : undefined,
    options.device === true ? 'device' : undefined,
    options.withToken === true ? 'token' : undefined,
  ].filter((m): m is Method => m !== undefined);
  if (asked.length > 1) throw usageError('Choose one of --web, --device and --with-token.');
  if (asked[0] !== undefined) return asked[0];
  if (ctx.io.stdin.isTTY !== true) {
    throw new CliError('There is no terminal to log in with.', {
      exitCode: ExitCode.auth,
      code: 'no_tty',
      hint:
        'In CI, log in as a trusted workload (`skytells login --workload NAME`), set SKYTELLS_TOKEN ' +
        'to a token with just the scopes the job needs, or pipe a token in: `skytells login --with-token < token.txt`.',
    });
  }
  const reason = noBrowserReason(ctx.env, ctx.io.platform);
  if (reason === undefined) return 'web';
  ctx.render.info(`Logging in with a device code, as ${NO_BROWSER_REASONS[reason]}.`);
  return 'device';
}

/** The server's OAuth metadata (RFC 8414): fetched on first use, then shared by every step of the login. */
type Discovery = () => Promise<OAuthServer>;

function discoverOnce(ctx: CliContext, host: string): Discovery {
  let server: Promise<OAuthServer> | undefined;
  return () =>
    (server ??= ctx.render.spin(
      `Contacting ${host}…`,
      import('../oauth-client.js').then(({ discover }) =>
        discover(host, { signal: ctx.signal, userAgent: ctx.userAgent }),
      ),
    ));
}

async function obtainTokenByOAuth(
  ctx: CliContext,
  method: Exclude<Method, 'token'>,
  discovery: Discovery,
  scopes: string[] | undefined,
): Promise<string> {
  const [server, { DEFAULT_LOGIN_SCOPES }] = await Promise.all([discovery(), import('../oauth-client.js')]);
  const params = { scopes: scopes ?? DEFAULT_LOGIN_SCOPES, deviceName: hostname() };
  if (method === 'web') {
    const { obtainTokenInBrowser } = await import('../login-web.js');
    return obtainTokenInBrowser(ctx, server, params);
  }
  const { obtainTokenWithDeviceCode } = await import('../login-device.js');
  return obtainTokenWithDeviceCode(ctx, server, params);
}

/** Revokes the OAuth token an earlier login obtained, now that its replacement is stored. */
async function retirePrevious(ctx: CliContext, previous: StoredLogin, discovery: Discovery): Promise<void> {
  if (previous.obtainedBy !== 'oauth') {
    ctx.render.info(
      `The token stored before (${previous.masked}) was pasted, so it stays active; ` +
        `revoke it with \`skytells tokens revoke ${previous.tokenId}\` if nothing else uses it.`,
    );
    return;
  }
  try {
    const [server, { revokeToken }] = await Promise.all([discovery(), import('../oauth-client.js')]);
    await ctx.render.spin('Revoking the previous token…', revokeToken(server, previous.token));
    ctx.render.info(`Revoked the token of the previous login (${previous.masked}).`);
  } catch (error) {
    ctx.render.warn(
      `Could not revoke the previous token ${previous.masked} (${(error as Error).message}) ` +
        `Revoke it with \`skytells tokens revoke ${previous.tokenId}\`.`,
    );
  }
}

/**
 * `skytells login --workload NAME [--id-token-env VAR] [--scopes a,b]`: exchanges this CI job's ID
 * token for a workload token kept for the job only (docs/cli.md, "In a CI job").
 */
async function loginAsWorkload(ctx: CliContext, workload: string, options: LoginOptions): Promise<void> {
  const others = [
    options.web === true ? '--web' : undefined,
    options.device === true ? '--device' : undefined,
    options.withToken === true ? '--with-token' : undefined,
    options.insecureStorage === true ? '--insecure-storage' : undefined,
  ].filter((flag) => flag !== undefined);
  if (others.length > 0)
    throw usageError(`--workload logs a CI job in by itself: leave out ${others.join(' and ')}.`);
  if (workload.trim() === '') throw usageError('--workload names no workload.');
  if (options.idTokenEnv !== undefined && options.idTokenEnv.trim() === '')
    throw usageError('--id-token-env names no variable.');
  const scopes = options.scopes === undefined ? undefined : parseScopeOption(options.scopes);
  const resolved = await ctx.host();
  if (ctx.envToken !== undefined) {
    ctx.render.warn(
      'SKYTELLS_TOKEN is set: commands keep using it rather than this login until you unset it.',
    );
  }
  const url = new URL(resolved.host);
  if (url.protocol === 'http:' && !isLoopbackHostname(url.hostname)) {
    ctx.render.warn(`${resolved.host} uses plain HTTP: the token will cross the network unencrypted.`);
  }
  const { loginAsWorkload: login, reportWorkloadLogin } = await import('../workload-login.js');
  const made = await login(ctx, resolved, workload.trim(), {
    ...(options.idTokenEnv === undefined ? {} : { idTokenEnv: options.idTokenEnv.trim() }),
    ...(scopes === undefined ? {} : { scopes }),
  });
  reportWorkloadLogin(ctx, made);
}

/** `skytells login`: obtains a token, verifies it with the server, stores it, says what it got. */
export async function login(ctx: CliContext, options: LoginOptions): Promise<void> {
  const { render, store } = ctx;
  if (options.workload !== undefined) return loginAsWorkload(ctx, options.workload, options);
  if (options.idTokenEnv !== undefined)
    throw usageError('--id-token-env goes with --workload NAME: it names the variable holding the ID token.');
  if (options.withToken === true && options.scopes !== undefined) {
    throw usageError(
      '--scopes applies to --web and --device: a pasted token keeps the scopes it was made with.',
    );
  }
  const scopes = options.scopes === undefined ? undefined : parseScopeOption(options.scopes);
  const method = chooseMethod(ctx, options);
  const resolved = await ctx.host();
  const { host } = resolved;
  // The input is checked before anything else is said, storage included: a bad paste gets one sentence.
  const pasted =
    method === 'token' ? await (await import('../login-token.js')).readPastedToken(ctx, host) : undefined;
  if (ctx.envToken !== undefined) {
    render.warn('SKYTELLS_TOKEN is set: commands keep using it rather than this login until you unset it.');
  }
  const url = new URL(host);
  if (url.protocol === 'http:' && !isLoopbackHostname(url.hostname)) {
    render.warn(`${host} uses plain HTTP: the token will cross the network unencrypted.`);
  }

  // Where the token will go is settled before an OAuth flow, so a dead keychain never wastes a login.
  const insecure = options.insecureStorage === true;
  const choice = await store.chooseBackend(insecure, host);
  if (choice.keyringProblem !== undefined) {
    render.warn(
      `No usable system keychain (${choice.keyringProblem}); the token goes to ${store.credentialsPath} (mode 0600).`,
    );
  } else if (insecure) {
    render.warn(`--insecure-storage: the token goes to ${store.credentialsPath} (mode 0600), in plain text.`);
  }
  const previous = await store.find(host).catch(() => undefined);

  const discovery = discoverOnce(ctx, host);
  // `pasted` is set exactly when the method is `token`.
  const token =
    pasted ?? (await obtainTokenByOAuth(ctx, method as Exclude<Method, 'token'>, discovery, scopes));

  // Verified before it is saved: a wrong, expired or revoked token is never stored.
  const api = ctx.api(resolved, token, 'stored', { warnOnExpiry: false });
  const self = await render.spin('Checking the token…', api.call('getCallingToken', {}));
  const account = hasScope(self.scopes.filter(isScope), 'account:read')
    ? await render.spin('Reading the account…', api.call('getAccount', {}))
    : undefined;

  const { stored, keyringProblem } = await store.save(
    {
      host,
      token,
      obtainedBy: method === 'token' ? 'pasted' : 'oauth',
      tokenId: self.id,
      masked: self.masked,
    },
    choice.backend,
  );
  if (keyringProblem !== undefined) {
    render.warn(
      `The system keychain refused the token (${keyringProblem}); stored it in ${store.credentialsPath} (mode 0600).`,
    );
  }
  if (previous !== undefined && previous.token !== token) await retirePrevious(ctx, previous, discovery);

  render.success(
    `Logged in to ${host} as ${account === undefined ? 'an account whose profile this token cannot read (no account:read)' : account.email}`,
  );
  render.fields(
    [
      ['Token', `${self.masked}  ${self.name}`],
      ['Scopes', self.scopes.join(' ')],
      ['Expires', describeExpiry(self.expires_at)],
      ['Stored in', describeStorage(stored.storage, store.credentialsPath)],
    ],
    { toStderr: true },
  );
  if (self.expires_at === null)
    render.warn('This token never expires; revoke it when you no longer need it.');
}

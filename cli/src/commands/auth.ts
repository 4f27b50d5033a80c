import type { Account, Token } from '@skytells/contract';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { describeExpiry, describeStorage, expiresWithin, relativeTime } from '../format.js';
import { loginCommandFor } from '../hosts.js';
import { requireSession, type Session } from '../session.js';

/** Days before expiry from which `auth status` warns (the API's own threshold, docs/api.md). */
const EXPIRY_WARNING_DAYS = 7;

interface Identity {
  session: Session;
  token: Token;
  /** `null` when the token lacks `account:read`. */
  account: Account | null;
}

/** Who the token is: `GET /v1/tokens/self` (any valid token) and, in parallel, the account if it may. */
async function identify(ctx: CliContext): Promise<Identity> {
  const session = await requireSession(ctx, { warnOnExpiry: false });
  const account = session.api.call('getAccount', {}).catch((error: unknown) => {
    if (error instanceof CliError && error.code === 'insufficient_scope') return null;
    throw error;
  });
  const [token, profile] = await ctx.render.spin(
    `Asking ${session.resolved.host}…`,
    Promise.all([session.api.call('getCallingToken', {}), account]),
  );
  return { session, token, account: profile };
}

function identityJson({ session, token, account }: Identity) {
  return {
    host: session.resolved.host,
    account: account === null ? null : { id: account.id, email: account.email, name: account.name },
    token: {
      id: token.id,
      name: token.name,
      masked: token.masked,
      scopes: token.scopes,
      expires_at: token.expires_at,
      created_via: token.created_via,
      client_id: token.client_id,
    },
    workload: session.job === undefined ? null : session.job.login.workload,
    source: session.source,
  };
}

/** The `Workload` line of a workload login's token. */
function workloadField(session: Session): [string, string][] {
  const workload = session.job?.login.workload;
  return workload === undefined ? [] : [['Workload', `${workload.name}  (${workload.id})`]];
}

function who(identity: Identity): string {
  const workload = identity.session.job?.login.workload;
  if (workload !== undefined)
    return `workload ${workload.name}${identity.account === null ? '' : ` of ${identity.account.email}`}`;
  return identity.account === null ? 'an account (this token lacks account:read)' : identity.account.email;
}

/** `skytells whoami`. */
export async function whoami(ctx: CliContext, options: { json?: boolean }): Promise<void> {
  const identity = await identify(ctx);
  if (options.json === true) {
    ctx.render.printJson(identityJson(identity));
    return;
  }
  const { token, session } = identity;
  ctx.render.out(`${who(identity)} on ${session.resolved.host}`);
  ctx.render.fields([
    ...workloadField(session),
    ['Token', `${token.masked}  ${token.name}`],
    ['Scopes', token.scopes.join(' ')],
    ['Expires', describeExpiry(token.expires_at)],
  ]);
}

/** `skytells auth status`: whoami, plus where the token lives and whether it expires soon. */
export async function authStatus(ctx: CliContext, options: { json?: boolean }): Promise<void> {
  const identity = await identify(ctx);
  const { session, token } = identity;
  const { render, store } = ctx;
  const expiresSoon = expiresWithin(token.expires_at, EXPIRY_WARNING_DAYS);
  const others = (await store.list())
    .map((login) => login.host)
    .filter((host) => host !== session.resolved.host);
  const overridden =
    session.source === 'env' ? (await store.list()).find((l) => l.host === session.resolved.host) : undefined;
  if (options.json === true) {
    render.printJson({
      ...identityJson(identity),
      storage:
        session.source === 'file'
          ? store.credentialsPath
          : session.source === 'workload'
            ? session.job!.path
            : session.source,
      expires_soon: expiresSoon,
      other_hosts: others,
    });
    return;
  }
  render.out(`Logged in to ${session.resolved.host} as ${who(identity)}`);
  render.fields([
    ...workloadField(session),
    ['Token', `${token.masked}  ${token.name}  (${token.id})`],
    ['Scopes', token.scopes.join(' ')],
    ['Expires', describeExpiry(token.expires_at)],
    ['Stored in', describeStorage(session.source, session.job?.path ?? store.credentialsPath)],
    ...(token.created_via === 'oauth'
      ? ([['Obtained', 'by `skytells login` through OAuth']] as [string, string][])
      : session.job !== undefined
        ? ([['Obtained', 'by `skytells login --workload` (token exchange)']] as [string, string][])
        : []),
  ]);
  if (overridden !== undefined)
    render.info(`  SKYTELLS_TOKEN overrides the stored login for this host (${overridden.masked}).`);
  if (others.length > 0) render.info(`  Also logged in to ${others.join(', ')} (choose with --host).`);
  // A workload token lives minutes by design: its expiry is in the fields above, not a warning.
  if (expiresSoon && token.expires_at !== null && session.job === undefined) {
    const fix =
      session.source === 'env' ? 'Replace SKYTELLS_TOKEN' : `Run \`${loginCommandFor(session.resolved)}\``;
    render.warn(`This token expires ${relativeTime(token.expires_at)}. ${fix} for a new one.`);
  }
}

/** `skytells auth token`: the raw token on stdout, for piping into other tools. */
export async function authToken(ctx: CliContext): Promise<void> {
  const session = await requireSession(ctx);
  ctx.render.out(session.token);
}

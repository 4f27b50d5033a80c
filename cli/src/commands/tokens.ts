import {
  type IssuedToken,
  MAX_REVOKE_OLD_AFTER_SECONDS,
  type Token,
  type TokenUsage,
} from '@skytells/contract';
import type { CliContext } from '../context.js';
import { usageError } from '../errors.js';
import { describeExpiry, relativeTime, shortTime } from '../format.js';
import type { Column } from '../render.js';
import { requireSession } from '../session.js';
import { parseScopeOption } from './login.js';

const STATUSES = ['active', 'expired', 'revoked', 'all'] as const;

function tokenSubject(id: string) {
  return { name: `token ${id}`, listCommand: 'skytells tokens list' };
}

const TOKEN_COLUMNS: Column<Token>[] = [
  { header: 'ID', value: (t) => t.id },
  { header: 'NAME', value: (t) => t.name },
  { header: 'TOKEN', value: (t) => t.masked },
  { header: 'SCOPES', value: (t) => t.scopes.join(',') },
  { header: 'STATUS', value: (t) => t.status, style: (t) => (t.status === 'active' ? 'green' : 'dim') },
  {
    header: 'EXPIRES',
    value: (t) => (t.expires_at === null ? 'never' : relativeTime(t.expires_at)),
    style: (t) => (t.expires_at === null ? 'yellow' : undefined),
  },
  { header: 'LAST USED', value: (t) => (t.last_used_at === null ? 'never' : relativeTime(t.last_used_at)) },
];

/** `skytells tokens list [--status S]`. */
export async function listTokens(
  ctx: CliContext,
  options: { status?: string; json?: boolean },
): Promise<void> {
  const status = options.status ?? 'active';
  if (!(STATUSES as readonly string[]).includes(status))
    throw usageError(`--status must be one of ${STATUSES.join(', ')}.`);
  const { api } = await requireSession(ctx);
  const tokens = await ctx.render.spin(
    'Loading tokens…',
    api.listAll('listTokens', { query: { status: status as (typeof STATUSES)[number] } }),
  );
  if (options.json === true) ctx.render.printJson(tokens);
  else ctx.render.table(TOKEN_COLUMNS, tokens, `No ${status === 'all' ? '' : `${status} `}tokens.`);
}

/** Prints a token value, the one time there is one (docs/cli.md). */
function printIssued(ctx: CliContext, issued: IssuedToken, json: boolean, verb: string): void {
  const { render } = ctx;
  if (json) {
    render.printJson(issued);
    return;
  }
  // Piped: the value alone on stdout, so `skytells tokens create … > file` keeps just the secret.
  if (!render.isStdoutTTY) {
    render.out(issued.token);
    render.success(`${verb} token ${issued.name} (${issued.id}); its value went to standard output.`);
    return;
  }
  render.success(`${verb} token ${render.style('bold', issued.name)} (${issued.id}).`);
  render.out();
  render.out(`  ${render.style('bold', issued.token)}`);
  render.out();
  render.fields([
    ['Scopes', issued.scopes.join(' ')],
    ['Expires', describeExpiry(issued.expires_at)],
    ...restrictionFields(issued),
  ]);
  render.warn('Copy the value now: it is shown only this once.');
}

/** `--allowed-ips`, `--rate-limit` and `--projects` (docs/tokens.md, "Restrictions"). */
export interface RestrictionOptions {
  /** Comma-separated addresses or CIDRs. */
  allowedIps?: string;
  /** `N/SECONDS`: at most N requests per SECONDS seconds. */
  rateLimit?: string;
  /** Comma-separated project ids. */
  projects?: string;
}

/** A comma-separated list without empty entries. */
function listOption(value: string): string[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/**
 * The restrictions `options` give, in the API's terms; each absent one stays absent (the server
 * checks addresses, ranges and narrowing).
 */
export function restrictionsOf(options: RestrictionOptions): {
  allowed_ips?: string[];
  rate_limit?: { requests: number; per_seconds: number };
  projects?: string[];
} {
  let rateLimit: { requests: number; per_seconds: number } | undefined;
  if (options.rateLimit !== undefined) {
    const match = /^(\d{1,6})\/(\d{1,5})$/.exec(options.rateLimit.trim());
    if (match === null) {
      throw usageError('--rate-limit must read N/SECONDS, e.g. 100/60 for 100 requests a minute.');
    }
    rateLimit = { requests: Number(match[1]), per_seconds: Number(match[2]) };
  }
  return {
    ...(options.allowedIps === undefined ? {} : { allowed_ips: listOption(options.allowedIps) }),
    ...(rateLimit === undefined ? {} : { rate_limit: rateLimit }),
    ...(options.projects === undefined ? {} : { projects: listOption(options.projects) }),
  };
}

/** The restriction lines of `tokens show` and of a freshly issued token; none for an unrestricted one. */
function restrictionFields(token: Token): [string, string][] {
  const pairs: [string, string][] = [];
  if (token.allowed_ips !== null) pairs.push(['Allowed IPs', token.allowed_ips.join(', ')]);
  if (token.rate_limit !== null) {
    pairs.push(['Rate limit', `${token.rate_limit.requests} requests per ${token.rate_limit.per_seconds} s`]);
  }
  if (token.projects !== null) {
    pairs.push(['Projects', token.projects.length === 0 ? '(none)' : token.projects.join(', ')]);
  }
  return pairs;
}

/** Options of `skytells tokens create`. */
export interface CreateTokenOptions extends RestrictionOptions {
  name: string;
  scopes: string;
  expiresInDays?: string;
  expiresAt?: string;
  /** `false` with `--no-expiration`. */
  expiration?: boolean;
  json?: boolean;
}

/** The one expiration of `options` in the API's terms (docs/tokens.md: exactly one of three). */
function expirationOf(options: Pick<CreateTokenOptions, 'expiresInDays' | 'expiresAt' | 'expiration'>) {
  const chosen = [
    options.expiresInDays !== undefined,
    options.expiresAt !== undefined,
    options.expiration === false,
  ].filter(Boolean).length;
  if (chosen !== 1)
    throw usageError('Choose exactly one of --expires-in-days D, --expires-at TIME and --no-expiration.');
  if (options.expiresInDays !== undefined) {
    const days = Number(options.expiresInDays);
    if (!/^\d+$/.test(options.expiresInDays) || days < 1 || days > 366)
      throw usageError('--expires-in-days must be a whole number from 1 to 366.');
    return { expires_in_days: days };
  }
  if (options.expiresAt !== undefined) {
    if (Number.isNaN(Date.parse(options.expiresAt)))
      throw usageError('--expires-at must be an RFC 3339 time, e.g. 2030-01-31T00:00:00Z.');
    return { expires_at: options.expiresAt };
  }
  return { expires: 'never' as const };
}

/** `skytells tokens create`. */
export async function createToken(ctx: CliContext, options: CreateTokenOptions): Promise<void> {
  const scopes = parseScopeOption(options.scopes);
  const expiration = expirationOf(options);
  const restrictions = restrictionsOf(options);
  const { api } = await requireSession(ctx);
  const issued = await ctx.render.spin(
    'Creating the token…',
    api.call('createToken', { body: { name: options.name, scopes, ...expiration, ...restrictions } }),
  );
  printIssued(ctx, issued, options.json === true, 'Created');
}

/** `skytells tokens show ID`. */
export async function showToken(ctx: CliContext, id: string, options: { json?: boolean }): Promise<void> {
  const { api } = await requireSession(ctx);
  const token = await ctx.render.spin(
    'Loading the token…',
    api.call('getToken', { params: { id } }, { subject: tokenSubject(id) }),
  );
  if (options.json === true) {
    ctx.render.printJson(token);
    return;
  }
  const lastUsed =
    token.last_used_at === null
      ? 'never'
      : `${shortTime(token.last_used_at)} (${relativeTime(token.last_used_at)})` +
        (token.last_used_ip === null ? '' : ` from ${token.last_used_ip}`);
  const pairs: [string, string][] = [
    ['ID', token.id],
    ['Name', token.name],
    ['Token', token.masked],
    ['Status', token.status],
    ['Scopes', token.scopes.join(' ')],
    [
      'Created',
      `${shortTime(token.created_at)} via ${token.created_via}${token.client_id === null ? '' : ` (${token.client_id})`}`,
    ],
    ['Expires', describeExpiry(token.expires_at)],
    ['Last used', lastUsed],
    ...restrictionFields(token),
  ];
  if (token.last_used_user_agent !== null) pairs.push(['User agent', token.last_used_user_agent]);
  if (token.revoked_at !== null) pairs.push(['Revoked', shortTime(token.revoked_at)]);
  if (token.replaces !== null) pairs.push(['Replaces', token.replaces]);
  if (token.replaced_by !== null) pairs.push(['Replaced by', token.replaced_by]);
  if (token.revoke_on_first_use_of !== null && token.revoked_at === null) {
    pairs.push(['Revoked when', `${token.revoke_on_first_use_of} is first used`]);
  }
  ctx.render.fields(pairs, { indent: 0 });
}

/** `skytells tokens revoke ID`. */
export async function revokeToken(ctx: CliContext, id: string): Promise<void> {
  const session = await requireSession(ctx);
  await ctx.render.spin(
    'Revoking…',
    session.api.call('revokeToken', { params: { id } }, { subject: tokenSubject(id) }),
  );
  ctx.render.success(`Revoked token ${id}. Anything using it is refused from now on.`);
  if (session.stored?.tokenId === id && session.source !== 'env') {
    ctx.render.warn('That was the token this CLI is logged in with. Run `skytells login` to log in again.');
  }
}

/** Options of `skytells tokens rotate`. */
export interface RotateTokenOptions extends RestrictionOptions {
  scopes?: string;
  revokeOldAfter?: string;
  revokeOldOnFirstUse?: boolean;
  json?: boolean;
}

/** `skytells tokens rotate ID`: a replacement with the same or fewer scopes. */
export async function rotateToken(ctx: CliContext, id: string, options: RotateTokenOptions): Promise<void> {
  const scopes = options.scopes === undefined ? undefined : parseScopeOption(options.scopes);
  let revokeAfter: number | undefined;
  if (options.revokeOldAfter !== undefined) {
    revokeAfter = Number(options.revokeOldAfter);
    if (!/^\d+$/.test(options.revokeOldAfter) || revokeAfter > MAX_REVOKE_OLD_AFTER_SECONDS)
      throw usageError(
        `--revoke-old-after must be a number of seconds from 0 to ${MAX_REVOKE_OLD_AFTER_SECONDS}.`,
      );
  }
  const restrictions = restrictionsOf(options);
  const onFirstUse = options.revokeOldOnFirstUse === true;
  if (onFirstUse && revokeAfter !== undefined) {
    throw usageError('Use either --revoke-old-after or --revoke-old-on-first-use, not both.');
  }
  const session = await requireSession(ctx);
  const issued = await ctx.render.spin(
    'Rotating…',
    session.api.call(
      'rotateToken',
      {
        params: { id },
        body: {
          ...(scopes === undefined ? {} : { scopes }),
          ...(revokeAfter === undefined ? {} : { revoke_old_after_seconds: revokeAfter }),
          ...restrictions,
          ...(onFirstUse ? { revoke_old_on_first_use: true } : {}),
        },
      },
      { subject: tokenSubject(id) },
    ),
  );
  // The CLI's own token: keep working with the replacement.
  const own = session.stored;
  if (own !== undefined && own.tokenId === id && session.source !== 'env') {
    await ctx.store.save(
      {
        host: own.host,
        token: issued.token,
        obtainedBy: own.obtainedBy,
        tokenId: issued.id,
        masked: issued.masked,
      },
      own.storage,
    );
    ctx.render.info('This CLI was logged in with the old token; it now uses the new one.');
  }
  printIssued(ctx, issued, options.json === true, 'Rotated into');
  ctx.render.info(
    onFirstUse
      ? `The old token ${id} stays active until the new one is first used, and is revoked then.`
      : revokeAfter === undefined
        ? `The old token ${id} stays active until you revoke it: \`skytells tokens revoke ${id}\`.`
        : revokeAfter === 0
          ? `The old token ${id} is revoked.`
          : `The old token ${id} will be revoked in ${revokeAfter} seconds.`,
  );
}

/** `skytells tokens usage ID [--days N]`: what the token did, and the narrower scopes that would do. */
export async function tokenUsage(
  ctx: CliContext,
  id: string,
  options: { days?: string; json?: boolean },
): Promise<void> {
  let days: number | undefined;
  if (options.days !== undefined) {
    days = Number(options.days);
    if (!/^\d+$/.test(options.days) || days < 1 || days > 90) {
      throw usageError('--days must be a whole number of days from 1 to 90.');
    }
  }
  const { api } = await requireSession(ctx);
  const [usage, token] = await ctx.render.spin(
    'Loading the usage…',
    Promise.all([
      api.call(
        'getTokenUsage',
        { params: { id }, query: days === undefined ? {} : { days } },
        { subject: tokenSubject(id) },
      ),
      api.call('getToken', { params: { id } }, { subject: tokenSubject(id) }),
    ]),
  );
  if (options.json === true) {
    ctx.render.printJson(usage);
    return;
  }
  printUsage(ctx, token, usage);
}

function printUsage(ctx: CliContext, token: Token, usage: TokenUsage): void {
  const { render } = ctx;
  const window = `the last ${usage.window_days === 1 ? 'day' : `${usage.window_days} days`}`;
  if (usage.requests === 0) {
    render.out(`Not used in ${window}.`);
  } else {
    const only = usage.unused_scopes.length > 0 ? 'only ' : '';
    const used = usage.scopes_used.length === 0 ? 'no scope' : usage.scopes_used.join(' ');
    render.out(
      `Used ${only}${used} in ${window} (${usage.requests} request${usage.requests === 1 ? '' : 's'}).`,
    );
  }
  render.out();
  render.fields(
    [
      ['Holds', token.scopes.join(' ')],
      ['Unused', usage.unused_scopes.length === 0 ? 'none' : usage.unused_scopes.join(' ')],
      ['Suggested', usage.suggested_scopes.length === 0 ? '-' : usage.suggested_scopes.join(' ')],
    ],
    { indent: 0 },
  );
  if (usage.ips.length > 0) {
    render.out();
    render.table(USAGE_IP_COLUMNS, usage.ips, '');
  }
  const suggested = usage.suggested_scopes;
  const narrower = suggested.length > 0 && suggested.join(' ') !== token.scopes.join(' ');
  if (narrower && token.status === 'active') {
    render.out();
    render.info(
      `Narrow it: \`skytells tokens rotate ${token.id} --scopes ${suggested.join(',')} --revoke-old-on-first-use\``,
    );
  }
}

const USAGE_IP_COLUMNS: Column<TokenUsage['ips'][number]>[] = [
  { header: 'IP', value: (ip) => ip.ip },
  { header: 'REQUESTS', value: (ip) => String(ip.requests) },
  { header: 'LAST', value: (ip) => relativeTime(ip.last_at) },
];

import { type ApiKey, type IssuedApiKey, MAX_API_KEY_GRACE_SECONDS } from '@skytells/contract';
import type { CliContext } from '../context.js';
import { usageError } from '../errors.js';
import { describeExpiry, relativeTime } from '../format.js';
import type { Column } from '../render.js';
import { requireSession } from '../session.js';

function apiKeySubject(id: string) {
  return { name: `API key ${id}`, listCommand: 'skytells api-keys list' };
}

const API_KEY_COLUMNS: Column<ApiKey>[] = [
  { header: 'ID', value: (k) => k.id },
  { header: 'NAME', value: (k) => k.name },
  { header: 'KEY', value: (k) => k.masked },
  { header: 'STATUS', value: (k) => k.status, style: (k) => (k.status === 'active' ? 'green' : 'dim') },
  {
    header: 'EXPIRES',
    value: (k) => (k.expires_at === null ? 'never' : relativeTime(k.expires_at)),
    style: (k) => (k.expires_at === null ? undefined : 'yellow'),
  },
  { header: 'LAST USED', value: (k) => (k.last_used_at === null ? 'never' : relativeTime(k.last_used_at)) },
];

/** `skytells api-keys list`: the account's active API keys, newest first. */
export async function listApiKeys(ctx: CliContext, options: { json?: boolean }): Promise<void> {
  const { api } = await requireSession(ctx);
  const keys = await ctx.render.spin('Loading API keys…', api.listAll('listApiKeys', { query: {} }));
  if (options.json === true) ctx.render.printJson(keys);
  else ctx.render.table(API_KEY_COLUMNS, keys, 'No active API keys.');
}

/** Prints an API key value, the one time there is one (docs/cli.md), as `tokens create` does. */
function printIssued(ctx: CliContext, issued: IssuedApiKey, json: boolean, verb: string): void {
  const { render } = ctx;
  if (json) {
    render.printJson(issued);
    return;
  }
  // Piped: the value alone on stdout, so `skytells api-keys create … > file` keeps just the secret.
  if (!render.isStdoutTTY) {
    render.out(issued.key);
    render.success(`${verb} API key ${issued.name} (${issued.id}); its value went to standard output.`);
    return;
  }
  render.success(`${verb} API key ${render.style('bold', issued.name)} (${issued.id}).`);
  render.out();
  render.out(`  ${render.style('bold', issued.key)}`);
  render.out();
  render.warn('Copy the value now: it is shown only this once.');
}

/** `skytells api-keys create --name N`. */
export async function createApiKey(
  ctx: CliContext,
  options: { name: string; json?: boolean },
): Promise<void> {
  const { api } = await requireSession(ctx);
  const issued = await ctx.render.spin(
    'Creating the API key…',
    api.call('createApiKey', { body: { name: options.name } }),
  );
  printIssued(ctx, issued, options.json === true, 'Created');
}

/** `skytells api-keys revoke ID`. */
export async function revokeApiKey(ctx: CliContext, id: string): Promise<void> {
  const { api } = await requireSession(ctx);
  await ctx.render.spin(
    'Revoking…',
    api.call('revokeApiKey', { params: { id } }, { subject: apiKeySubject(id) }),
  );
  ctx.render.success(`Revoked API key ${id}. Anything using it is refused from now on.`);
}

/** `skytells api-keys roll ID [--grace SECONDS]`: a new key; the old one works for the grace period. */
export async function rollApiKey(
  ctx: CliContext,
  id: string,
  options: { grace?: string; json?: boolean },
): Promise<void> {
  let grace: number | undefined;
  if (options.grace !== undefined) {
    grace = Number(options.grace);
    if (!/^\d+$/.test(options.grace) || grace > MAX_API_KEY_GRACE_SECONDS)
      throw usageError(`--grace must be a number of seconds from 0 to ${MAX_API_KEY_GRACE_SECONDS}.`);
  }
  const { api } = await requireSession(ctx);
  const issued = await ctx.render.spin(
    'Rolling…',
    api.call(
      'rollApiKey',
      { params: { id }, body: grace === undefined ? {} : { grace_seconds: grace } },
      { subject: apiKeySubject(id) },
    ),
  );
  printIssued(ctx, issued, options.json === true, 'Rolled into');
  const ends = grace === undefined || grace === 0 ? undefined : new Date(Date.now() + grace * 1000);
  ctx.render.info(
    ends === undefined
      ? `The old key ${id} is revoked.`
      : `The old key ${id} keeps working until ${describeExpiry(ends.toISOString())}.`,
  );
}

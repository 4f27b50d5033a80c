import type { ScopeInfo } from '@skytells/contract';
import type { CliContext } from '../context.js';
import type { Column } from '../render.js';

const SCOPE_COLUMNS: Column<ScopeInfo>[] = [
  { header: 'SCOPE', value: (scope) => scope.name },
  { header: 'ALLOWS', value: (scope) => scope.description },
];

/** `skytells scopes`: the server's scope catalogue (`GET /v1/scopes`, which needs no login). */
export async function listScopes(ctx: CliContext, options: { json?: boolean }): Promise<void> {
  const resolved = await ctx.host();
  const api = ctx.api(resolved, undefined, 'none');
  const { data } = await ctx.render.spin('Loading scopes…', api.call('listScopes', {}));
  if (options.json === true) ctx.render.printJson(data);
  else {
    ctx.render.table(SCOPE_COLUMNS, data, 'This server lists no scopes.');
    ctx.render.info('A write scope includes the read scope of the same resource.');
  }
}

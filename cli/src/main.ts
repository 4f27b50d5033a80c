/**
 * `skytells`: the composition root of the CLI (docs/cli.md). It defines the command line, reads
 * the process (environment, streams, Ctrl-C) once, and loads each command's module only when that
 * command runs, so `skytells --version` and `skytells whoami` start fast.
 */
import { readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import type * as Commander from 'commander';
// Type-only imports: erased at run time, so no command module loads before its command runs.
import type { LoginOptions } from './commands/login.js';
import type { LogoutOptions } from './commands/logout.js';
import type { CreateDeploymentOptions } from './commands/deployments.js';
import type { ScanOptions } from './commands/scan.js';
import type { CreateTokenOptions, RotateTokenOptions } from './commands/tokens.js';
import type { CliContext, CliProcess, CommonOptions } from './context.js';

const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** A token on the command line would end up in shell history and `ps`: refuse before anything else. */
const TOKEN_LIKE = /skt_[0-9A-Za-z]{38}|sk_live_[0-9A-Za-z]{38}/;

const abort = new AbortController();
process.once('SIGINT', () => {
  abort.abort();
  // A command that is not waiting on anything abortable still ends promptly.
  setTimeout(() => process.exit(1), 1000).unref();
});

const cliProcess: CliProcess = {
  env: process.env,
  // Lazy: touching process.stdin opens it, which only `login --with-token` needs.
  get stdin() {
    return process.stdin;
  },
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  home: homedir(),
  tmpdir: tmpdir(),
  platform: process.platform,
  version: VERSION,
  signal: abort.signal,
};

/** A command's body: given its context, positional arguments and options; may return an exit code. */
type Body<O> = (ctx: CliContext, args: string[], options: O) => Promise<number | void>;

/** Wraps a command body: builds its context, runs it, turns its outcome into output and an exit code. */
function run<O = CommonOptions>(body: Body<O>) {
  return async (...raw: unknown[]): Promise<void> => {
    const command = raw.at(-1) as Commander.Command;
    const options = command.optsWithGlobals<CommonOptions & Record<string, unknown>>();
    const args = raw
      .slice(0, -2)
      .flatMap((arg) => (Array.isArray(arg) ? (arg as string[]) : [arg as string]));
    const [{ CliContext }, { CliError, cancelled }] = await Promise.all([
      import('./context.js'),
      import('./errors.js'),
    ]);
    const ctx = new CliContext(cliProcess, {
      ...(options.host === undefined ? {} : { host: options.host }),
      json: options.json === true,
    });
    try {
      process.exitCode = (await body(ctx, args, options as O)) ?? 0;
    } catch (error) {
      const expected = abort.signal.aborted && !(error instanceof CliError) ? cancelled() : error;
      if (expected instanceof CliError) {
        ctx.render.error(expected);
        process.exitCode = expected.exitCode;
      } else {
        ctx.render.unexpected(expected, (process.env['SKYTELLS_DEBUG'] ?? '') !== '');
        process.exitCode = 1;
      }
    }
  };
}

/** Each command's module, imported when the command runs. */
const load = {
  login: () => import('./commands/login.js'),
  logout: () => import('./commands/logout.js'),
  auth: () => import('./commands/auth.js'),
  tokens: () => import('./commands/tokens.js'),
  apiKeys: () => import('./commands/api-keys.js'),
  projects: () => import('./commands/projects.js'),
  deployments: () => import('./commands/deployments.js'),
  scan: () => import('./commands/scan.js'),
  scopes: () => import('./commands/scopes.js'),
};

function buildProgram(commander: typeof Commander): Commander.Command {
  const program = new commander.Command('skytells')
    .description('Skytells Access from the terminal: log in, manage tokens and projects, find leaked tokens.')
    .version(`skytells ${VERSION}`, '-V, --version', 'print the version')
    .option(
      '--host <url>',
      'the Skytells server (else $SKYTELLS_HOST, else the last login, else http://127.0.0.1:8080)',
    )
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();

  program
    .command('login')
    .description(
      'log in: in a browser (--web), with a device code (--device), with a pasted token (--with-token), or as a CI workload (--workload)',
    )
    .option('--web', 'authorize in a browser (the default where one can open)')
    .option(
      '--device',
      'show a code to enter on any device (the default over SSH, in containers, without a display)',
    )
    .option('--with-token', 'read a token from standard input (hidden prompt on a terminal)')
    .option('--scopes <scopes>', 'scopes to ask for, comma-separated')
    .option('--insecure-storage', 'store the token in a 0600 file instead of the system keychain')
    .option(
      '--workload <name>',
      "in a CI job: exchange the job's OIDC ID token for a token of this trusted workload, kept for the job only",
    )
    .option(
      '--id-token-env <var>',
      'with --workload: the variable holding the ID token (GitLab CI id_tokens)',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  skytells login\n  skytells login --device --host https://skytells.example.com\n' +
        '  skytells login --with-token < token.txt\n' +
        '  skytells login --workload deploy-api                               # GitHub Actions\n' +
        '  skytells login --workload deploy-api --id-token-env SKYTELLS_ID_TOKEN   # GitLab CI\n' +
        '\nIn CI, log in as a trusted workload (docs/workloads.md), or set SKYTELLS_TOKEN.',
    )
    .action(run<LoginOptions>(async (ctx, _args, options) => (await load.login()).login(ctx, options)));

  program
    .command('logout')
    .description('revoke the token `login` obtained by OAuth and forget it on this machine')
    .option('--revoke', 'also revoke a pasted token (needs tokens:write)')
    .action(run<LogoutOptions>(async (ctx, _args, options) => (await load.logout()).logout(ctx, options)));

  program
    .command('whoami')
    .description('the account, host, token and scopes in use')
    .option('--json', 'machine-readable output')
    .action(run(async (ctx, _args, options) => (await load.auth()).whoami(ctx, options)));

  const auth = program.command('auth').description('the login in use');
  auth
    .command('status')
    .description('host, account, token, scopes, expiry and where the token is stored')
    .option('--json', 'machine-readable output')
    .action(run(async (ctx, _args, options) => (await load.auth()).authStatus(ctx, options)));
  auth
    .command('token')
    .description('print the token in use, for piping into other tools')
    .action(run(async (ctx) => (await load.auth()).authToken(ctx)));

  const tokens = program.command('tokens').description('the account access tokens');
  tokens
    .command('list')
    .description('list tokens, newest first')
    .option('--status <status>', 'active, expired, revoked or all', 'active')
    .option('--json', 'machine-readable output')
    .action(
      run<{ status?: string; json?: boolean }>(async (ctx, _args, options) =>
        (await load.tokens()).listTokens(ctx, options),
      ),
    );
  tokens
    .command('create')
    .description('create a token; its value is printed once')
    .requiredOption('--name <name>', 'who or what holds it, e.g. github-actions-prod')
    .requiredOption('--scopes <scopes>', 'comma-separated, the fewest it needs')
    .option('--expires-in-days <days>', '1 to 366')
    .option('--expires-at <time>', 'RFC 3339, at most 366 days ahead')
    .option('--no-expiration', 'never expires (think twice)')
    .option('--allowed-ips <list>', 'addresses or CIDRs it may be used from, comma-separated')
    .option('--rate-limit <N/SECONDS>', 'at most N requests per SECONDS seconds, e.g. 100/60')
    .option('--projects <ids>', 'project IDs it may see and act on, comma-separated')
    .option('--json', 'machine-readable output, with the value in "token"')
    .action(
      run<CreateTokenOptions>(async (ctx, _args, options) => (await load.tokens()).createToken(ctx, options)),
    );
  tokens
    .command('show')
    .argument('<id>', 'token ID, tok_…')
    .description('one token in detail')
    .option('--json', 'machine-readable output')
    .action(run(async (ctx, [id], options) => (await load.tokens()).showToken(ctx, id!, options)));
  tokens
    .command('revoke')
    .argument('<id>', 'token ID, tok_…')
    .description('revoke a token at once')
    .action(run(async (ctx, [id]) => (await load.tokens()).revokeToken(ctx, id!)));
  tokens
    .command('rotate')
    .argument('<id>', 'token ID, tok_…')
    .description('replace a token with a new value; its value is printed once')
    .option('--scopes <scopes>', 'narrower scopes for the replacement, comma-separated')
    .option('--revoke-old-after <seconds>', 'revoke the old token after this many seconds (0 to 604800)')
    .option('--revoke-old-on-first-use', 'revoke the old token when the new one is first used')
    .option('--allowed-ips <list>', 'narrower addresses or CIDRs, comma-separated; absent keeps the old ones')
    .option('--rate-limit <N/SECONDS>', 'a rate limit no higher than the old one; absent keeps it')
    .option('--projects <ids>', 'fewer project IDs, comma-separated; absent keeps the old ones')
    .option('--json', 'machine-readable output, with the value in "token"')
    .action(
      run<RotateTokenOptions>(async (ctx, [id], options) =>
        (await load.tokens()).rotateToken(ctx, id!, options),
      ),
    );
  tokens
    .command('usage')
    .argument('<id>', 'token ID, tok_…')
    .description('what the token was used for, and narrower scopes that would have served')
    .option('--days <days>', 'the window, 1 to 90', '30')
    .option('--json', 'machine-readable output')
    .action(
      run<{ days?: string; json?: boolean }>(async (ctx, [id], options) =>
        (await load.tokens()).tokenUsage(ctx, id!, options),
      ),
    );

  const apiKeys = program
    .command('api-keys')
    .description('legacy API keys (sk_live_…), for model inference only');
  apiKeys
    .command('list')
    .description('list active API keys, newest first')
    .option('--json', 'machine-readable output')
    .action(run(async (ctx, _args, options) => (await load.apiKeys()).listApiKeys(ctx, options)));
  apiKeys
    .command('create')
    .description('create an API key; its value is printed once')
    .requiredOption('--name <name>', 'who or what holds it, e.g. billing-worker')
    .option('--json', 'machine-readable output, with the value in "key"')
    .action(
      run<{ name: string; json?: boolean }>(async (ctx, _args, options) =>
        (await load.apiKeys()).createApiKey(ctx, options),
      ),
    );
  apiKeys
    .command('revoke')
    .argument('<id>', 'API key ID, key_…')
    .description('revoke an API key at once')
    .action(run(async (ctx, [id]) => (await load.apiKeys()).revokeApiKey(ctx, id!)));
  apiKeys
    .command('roll')
    .argument('<id>', 'API key ID, key_…')
    .description('replace an API key with a new value; its value is printed once')
    .option('--grace <seconds>', 'keep the old key working this many seconds (0 to 604800; default 0)')
    .option('--json', 'machine-readable output, with the value in "key"')
    .action(
      run<{ grace?: string; json?: boolean }>(async (ctx, [id], options) =>
        (await load.apiKeys()).rollApiKey(ctx, id!, options),
      ),
    );

  program
    .command('scopes')
    .description('the scopes a token can hold, with what each allows')
    .option('--json', 'machine-readable output')
    .action(run(async (ctx, _args, options) => (await load.scopes()).listScopes(ctx, options)));

  const projects = program.command('projects').description("the account's projects");
  projects
    .command('list')
    .description('list projects')
    .option('--json', 'machine-readable output')
    .action(run(async (ctx, _args, options) => (await load.projects()).listProjects(ctx, options)));
  projects
    .command('create')
    .argument('<name>', 'project name')
    .description('create a project')
    .option('--json', 'machine-readable output')
    .action(run(async (ctx, [name], options) => (await load.projects()).createProject(ctx, name!, options)));
  projects
    .command('delete')
    .argument('<id>', 'project ID')
    .description('delete a project and its deployments')
    .option('--json', 'machine-readable output')
    .action(run(async (ctx, [id], options) => (await load.projects()).deleteProject(ctx, id!, options)));

  const deployments = program.command('deployments').description("a project's deployments");
  deployments
    .command('list')
    .argument('<project-id>', 'project ID')
    .description("list a project's deployments")
    .option('--json', 'machine-readable output')
    .action(run(async (ctx, [id], options) => (await load.deployments()).listDeployments(ctx, id!, options)));
  deployments
    .command('create')
    .argument('<project-id>', 'project ID')
    .description('deploy a project')
    .option('--environment <name>', 'target environment')
    .option('--ref <ref>', 'git ref or version to deploy')
    .option('--json', 'machine-readable output')
    .action(
      run<CreateDeploymentOptions>(async (ctx, [id], options) =>
        (await load.deployments()).createDeployment(ctx, id!, options),
      ),
    );

  program
    .command('scan')
    .argument('[paths...]', 'files or directories (default: the current directory)')
    .description('find Skytells tokens and API keys in files or staged changes; exit 1 when any is found')
    .option('--staged', 'scan what the next commit adds (for a pre-commit hook)')
    .option('--revoke', 'revoke every token and API key found, through POST /v1/credentials/revoke')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      "\nAs a git pre-commit hook:\n  printf '#!/bin/sh\\nexec npx skytells scan --staged\\n' > .git/hooks/pre-commit\n  chmod +x .git/hooks/pre-commit",
    )
    .action(run<ScanOptions>(async (ctx, paths, options) => (await load.scan()).scan(ctx, paths, options)));

  return program;
}

async function main(argv: string[]): Promise<void> {
  if (argv.some((arg) => TOKEN_LIKE.test(arg))) {
    const [{ Renderer }, { usageError }] = await Promise.all([import('./render.js'), import('./errors.js')]);
    new Renderer({ stdout: process.stdout, stderr: process.stderr, env: process.env }).error(
      usageError(
        'Never put a token on the command line: shell history and the process list keep it.',
        'Pipe it in (`skytells login --with-token < token.txt`) or set SKYTELLS_TOKEN.',
      ),
    );
    process.exitCode = 2;
    return;
  }
  // The most frequent probe of a CLI's health answers before even the argument parser loads.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`skytells ${VERSION}\n`);
    return;
  }
  const commander = await import('commander');
  try {
    await buildProgram(commander).parseAsync(argv, { from: 'user' });
  } catch (error) {
    // Commander has already printed its message (or the help, or the version).
    if (error instanceof commander.CommanderError) process.exitCode = error.exitCode === 0 ? 0 : 2;
    else throw error;
  }
}

await main(process.argv.slice(2));

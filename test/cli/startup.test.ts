import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/processes.js';

const CLI = fileURLToPath(new URL('../../cli/src/main.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const dir = mkdtempSync(join(tmpdir(), 'skytells-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A module-resolution hook that writes every module the CLI loads to a file (node:module register).
writeFileSync(
  join(dir, 'hooks.mjs'),
  `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.MODULE_TRACE, result.url + '\\n');
  return result;
}
`,
);
writeFileSync(
  join(dir, 'register.mjs'),
  `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`,
);

/** Runs the CLI and returns the modules it loaded. */
function modulesLoadedBy(
  args: string[],
  env: Record<string, string> = {},
): { loaded: string[]; stdout: string; status: number | null } {
  const trace = join(dir, `trace-${args.join('-')}.txt`);
  writeFileSync(trace, '');
  const result = spawnSync(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      pathToFileURL(join(dir, 'register.mjs')).href,
      '--import',
      TSX,
      CLI,
      ...args,
    ],
    {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { PATH: process.env['PATH'], HOME: dir, XDG_CONFIG_HOME: dir, MODULE_TRACE: trace, ...env },
    },
  );
  return {
    loaded: readFileSync(trace, 'utf8').split('\n').filter(Boolean),
    stdout: result.stdout,
    status: result.status,
  };
}

describe('start-up', () => {
  it('skytells --version prints the package version and loads no command, API client, contract, OAuth or keychain module', () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'cli', 'package.json'), 'utf8')) as {
      version: string;
    };
    const { loaded, stdout, status } = modulesLoadedBy(['--version']);

    expect(status).toBe(0);
    expect(stdout).toBe(`skytells ${version}\n`);
    expect(loaded.some((url) => url.endsWith('/cli/src/main.ts'))).toBe(true);
    expect(
      loaded.filter((url) =>
        /cli\/src\/(?!main\.ts)|contract\/src|typebox|oauth4webapi|@napi-rs\/keyring/.test(url),
      ),
    ).toEqual([]);
  });

  it('skytells whoami loads the API client but neither oauth4webapi, the keychain library, nor other commands', () => {
    const { loaded, status } = modulesLoadedBy(['whoami'], { SKYTELLS_HOST: 'http://127.0.0.1:9' });

    expect(status).toBe(4);
    expect(loaded.some((url) => url.includes('cli/src/commands/auth'))).toBe(true);
    expect(
      loaded.filter((url) =>
        /oauth4webapi|@napi-rs\/keyring|commands\/(login|tokens|scan|projects)/.test(url),
      ),
    ).toEqual([]);
  });
});

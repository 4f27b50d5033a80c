import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withBadChecksum } from '../support/http.js';
import {
  allTokens,
  asUser,
  createToken,
  killRunningClis,
  makeHome,
  runCli,
  signUp,
  startTestServer,
  type CliHome,
  type TestServer,
} from './cli-harness.js';

let server: TestServer;
const cleanup: (() => void)[] = [];

beforeAll(async () => {
  server = await startTestServer();
});
// Tests run concurrently: a CLI left running by a failed test is reaped at the end, not after each.
afterAll(async () => {
  killRunningClis();
  for (const undo of cleanup) undo();
  await server.close();
});

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'skytells-scan-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

function home(): CliHome {
  const made = makeHome();
  cleanup.push(() => made.dispose());
  return made;
}

describe.concurrent('skytells scan', () => {
  it('finds a planted token, prints file:line:column and the masked id (never the value), and exits 1', async () => {
    const user = await signUp(server.url);
    const leaked = await createToken(server.url, user);
    const dir = workspace({
      'src/config.ts': `export const settings = {\n  region: 'eu',\n  token: "${leaked.token}",\n};\n`,
      'README.md': 'Nothing to see here.\n',
    });

    const scan = await runCli(['scan'], { env: home().env(server.url), cwd: dir });

    expect(scan.code).toBe(1);
    expect(scan.stdout).toBe(`${join('src', 'config.ts')}:3:11  ${leaked.masked}\n`);
    expect(scan.stderr).toContain('Found 1 Skytells token in 1 file (2 files scanned).');
    expect(scan.stdout + scan.stderr).not.toContain(leaked.token);
    expect((await allTokens(server.url, user)).find((t) => t.id === leaked.id)?.status).toBe('active');
  });

  it('ignores a look-alike with a bad checksum and exits 0 when nothing real is there', async () => {
    const user = await signUp(server.url);
    const real = await createToken(server.url, user);
    const dir = workspace({ 'fixtures.txt': `example: ${withBadChecksum(real.token)}\nskt_short\n` });

    const scan = await runCli(['scan', '.'], { env: home().env(server.url), cwd: dir });

    expect(scan.code).toBe(0);
    expect(scan.stdout).toBe('');
    expect(scan.stderr).toContain('No Skytells tokens in 1 file.');
  });

  it('respects .gitignore in directories, but scans a file named explicitly', async () => {
    const user = await signUp(server.url);
    const ignored = await createToken(server.url, user);
    const dir = workspace({
      '.gitignore': 'secrets/\n*.log\n!keep.log\n',
      'secrets/prod.env': `SKYTELLS_TOKEN=${ignored.token}\n`,
      'debug.log': `token=${ignored.token}\n`,
      'keep.log': 'clean\n',
    });

    const directory = await runCli(['scan', dir, '--json'], { env: home().env(server.url), cwd: dir });
    expect(directory.code).toBe(0);
    expect(JSON.parse(directory.stdout)).toEqual({ findings: [], files_scanned: 2, revoked: null });

    const explicit = await runCli(['scan', 'secrets/prod.env', '--json'], {
      env: home().env(server.url),
      cwd: dir,
    });
    expect(explicit.code).toBe(1);
    expect(JSON.parse(explicit.stdout).findings).toEqual([
      { file: join('secrets', 'prod.env'), line: 1, column: 16, masked: ignored.masked },
    ]);
  });

  it('--revoke kills every found token through POST /v1/credentials/revoke, without logging in', async () => {
    const user = await signUp(server.url);
    const first = await createToken(server.url, user);
    const second = await createToken(server.url, user);
    const dir = workspace({
      'a.env': `A=${first.token}\nB=${second.token}\n`,
      'b.env': `A_AGAIN=${first.token}\n`,
    });

    const scan = await runCli(['scan', '--revoke', '--json'], { env: home().env(server.url), cwd: dir });

    expect(scan.code).toBe(1);
    const report = JSON.parse(scan.stdout);
    expect(report.findings).toHaveLength(3);
    expect(report.revoked).toBe(2);
    const statuses = await allTokens(server.url, user);
    expect(statuses.find((t) => t.id === first.id)?.status).toBe('revoked');
    expect(statuses.find((t) => t.id === second.id)?.status).toBe('revoked');
  });

  it('finds API keys (sk_live_) too, masked and checksum-verified, and --revoke revokes them as leaked', async () => {
    const user = await signUp(server.url);
    const token = await createToken(server.url, user);
    const created = await asUser<{ id: string; key: string; masked: string }>(
      server.url,
      user,
      'POST',
      '/v1/api-keys',
      { name: 'legacy' },
    );
    const { id, key, masked } = created.body;
    const dir = workspace({
      'settings.py': `OPENAI_BASE = "x"\nSKYTELLS_KEY = "${key}"\nOTHER = "${withBadChecksum(key)}"\n`,
      'deploy.env': `TOKEN=${token.token}\n`,
    });

    const plain = await runCli(['scan'], { env: home().env(server.url), cwd: dir });
    expect(plain.code).toBe(1);
    expect(plain.stdout).toBe(`deploy.env:1:7  ${token.masked}\nsettings.py:2:17  ${masked}\n`);
    expect(plain.stdout + plain.stderr).not.toContain(key);

    const revoke = await runCli(['scan', '--revoke', '--json'], { env: home().env(server.url), cwd: dir });
    expect(revoke.code).toBe(1);
    expect(JSON.parse(revoke.stdout)).toMatchObject({ revoked: 2 });
    expect(revoke.stdout).not.toContain(key);
    const read = await asUser<{ status: string }>(server.url, user, 'GET', `/v1/api-keys/${id}`);
    expect(read.body.status).toBe('revoked');
    const audit = await asUser<{ data: { action: string; details: Record<string, unknown> }[] }>(
      server.url,
      user,
      'GET',
      '/v1/audit?action=api_key.revoked',
    );
    expect(audit.body.data.map((event) => event.details['reason'])).toEqual(['leaked']);
  });

  it('--staged judges only what the next commit adds, so it works as a pre-commit hook', async () => {
    const user = await signUp(server.url);
    const leaked = await createToken(server.url, user);
    const dir = workspace({ 'app.js': 'console.log("hello");\n' });
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: dir,
        env: { PATH: process.env['PATH'], HOME: dir, GIT_CONFIG_NOSYSTEM: '1' },
        stdio: 'ignore',
      });
    git('init', '--quiet');
    git('add', 'app.js');
    const cli = home();

    const clean = await runCli(['scan', '--staged'], { env: cli.env(server.url), cwd: dir });
    expect(clean.code).toBe(0);
    expect(clean.stderr).toContain('No Skytells tokens in the staged changes.');

    writeFileSync(join(dir, 'app.js'), `console.log("hello");\nconst t = '${leaked.token}';\n`);
    const unstaged = await runCli(['scan', '--staged'], { env: cli.env(server.url), cwd: dir });
    expect(unstaged.code).toBe(0);

    git('add', 'app.js');
    const staged = await runCli(['scan', '--staged'], { env: cli.env(server.url), cwd: dir });
    expect(staged.code).toBe(1);
    expect(staged.stdout).toBe(`app.js:2:12  ${leaked.masked}\n`);
    expect(staged.stderr).toContain(
      'Found 1 Skytells token in 1 file (1 file with staged changes scanned). Remove it from the file;',
    );
  });

  it('says how many distinct tokens it found, in how many files, and how many files it scanned, each in the right number', async () => {
    const user = await signUp(server.url);
    const first = await createToken(server.url, user);
    const second = await createToken(server.url, user);
    const dir = workspace({
      'a.env': `A=${first.token}\nB=${second.token}\nA_AGAIN=${first.token}\n`,
      'b.env': `A=${first.token}\n`,
      'clean.txt': 'nothing here\n',
    });

    const scan = await runCli(['scan'], { env: home().env(server.url), cwd: dir });

    expect(scan.code).toBe(1);
    expect(scan.stderr).toContain(
      '✗ Found 2 Skytells tokens at 4 places in 2 files (3 files scanned). ' +
        'Remove them from the files; anyone who has seen them can use them.',
    );
    const json = await runCli(['scan', '--json'], { env: home().env(server.url), cwd: dir });
    const report = JSON.parse(json.stdout) as {
      findings: { file: string; line: number }[];
      files_scanned: number;
    };
    expect(report.files_scanned).toBe(3);
    const where = report.findings.map((f) => `${f.file}:${f.line}`);
    expect(where.sort()).toEqual(['a.env:1', 'a.env:2', 'a.env:3', 'b.env:1']);
  }, 60_000);

  it("--staged outside a git repository says so in one sentence, without git's own output, and exits 2", async () => {
    const dir = workspace({ 'app.js': 'console.log("hello");\n' });
    // Whatever lies above the temporary directory, git must not find a repository there.
    const env = home().env(server.url, { GIT_CEILING_DIRECTORIES: dirname(dir) });

    const scan = await runCli(['scan', '--staged'], { env, cwd: dir });

    expect(scan.code).toBe(2);
    expect(scan.stdout).toBe('');
    expect(scan.stderr).toBe(
      'Usage error: Not a git repository: --staged scans the git index of the repository around you. ' +
        'Run it inside a repository, or name the files or directories to scan (`skytells scan PATH`).\n',
    );
    const json = await runCli(['scan', '--staged', '--json'], { env, cwd: dir });
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: 'not_a_git_repository', exit_code: 2 } });
  }, 60_000);

  it('is a usage error to name a path that does not exist, or paths with --staged', async () => {
    const dir = workspace({});
    const missing = await runCli(['scan', 'nope'], { env: home().env(server.url), cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('No such file or directory: nope');

    const both = await runCli(['scan', '--staged', '.'], { env: home().env(server.url), cwd: dir });
    expect(both.code).toBe(2);
  });
});

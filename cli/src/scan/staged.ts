import { execFile } from 'node:child_process';
import { CliError, ExitCode } from '../errors.js';

/** The lines a pending commit adds to one file. */
export interface StagedAdditions {
  /** Path relative to the repository root. */
  file: string;
  lines: { line: number; text: string }[];
}

/** Undoes git's C-style quoting of unusual paths (`"a\tb"`). */
function unquote(path: string): string {
  if (!path.startsWith('"')) return path;
  const bytes: number[] = [];
  const body = path.slice(1, -1);
  const escapes: Record<string, number> = { n: 10, t: 9, '"': 34, '\\': 92, a: 7, b: 8, f: 12, r: 13, v: 11 };
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const next = body[++i] ?? '';
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.slice(i, i + 3), 8));
      i += 2;
    } else bytes.push(escapes[next] ?? next.charCodeAt(0));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Parses `git diff --cached -U0` output into the added lines per file. */
export function parseAddedLines(diff: string): StagedAdditions[] {
  const files: StagedAdditions[] = [];
  let current: StagedAdditions | undefined;
  let inHunk = false;
  let next = 0;
  for (const line of diff.split('\n')) {
    if (line.startsWith('diff --git ')) {
      current = undefined;
      inHunk = false;
    } else if (!inHunk && line.startsWith('+++ ')) {
      const target = line.slice(4);
      current =
        target === '/dev/null' ? undefined : { file: unquote(target).replace(/^"?b\//, ''), lines: [] };
      if (current !== undefined) files.push(current);
    } else if (line.startsWith('@@ ')) {
      const match = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
      inHunk = match !== null;
      next = Number(match?.[1] ?? 0);
    } else if (inHunk && current !== undefined && line.startsWith('+')) {
      current.lines.push({ line: next, text: line.slice(1) });
      next += 1;
    } else if (inHunk && line.startsWith(' ')) {
      next += 1;
    }
  }
  return files.filter((file) => file.lines.length > 0);
}

/** True when `cwd` is inside a git repository (its work tree or its git directory). */
function isInsideRepository(cwd: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', '--git-dir'], { cwd }, (error) => resolve(error === null));
  });
}

/** `--staged` asked for outside a repository: the command line does not fit the place (exit 2). */
function notARepository(): CliError {
  return new CliError('Not a git repository: --staged scans the git index of the repository around you.', {
    exitCode: ExitCode.usage,
    code: 'not_a_git_repository',
    hint: 'Run it inside a repository, or name the files or directories to scan (`skytells scan PATH`).',
  });
}

/**
 * What the next commit would add: the staged (index) changes of the repository around `cwd`,
 * added lines only, so a pre-commit hook judges the commit, not the history.
 * @throws CliError: exit 2 outside a git repository; exit 1 without git or when git fails.
 */
export function stagedAdditions(cwd: string): Promise<StagedAdditions[]> {
  const args = [
    '-c',
    'core.quotePath=false',
    'diff',
    '--cached',
    '--no-color',
    '--no-ext-diff',
    // Whatever diff.noprefix or diff.mnemonicPrefix say, the parser expects b/.
    '--src-prefix=a/',
    '--dst-prefix=b/',
    '--no-renames',
    '--unified=0',
    '--diff-filter=AM',
  ];
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      { cwd, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve(parseAddedLines(stdout));
          return;
        }
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(new CliError('--staged needs git, which is not installed.', { code: 'git_failed' }));
          return;
        }
        // Outside a repository `git diff` falls back to comparing two paths and only complains about
        // --cached, so the cause is asked of git directly rather than read from its message.
        void isInsideRepository(cwd).then((inside) =>
          reject(
            inside
              ? new CliError(
                  `git could not list the staged changes: ${stderr.trim().split('\n')[0] || error.message}`,
                  { code: 'git_failed' },
                )
              : notARepository(),
          ),
        );
      },
    );
  });
}

import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { type IgnoreRule, isIgnored, parseGitignore } from './gitignore.js';

const toPosix = (path: string) => (sep === '/' ? path : path.split(sep).join('/'));

async function rulesOf(file: string, base: string): Promise<IgnoreRule[]> {
  try {
    return parseGitignore(await readFile(file, 'utf8'), base);
  } catch {
    return [];
  }
}

/** The nearest directory at or above `dir` that holds `.git`, if any. */
function gitRootOf(dir: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    if (existsSync(join(current, '.git'))) return current;
    if (dirname(current) === current) return undefined;
  }
}

/**
 * Every regular file under `dir`, skipping `.git` and whatever the `.gitignore` files (of `dir`, of
 * its parents up to the repository root, and `.git/info/exclude`) ignore. Symbolic links are not
 * followed.
 */
export async function* filesUnder(dir: string): AsyncGenerator<string> {
  const root = gitRootOf(dir) ?? dir;
  const rules: IgnoreRule[] = [];
  if (root !== dir || existsSync(join(root, '.git'))) {
    rules.push(...(await rulesOf(join(root, '.git', 'info', 'exclude'), '')));
    // The .gitignore files between the repository root and `dir` apply too.
    const between = toPosix(relative(root, dir))
      .split('/')
      .filter((part) => part !== '');
    for (let depth = 0; depth < between.length; depth++) {
      const ancestor = join(root, ...between.slice(0, depth));
      rules.push(...(await rulesOf(join(ancestor, '.gitignore'), between.slice(0, depth).join('/'))));
    }
  }

  async function* visit(current: string, inherited: IgnoreRule[]): AsyncGenerator<string> {
    const base = toPosix(relative(root, current));
    const own = [...inherited, ...(await rulesOf(join(current, '.gitignore'), base))];
    let entries;
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name === '.git') continue;
      const path = join(current, entry.name);
      const rel = toPosix(relative(root, path));
      if (entry.isDirectory()) {
        if (!isIgnored(own, rel, true)) yield* visit(path, own);
      } else if (entry.isFile() && !isIgnored(own, rel, false)) {
        yield path;
      }
    }
  }
  yield* visit(dir, rules);
}

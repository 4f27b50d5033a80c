/**
 * The project documents its own interface under docs/ and cites those pages: every page a source
 * file cites exists, and no source cites a document the repository does not hold.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/processes.js';

const ROOTS = ['src', 'cli/src', 'contract/src', 'web/src', 'test', 'bench'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

const files = ROOTS.flatMap((root) => sourceFiles(join(REPO_ROOT, root))).filter(
  (file) => !file.endsWith('citations.test.ts'),
);

/** The comment lines of `file`: where citations live (test fixtures may hold any path as data). */
function comments(file: string): string {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => /^\s*(\/\/|\/?\*)/.test(line) || line.includes('// '))
    .join('\n');
}

describe('citations of the interface documents', () => {
  it('cites only docs pages that exist', () => {
    const missing: string[] = [];
    for (const file of files) {
      for (const [page] of comments(file).matchAll(/\bdocs\/[a-z0-9-]+\.md\b/g)) {
        if (!existsSync(join(REPO_ROOT, page))) missing.push(`${relative(REPO_ROOT, file)} cites ${page}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('cites no document outside the repository', () => {
    const outside = files
      .filter((file) => /\bCONTRACT\b/.test(comments(file)))
      .map((file) => relative(REPO_ROOT, file));
    expect(outside).toEqual([]);
  });
});

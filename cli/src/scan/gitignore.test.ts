import { describe, expect, it } from 'vitest';
import { isIgnored, parseGitignore } from './gitignore.js';

const ignored = (patterns: string, path: string, isDirectory = false, base = '') =>
  isIgnored(parseGitignore(patterns, base), path, isDirectory);

describe('gitignore patterns', () => {
  it('matches a bare name at any depth', () => {
    expect(ignored('node_modules', 'node_modules', true)).toBe(true);
    expect(ignored('node_modules', 'packages/a/node_modules', true)).toBe(true);
    expect(ignored('.env', 'deploy/.env')).toBe(true);
    expect(ignored('.env', 'deploy/.env.example')).toBe(false);
  });

  it('anchors a pattern with a leading or middle slash to its directory', () => {
    expect(ignored('/build', 'build', true)).toBe(true);
    expect(ignored('/build', 'src/build', true)).toBe(false);
    expect(ignored('docs/*.md', 'docs/a.md')).toBe(true);
    expect(ignored('docs/*.md', 'x/docs/a.md')).toBe(false);
  });

  it('applies a trailing slash to directories only', () => {
    expect(ignored('secrets/', 'secrets', true)).toBe(true);
    expect(ignored('secrets/', 'secrets', false)).toBe(false);
  });

  it('lets a later negation re-include, last match wins', () => {
    expect(ignored('*.log\n!keep.log', 'keep.log')).toBe(false);
    expect(ignored('*.log\n!keep.log', 'debug.log')).toBe(true);
  });

  it('understands *, ?, [...] and ** without letting * cross a slash', () => {
    expect(ignored('*.ts', 'a/b.ts')).toBe(true);
    expect(ignored('a/*.ts', 'a/b/c.ts')).toBe(false);
    expect(ignored('a/**/c.ts', 'a/b/d/c.ts')).toBe(true);
    expect(ignored('a/**/c.ts', 'a/c.ts')).toBe(true);
    expect(ignored('**/tmp', 'x/y/tmp', true)).toBe(true);
    expect(ignored('out/**', 'out/a/b.js')).toBe(true);
    expect(ignored('file?.txt', 'file1.txt')).toBe(true);
    expect(ignored('file[0-9].txt', 'filex.txt')).toBe(false);
    expect(ignored('file[!0-9].txt', 'filex.txt')).toBe(true);
  });

  it('skips comments and blank lines, and honours escapes', () => {
    expect(ignored('# a comment\n\n', '# a comment')).toBe(false);
    expect(ignored('\\#literal', '#literal')).toBe(true);
    expect(ignored('\\!bang', '!bang')).toBe(true);
  });

  it('scopes a nested .gitignore to its own directory', () => {
    expect(ignored('*.env', 'service/prod.env', false, 'service')).toBe(true);
    expect(ignored('*.env', 'other/prod.env', false, 'service')).toBe(false);
    expect(ignored('/local', 'service/local', true, 'service')).toBe(true);
  });
});

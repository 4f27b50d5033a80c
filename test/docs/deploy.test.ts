/**
 * docs/deploy.md shows deploy/nginx.conf in full; the page and the file the e2e suite runs cannot drift
 * apart.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/processes.js';

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');

describe('docs/deploy.md', () => {
  it('shows deploy/nginx.conf exactly as the repository ships it', () => {
    const blocks = [...read('docs/deploy.md').matchAll(/^```nginx\n([\s\S]*?)^```$/gm)].map((m) => m[1]);

    expect(blocks).toEqual([read('deploy/nginx.conf')]);
  });

  it('is linked from the README', () => {
    expect(read('README.md')).toContain('(docs/deploy.md)');
  });
});

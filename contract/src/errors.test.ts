import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, OAUTH_ERROR_CATALOGUE } from './errors.js';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
const [problemPart = '', oauthPart = ''] = doc.split(/^## OAuth errors$/m);

/** The `code → status` rows of the markdown tables in `text`. */
function documented(text: string): Map<string, number> {
  return new Map(
    [...text.matchAll(/^\|\s*`([a-z_]+)`\s*\|\s*(\d{3})\s*\|/gm)].map((match) => [
      match[1]!,
      Number(match[2]),
    ]),
  );
}

describe('error catalogues and docs/errors.md', () => {
  it.each([
    [
      'problem',
      ERROR_CATALOGUE as Record<string, { status: number }>,
      problemPart,
      (entry: { status: number }) => entry.status,
    ],
    ['OAuth', OAUTH_ERROR_CATALOGUE as Record<string, number>, oauthPart, (status: number) => status],
  ] as const)('documents every %s code with its status, and no other', (_name, catalogue, text, statusOf) => {
    const rows = documented(text);
    for (const [code, entry] of Object.entries(catalogue)) {
      expect(rows.get(code), `docs/errors.md lacks ${code}`).toBe(statusOf(entry as never));
    }
    for (const code of rows.keys())
      expect(Object.keys(catalogue), `${code} is documented but not in the catalogue`).toContain(code);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCatalogue } from './errors.js';

const documented = new Map(
  [
    ...readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8').matchAll(
      /^\| `([a-z_]+)` \| (\d{3}) \|/gm,
    ),
  ].map((match) => [match[1], Number(match[2])]),
);

describe('error catalogue and docs/errors.md', () => {
  it('documents every code with its status', () => {
    for (const [code, entry] of Object.entries(errorCatalogue)) {
      expect(documented.get(code), `docs/errors.md lacks ${code}`).toBe(entry.status);
    }
  });

  it('documents no code the catalogue lacks', () => {
    for (const code of documented.keys()) expect(Object.keys(errorCatalogue)).toContain(code);
  });
});

import { describe, expect, it } from 'vitest';
import { randomInt } from 'node:crypto';
import { BASE62, maskToken, TOKEN_PREFIX, TOKEN_RANDOM_LENGTH, tokenChecksum } from '@skytells/contract';
import { findingsIn } from './scanner.js';

/** A fresh, checksum-valid token value. */
function generateTokenValue(): string {
  let body = TOKEN_PREFIX;
  while (body.length < TOKEN_PREFIX.length + TOKEN_RANDOM_LENGTH) body += BASE62[randomInt(62)];
  return body + tokenChecksum(body);
}

describe('findingsIn', () => {
  it('reports 1-based line and column of each checksum-valid token, and skips look-alikes', () => {
    const token = generateTokenValue();
    const lookAlike = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const text = `first\n  key: ${token}\n${lookAlike}\nx=${token}`;

    expect(findingsIn(text, 'f.yml')).toEqual([
      { file: 'f.yml', line: 2, column: 8, masked: maskToken(token), value: token },
      { file: 'f.yml', line: 4, column: 3, masked: maskToken(token), value: token },
    ]);
  });

  it('numbers lines from the given first line', () => {
    const token = generateTokenValue();
    expect(findingsIn(token, 'a', 40)[0]).toMatchObject({ line: 40, column: 1 });
  });
});

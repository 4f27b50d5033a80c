import { describe, expect, it } from 'vitest';
import { generateTokenValue, maskToken } from '../../../core/token-format.js';
import { secureRandom } from '../../../core/random.js';
import { findingsIn } from './scanner.js';

describe('findingsIn', () => {
  it('reports 1-based line and column of each checksum-valid token, and skips look-alikes', () => {
    const token = generateTokenValue(secureRandom);
    const lookAlike = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const text = `first\n  key: ${token}\n${lookAlike}\nx=${token}`;

    expect(findingsIn(text, 'f.yml')).toEqual([
      { file: 'f.yml', line: 2, column: 8, masked: maskToken(token), value: token },
      { file: 'f.yml', line: 4, column: 3, masked: maskToken(token), value: token },
    ]);
  });

  it('numbers lines from the given first line', () => {
    const token = generateTokenValue(secureRandom);
    expect(findingsIn(token, 'a', 40)[0]).toMatchObject({ line: 40, column: 1 });
  });
});

import { TOKEN_PREFIX, TOKEN_RANDOM_LENGTH, tokenChecksum } from '@skytells/contract';
import { type Random, randomBase62 } from './random.js';

export {
  findTokens,
  isWellFormedToken,
  maskToken,
  TOKEN_PATTERN,
  TOKEN_PREFIX,
  tokenChecksum,
} from '@skytells/contract';

/** A new access token value: prefix, 32 CSPRNG characters, 6 checksum characters (docs/tokens.md). */
export function generateTokenValue(random: Random): string {
  const body = TOKEN_PREFIX + randomBase62(random, TOKEN_RANDOM_LENGTH);
  return body + tokenChecksum(body);
}

import {
  API_KEY_PREFIX,
  API_KEY_RANDOM_LENGTH,
  apiKeyChecksum,
  TOKEN_PREFIX,
  TOKEN_RANDOM_LENGTH,
  tokenChecksum,
} from '@skytells/contract';
import { type Random, randomBase62 } from './random.js';

export {
  API_KEY_PREFIX,
  findApiKeys,
  isWellFormedApiKey,
  maskApiKey,
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

/** A new API key value: `sk_live_`, 32 CSPRNG characters, 6 checksum characters (docs/api-keys.md). */
export function generateApiKeyValue(random: Random): string {
  const body = API_KEY_PREFIX + randomBase62(random, API_KEY_RANDOM_LENGTH);
  return body + apiKeyChecksum(body);
}

import type { ProviderName } from '@skytells/contract';
import { invalidField } from '../errors.js';

/** The longest key accepted; providers' keys are far shorter. */
export const MAX_PROVIDER_KEY_LENGTH = 1000;

// Printable ASCII without the space: what an HTTP header can carry as a credential.
const KEY_CHARACTERS = /^[\x21-\x7e]+$/;

/**
 * At most the last 4 characters of `apiKey` after an ellipsis (`…3xYz`): a quarter of the key at
 * most, so that a short key shows fewer (and one under 4 characters none).
 */
export function maskProviderKey(apiKey: string): string {
  const shown = Math.min(4, Math.floor(apiKey.length / 4));
  return `…${shown === 0 ? '' : apiKey.slice(-shown)}`;
}

/**
 * Checks a provider key: 1 to 1000 printable ASCII characters, no whitespace or control character.
 * @throws ApiError `validation_failed` naming `api_key`.
 */
export function checkProviderKey(apiKey: string): void {
  if (apiKey.length === 0 || apiKey.length > MAX_PROVIDER_KEY_LENGTH) {
    throw invalidField('api_key', `must be 1 to ${MAX_PROVIDER_KEY_LENGTH} characters`);
  }
  if (!KEY_CHARACTERS.test(apiKey)) {
    throw invalidField('api_key', 'must be printable ASCII without spaces or control characters');
  }
}

/**
 * The base URL to save for `provider`: required for `openai_compatible`, an http(s) URL without
 * credentials, query or fragment, returned without a trailing `/`; refused for the others, whose
 * base URL is the server's configuration.
 * @throws ApiError `validation_failed` naming `base_url`.
 */
export function checkBaseUrl(provider: ProviderName, baseUrl: string | undefined): string | null {
  if (provider !== 'openai_compatible') {
    if (baseUrl !== undefined) {
      throw invalidField(
        'base_url',
        `is for openai_compatible only; ${provider} is reached at the configured URL`,
      );
    }
    return null;
  }
  if (baseUrl === undefined) throw invalidField('base_url', 'is required for openai_compatible');
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw invalidField('base_url', 'must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidField('base_url', 'must be an http(s) URL');
  }
  if (url.username !== '' || url.password !== '') {
    throw invalidField('base_url', 'must not carry credentials; the key goes in api_key');
  }
  if (url.search !== '' || url.hash !== '' || baseUrl.includes('?') || baseUrl.includes('#')) {
    throw invalidField('base_url', 'must have no query or fragment');
  }
  return url.href.replace(/\/+$/, '');
}

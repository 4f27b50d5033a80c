import { describe, expect, it } from 'vitest';
import { firstMissingScope, hasScope, parseScopes } from './scopes.js';
import { ApiError } from './errors.js';

describe('scopes', () => {
  it('lets write imply read of the same resource only', () => {
    expect(hasScope(['tokens:write'], 'tokens:read')).toBe(true);
    expect(hasScope(['tokens:read'], 'tokens:write')).toBe(false);
    expect(hasScope(['projects:write'], 'tokens:read')).toBe(false);
  });

  it('normalises a list into catalogue order without duplicates', () => {
    expect(parseScopes(['tokens:write', 'account:read', 'tokens:write'])).toEqual([
      'account:read',
      'tokens:write',
    ]);
  });

  it('refuses unknown and empty scope lists with a field error', () => {
    expect(() => parseScopes(['tokens:admin'])).toThrow(ApiError);
    expect(() => parseScopes([])).toThrow(/at least one/);
  });

  it('names the first requested scope the holder does not cover', () => {
    expect(firstMissingScope(['projects:write'], ['projects:read', 'billing:read'])).toBe('billing:read');
    expect(firstMissingScope(['projects:write'], ['projects:read'])).toBeUndefined();
  });
});

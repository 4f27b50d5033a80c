import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.js';
import { checkBaseUrl, checkProviderKey, maskProviderKey } from './provider-key-rules.js';

function refusal(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('maskProviderKey', () => {
  it('shows the last 4 characters of a key of 16 or more', () => {
    expect(maskProviderKey('sk-proj-abcdefgh3xYz')).toBe('…3xYz');
    expect(maskProviderKey('0123456789abcdef')).toBe('…cdef');
  });

  it('shows a quarter at most of a short key, and nothing of one under 4 characters', () => {
    expect(maskProviderKey('12345678')).toBe('…78');
    expect(maskProviderKey('abcd')).toBe('…d');
    expect(maskProviderKey('abc')).toBe('…');
  });
});

describe('checkProviderKey', () => {
  it('accepts printable ASCII up to 1000 characters', () => {
    expect(() => checkProviderKey('sk-ant-api03-AbC_123~!')).not.toThrow();
    expect(() => checkProviderKey('x'.repeat(1000))).not.toThrow();
  });

  it.each([
    ['empty', ''],
    ['too long', 'x'.repeat(1001)],
    ['with a space', 'sk abc'],
    ['with a newline', 'sk-abc\n'],
    ['with a tab', 'sk-\tabc'],
    ['with a NUL', 'sk-\0abc'],
    ['with non-ASCII', 'sk-é'],
  ])('refuses a key %s with validation_failed on api_key', (_label, key) => {
    const error = refusal(() => checkProviderKey(key));
    expect(error.code).toBe('validation_failed');
    expect(error.errors?.[0]?.field).toBe('api_key');
  });
});

describe('checkBaseUrl', () => {
  it('requires an http(s) URL for openai_compatible and drops a trailing slash', () => {
    expect(checkBaseUrl('openai_compatible', 'https://llm.example.com/v1/')).toBe(
      'https://llm.example.com/v1',
    );
    expect(checkBaseUrl('openai_compatible', 'http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
  });

  it('has no base URL for openai and anthropic', () => {
    expect(checkBaseUrl('openai', undefined)).toBeNull();
    expect(checkBaseUrl('anthropic', undefined)).toBeNull();
  });

  it.each([
    ['openai', 'https://api.openai.com/v1'],
    ['anthropic', 'https://api.anthropic.com'],
    ['openai_compatible', undefined],
    ['openai_compatible', 'llm.example.com/v1'],
    ['openai_compatible', 'ftp://llm.example.com'],
    ['openai_compatible', 'file:///etc/passwd'],
    ['openai_compatible', 'https://user:pass@llm.example.com/v1'],
    ['openai_compatible', 'https://llm.example.com/v1?key=x'],
    ['openai_compatible', 'https://llm.example.com/v1#x'],
  ] as const)('refuses %s with base_url %s', (provider, baseUrl) => {
    const error = refusal(() => checkBaseUrl(provider, baseUrl));
    expect(error.code).toBe('validation_failed');
    expect(error.errors?.[0]?.field).toBe('base_url');
  });
});

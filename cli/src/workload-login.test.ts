import { describe, expect, it } from 'vitest';
import { CliError } from './errors.js';
import { idTokenRequestUrl, idTokenSource } from './workload-login.js';

describe('idTokenRequestUrl', () => {
  it("adds the audience to GitHub's request URL, keeping its query and encoding the value", () => {
    const url = new URL(
      idTokenRequestUrl(
        'https://pipelines.actions.githubusercontent.com/abc/idtoken/xyz?api-version=2.0',
        'https://skytells.example.com/a b&c',
      ),
    );
    expect(url.searchParams.get('api-version')).toBe('2.0');
    expect(url.searchParams.get('audience')).toBe('https://skytells.example.com/a b&c');
    expect(url.pathname).toBe('/abc/idtoken/xyz');
  });

  it('replaces an audience the URL already carries', () => {
    const url = new URL(idTokenRequestUrl('https://example.com/t?audience=old', 'new'));
    expect(url.searchParams.getAll('audience')).toEqual(['new']);
  });
});

describe('idTokenSource', () => {
  const github = {
    ACTIONS_ID_TOKEN_REQUEST_URL: 'https://example.com/t?api-version=2.0',
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token',
  };

  it('is the variable --id-token-env names, even on GitHub Actions', () => {
    expect(idTokenSource({ ...github, SKYTELLS_ID_TOKEN: 'eyJ…' }, 'SKYTELLS_ID_TOKEN')).toEqual({
      kind: 'variable',
      variable: 'SKYTELLS_ID_TOKEN',
    });
  });

  it("is GitHub Actions' request URL and token without --id-token-env", () => {
    expect(idTokenSource(github, undefined)).toEqual({
      kind: 'github-actions',
      requestUrl: github.ACTIONS_ID_TOKEN_REQUEST_URL,
      requestToken: 'request-token',
    });
  });

  it('is a usage error naming the variable when --id-token-env names an unset or empty one', () => {
    for (const env of [{}, { SKYTELLS_ID_TOKEN: '  ' }]) {
      const error = (() => {
        try {
          idTokenSource(env, 'SKYTELLS_ID_TOKEN');
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(CliError);
      expect((error as CliError).exitCode).toBe(2);
      expect((error as CliError).message).toContain('SKYTELLS_ID_TOKEN');
    }
  });

  it('is a usage error saying what to add to the job when there is no ID token at all', () => {
    expect(() =>
      idTokenSource({ ACTIONS_ID_TOKEN_REQUEST_URL: github.ACTIONS_ID_TOKEN_REQUEST_URL }, undefined),
    ).toThrow(expect.objectContaining({ exitCode: 2, hint: expect.stringContaining('id-token: write') }));
  });
});

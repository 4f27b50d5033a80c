import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '@skytells/contract';
import { ExitCode, problemToCliError } from './errors.js';

const stored = { host: 'https://s.example', tokenSource: 'stored' as const, loginCommand: 'skytells login' };

describe('problemToCliError', () => {
  it('turns each authentication failure into one sentence, `skytells login`, and exit 4', () => {
    const cases: Record<string, string> = {
      token_missing: 'You are not logged in to https://s.example.',
      token_malformed: 'This token is malformed (wrong format or checksum).',
      token_invalid: 'This token is not valid on https://s.example.',
      token_expired: 'This token has expired.',
      token_revoked: 'This token was revoked.',
    };
    for (const [code, sentence] of Object.entries(cases)) {
      const error = problemToCliError({ status: 401, code }, stored);
      expect({ code, message: error.message, hint: error.hint, exit: error.exitCode }).toEqual({
        code,
        message: sentence,
        hint: 'Run `skytells login`.',
        exit: ExitCode.auth,
      });
    }
  });

  it('tells a SKYTELLS_TOKEN user to replace the variable instead', () => {
    const error = problemToCliError(
      { status: 401, code: 'token_expired' },
      { ...stored, tokenSource: 'env' },
    );
    expect(error.hint).toContain('Set SKYTELLS_TOKEN to a valid token');
  });

  it('has a sentence for every code of the API catalogue, never an empty one', () => {
    for (const [code, { status }] of Object.entries(ERROR_CATALOGUE)) {
      const error = problemToCliError({ status, code }, stored);
      expect(error.message.length).toBeGreaterThan(5);
      expect(error.message.endsWith('.')).toBe(true);
      expect(error.exitCode).toBe(
        status === 401 && code.startsWith('token_') ? ExitCode.auth : ExitCode.error,
      );
    }
  });

  it("ends a not_found about a named subject with that subject's own list command", () => {
    const error = problemToCliError({ status: 404, code: 'not_found' }, stored, {
      name: 'project prj_1',
      listCommand: 'skytells projects list',
    });
    expect(error.message).toBe('No project prj_1 on this account.');
    expect(error.hint).toBe('Check the ID (`skytells projects list`).');
  });

  it('says a 404 about nothing named means the server lacks the API, and suggests no list command', () => {
    for (const problem of [
      { status: 404, code: 'not_found', detail: 'No route for GET /x/v1/tokens/self.' },
      // Not problem+json at all: a proxy or another program answering at that address.
      { status: 404 },
    ]) {
      const error = problemToCliError(problem, stored);
      expect(error.message).toBe('The server at https://s.example does not have this API (404 Not Found).');
      expect(error.hint).toBe('Is it a Skytells server? Check --host or SKYTELLS_HOST.');
      expect(error.exitCode).toBe(ExitCode.error);
    }
    const elsewhere = problemToCliError({ status: 404 }, stored, {
      name: 'token tok_1',
      listCommand: 'skytells tokens list',
    });
    expect(elsewhere.hint).not.toContain('list');
  });

  it('lists the failed fields of a validation error', () => {
    const error = problemToCliError(
      { status: 400, code: 'validation_failed', errors: [{ field: 'name', message: 'is too long' }] },
      stored,
    );
    expect(error.message).toBe('The server refused the input: name: is too long.');
  });
});

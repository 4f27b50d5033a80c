import { describe, expect, it } from 'vitest';
import { ApiProblem } from '../../web/src/api.js';
import {
  checkWorkloadForm,
  claimsProblem,
  workloadFormErrors,
} from '../../web/src/workloads/workload-form-errors.js';

const row = (key: number, name: string, value: string) => ({ key, name, value });

const FILLED = {
  name: 'deploy-api',
  issuer: 'https://token.actions.githubusercontent.com',
  audience: 'https://skytells.example.com',
  subject: 'repo:acme/api:ref:refs/heads/*',
  claims: [],
  scopeCount: 1,
  addresses: '',
};

describe('the add-workload form, checked before and after the server', () => {
  it('passes a filled form, and ignores claim rows left empty', () => {
    expect(checkWorkloadForm({ ...FILLED, claims: [row(1, '', '')] })).toEqual({});
  });

  it('names each missing or malformed field', () => {
    expect(
      checkWorkloadForm({
        name: ' ',
        issuer: 'token.actions.githubusercontent.com',
        audience: '',
        subject: 'repo:acme/api:ref:refs/heads/feature-*',
        claims: [row(1, '', 'production')],
        scopeCount: 0,
        addresses: '10.0.0.0/33',
      }),
    ).toEqual({
      name: expect.stringContaining('Give the workload a name'),
      issuer: expect.stringContaining('Enter the issuer’s URL'),
      audience: expect.stringContaining('audience'),
      subject: expect.stringContaining('“feature-*”'),
      claims: 'Every required claim needs a name.',
      scopes: 'Select at least one scope.',
      addresses: expect.stringContaining('Fix the addresses'),
    });
  });

  it('refuses a registered claim and a claim named twice', () => {
    expect(claimsProblem([row(1, 'sub', 'x')])).toContain('“sub” is checked by the server itself');
    expect(claimsProblem([row(1, 'ref', 'a'), row(2, ' ref', 'b')])).toContain('“ref” is listed twice');
  });

  it("puts the server's refusals next to their fields", () => {
    const problem = new ApiProblem(400, 'validation_failed', 'The request is not valid.', [
      { field: 'issuer', message: 'must be an https:// URL' },
      { field: 'claims.iss', message: 'is checked by the exchange itself' },
      { field: '/ttl_seconds', message: 'must be >= 300' },
    ]);
    expect(workloadFormErrors(problem, 'deploy-api')).toEqual({
      issuer: 'Issuer must be an https:// URL.',
      claims: 'Required claims: is checked by the exchange itself.',
      ttl: 'Token lifetime: must be >= 300.',
    });
    expect(
      workloadFormErrors(
        new ApiProblem(409, 'name_conflict', 'A workload is already named.'),
        ' deploy-api ',
      ),
    ).toEqual({ name: 'A workload is already named “deploy-api”. Pick another name.' });
  });
});

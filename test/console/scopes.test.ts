import { describe, expect, it } from 'vitest';
import {
  effectiveScopes,
  groupScopes,
  minimalScopes,
  PRESETS,
  presetScopes,
  successorName,
  summarize,
} from '../../web/src/scopes.js';
import { SCOPE_CATALOGUE } from '../../src/core/scopes.js';
import { successorName as serverSuccessorName } from '../../src/core/token-rules.js';

/** What `GET /v1/scopes` answers on this server; the catalogue grows with later issues. */
const SERVER_CATALOGUE = Object.entries(SCOPE_CATALOGUE).map(([name, description]) => ({
  name,
  description,
}));

/** A fixed catalogue (docs/tokens.md first ten scopes), so layout tests do not change as scopes are added. */
const CATALOGUE = [
  'account:read',
  'account:write',
  'tokens:read',
  'tokens:write',
  'projects:read',
  'projects:write',
  'deployments:read',
  'deployments:write',
  'billing:read',
  'audit:read',
].map((name) => ({ name, description: `Description of ${name}.` }));

describe('console scope logic', () => {
  it('groups scopes by resource with read and write side by side', () => {
    const groups = groupScopes(CATALOGUE);
    expect(groups.map((group) => group.resource)).toEqual([
      'account',
      'tokens',
      'projects',
      'deployments',
      'billing',
      'audit',
    ]);
    expect(groups.find((group) => group.resource === 'billing')).toMatchObject({
      label: 'Billing',
      read: { name: 'billing:read' },
      write: undefined,
    });
  });

  it('treats write as including read, and sends the shortest equivalent list', () => {
    expect(effectiveScopes(['projects:write'], CATALOGUE)).toEqual(['projects:read', 'projects:write']);
    expect(minimalScopes(['projects:read', 'projects:write', 'tokens:read'], CATALOGUE)).toEqual([
      'tokens:read',
      'projects:write',
    ]);
  });

  it('summarises what a token can do and which resources it cannot touch', () => {
    const { can, untouched } = summarize(['projects:write'], CATALOGUE);
    expect(can.map((capability) => [capability.scope, capability.impliedBy])).toEqual([
      ['projects:read', 'projects:write'],
      ['projects:write', undefined],
    ]);
    expect(untouched).toEqual(['Account', 'Access tokens', 'Deployments', 'Billing', 'Audit log']);
  });

  it('offers presets made only of scopes the server knows, none of them granting everything', () => {
    for (const preset of PRESETS) {
      expect(presetScopes(preset, SERVER_CATALOGUE)).toEqual(preset.scopes);
      expect(summarize(preset.scopes, SERVER_CATALOGUE).untouched.length).toBeGreaterThan(0);
    }
    expect(
      PRESETS.find((preset) => preset.id === 'monitoring')?.scopes.every((s) => s.endsWith(':read')),
    ).toBe(true);
  });

  it.each(['github-actions-prod', 'github-actions-prod-2', 'deploy-9', 'x'.repeat(100)])(
    'suggests the same replacement name for %s as the server does',
    (name) => {
      expect(successorName(name)).toBe(serverSuccessorName(name));
    },
  );
});

import { describe, expect, it } from 'vitest';
import { ApiError } from './errors.js';
import type { TokenRestrictions } from './model.js';
import {
  assertNarrower,
  isIpAllowed,
  parseRestrictions,
  resolveRestrictions,
  type RestrictionsInput,
} from './token-restrictions.js';

const only = (parts: Partial<TokenRestrictions>): TokenRestrictions => ({
  allowedIps: null,
  rateLimit: null,
  projects: null,
  ...parts,
});

/** The field a `validation_failed` refusal names, or undefined when `check` passes. */
function refusedField(check: () => void): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'validation_failed') throw error;
    return error.errors?.[0]?.field;
  }
}

describe('parseRestrictions', () => {
  it('stores addresses and CIDRs in canonical form, host bits cleared, without repeats', () => {
    expect(
      parseRestrictions({ allowedIps: ['10.1.2.3/8', '2001:DB8::1', ' 10.0.0.0/8', '::ffff:192.0.2.0/120'] })
        .allowedIps,
    ).toEqual(['10.0.0.0/8', '2001:db8::1', '192.0.2.0/24']);
  });

  it('names the entry that is no address or CIDR', () => {
    for (const entry of ['10.0.0.0/33', '0x7f.1', '10.0.0', 'fe80::1%eth0', '10.0.0.0/-1', 'host']) {
      expect(refusedField(() => parseRestrictions({ allowedIps: ['10.0.0.1', entry] }))).toBe(
        'allowed_ips[1]',
      );
    }
    expect(refusedField(() => parseRestrictions({ allowedIps: [] }))).toBe('allowed_ips');
    expect(refusedField(() => parseRestrictions({ projects: ['nope'] }))).toBe('projects[0]');
  });
});

describe('isIpAllowed', () => {
  it('matches IPv4 and IPv6 ranges, an IPv4-mapped address as its IPv4 address, and nothing else', () => {
    const restrictions = only({ allowedIps: ['203.0.113.0/24', '2001:db8::/32'] });
    expect(isIpAllowed(restrictions, '203.0.113.200')).toBe(true);
    expect(isIpAllowed(restrictions, '::ffff:203.0.113.7')).toBe(true);
    expect(isIpAllowed(restrictions, '2001:db8:ffff::1')).toBe(true);
    expect(isIpAllowed(restrictions, '203.0.114.1')).toBe(false);
    expect(isIpAllowed(restrictions, '2001:db9::1')).toBe(false);
    expect(isIpAllowed(restrictions, 'not an address')).toBe(false);
    expect(isIpAllowed(restrictions, null)).toBe(false);
    expect(isIpAllowed(only({ rateLimit: { requests: 1, perSeconds: 1 } }), null)).toBe(true);
  });
});

describe('assertNarrower', () => {
  const bound = only({
    allowedIps: ['10.0.0.0/8', '2001:db8::/32'],
    rateLimit: { requests: 1000, perSeconds: 60 },
    projects: ['prj_a', 'prj_b'],
  });
  const check = (parts: Partial<TokenRestrictions>) =>
    refusedField(() =>
      assertNarrower(resolveRestrictions(parseRestrictions(partsInput(parts)), bound), bound, 'the bound'),
    );

  it('accepts equal and narrower restrictions', () => {
    expect(check({})).toBeUndefined();
    expect(check({ allowedIps: ['10.1.0.0/16', '10.2.3.4', '2001:db8:1::/48'] })).toBeUndefined();
    expect(check({ rateLimit: { requests: 1000, perSeconds: 120 } })).toBeUndefined();
    expect(check({ rateLimit: { requests: 10, perSeconds: 1 } })).toBeUndefined();
    expect(check({ projects: [] })).toBeUndefined();
  });

  it('refuses wider restrictions, naming the field', () => {
    expect(check({ allowedIps: ['0.0.0.0/0'] })).toBe('allowed_ips');
    expect(check({ allowedIps: ['11.0.0.1'] })).toBe('allowed_ips');
    expect(check({ rateLimit: { requests: 2000, perSeconds: 120 } })).toBe('rate_limit');
    expect(check({ rateLimit: { requests: 1000, perSeconds: 59 } })).toBe('rate_limit');
    expect(check({ rateLimit: { requests: 20, perSeconds: 1 } })).toBe('rate_limit');
    expect(check({ projects: ['prj_c'] })).toBe('projects');
    expect(refusedField(() => assertNarrower(null, bound, 'the bound'))).toBe('allowed_ips');
  });

  it('refuses null, no restriction of that kind, where the bound has one', () => {
    const dropping = (input: RestrictionsInput) =>
      refusedField(() => assertNarrower(resolveRestrictions(input, bound), bound, 'the bound'));
    expect(dropping({ allowedIps: null })).toBe('allowed_ips');
    expect(dropping({ rateLimit: null })).toBe('rate_limit');
    expect(dropping({ projects: null })).toBe('projects');
  });
});

describe('resolveRestrictions', () => {
  const old = only({
    allowedIps: ['10.0.0.0/8'],
    rateLimit: { requests: 5, perSeconds: 1 },
    projects: ['prj_a'],
  });

  it('keeps an absent part, takes a given one and drops a null one', () => {
    expect(resolveRestrictions({}, old)).toEqual(old);
    expect(resolveRestrictions(parseRestrictions({ allowedIps: null, projects: ['prj_b'] }), old)).toEqual(
      only({ rateLimit: { requests: 5, perSeconds: 1 }, projects: ['prj_b'] }),
    );
    expect(resolveRestrictions(parseRestrictions({ rateLimit: null }), old)).toEqual(
      only({ allowedIps: ['10.0.0.0/8'], projects: ['prj_a'] }),
    );
  });

  it('is null when every part is dropped', () => {
    expect(resolveRestrictions({ allowedIps: null, rateLimit: null, projects: null }, old)).toBeNull();
    expect(resolveRestrictions({ allowedIps: null }, null)).toBeNull();
  });
});

function partsInput(parts: Partial<TokenRestrictions>) {
  return {
    ...(parts.allowedIps ? { allowedIps: parts.allowedIps } : {}),
    ...(parts.rateLimit ? { rateLimit: parts.rateLimit } : {}),
    ...(parts.projects ? { projects: parts.projects } : {}),
  };
}

import { describe, expect, it } from 'vitest';
import { ApiError } from './errors.js';
import type { AccessToken } from './model.js';
import type { Principal } from './principal.js';
import { assertRecentlyAuthenticated, authenticatedAtOf, REAUTH_WINDOW_MS } from './reauthentication.js';

const now = new Date('2026-12-01T12:00:00.000Z');
const ago = (ms: number) => new Date(now.getTime() - ms);
const session = (authenticatedAt: Date): Principal => ({
  kind: 'session',
  accountId: 'acc_1',
  sessionId: 'ses_1',
  authenticatedAt,
});

describe('re-authentication', () => {
  it('admits a session authenticated within the last ten minutes, to the millisecond', () => {
    expect(() => assertRecentlyAuthenticated(session(ago(0)), now)).not.toThrow();
    expect(() => assertRecentlyAuthenticated(session(ago(REAUTH_WINDOW_MS)), now)).not.toThrow();
  });

  it('refuses an older session with reauth_required', () => {
    const check = () => assertRecentlyAuthenticated(session(ago(REAUTH_WINDOW_MS + 1)), now);
    expect(check).toThrow(ApiError);
    try {
      check();
    } catch (error) {
      expect((error as ApiError).code).toBe('reauth_required');
    }
  });

  it('never asks an access token', () => {
    const token = { kind: 'token', accountId: 'acc_1', token: {} as AccessToken } as const;
    expect(() => assertRecentlyAuthenticated(token, now)).not.toThrow();
  });

  it('counts the sign-in, or a later re-authentication, whichever is newer', () => {
    expect(authenticatedAtOf({ createdAt: ago(60_000), reauthenticatedAt: null })).toEqual(ago(60_000));
    expect(authenticatedAtOf({ createdAt: ago(60_000), reauthenticatedAt: ago(1000) })).toEqual(ago(1000));
    expect(authenticatedAtOf({ createdAt: ago(1000), reauthenticatedAt: ago(60_000) })).toEqual(ago(1000));
  });
});

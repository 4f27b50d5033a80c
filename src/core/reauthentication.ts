import { ApiError } from './errors.js';
import type { Principal } from './principal.js';

/** How long a sign-in or re-authentication admits sensitive actions (docs/api.md, "Re-authentication"). */
export const REAUTH_WINDOW_MS = 10 * 60_000;

/**
 * Refuses a sensitive action unless the console session signed in or re-authenticated within
 * {@link REAUTH_WINDOW_MS} of `now`. Access tokens are not asked: they carry no password to
 * confirm, their scopes were granted by the owner, and a token can never create one that outlives it.
 * @throws ApiError `reauth_required`.
 */
export function assertRecentlyAuthenticated(principal: Principal, now: Date): void {
  if (principal.kind !== 'session') return;
  if (now.getTime() - principal.authenticatedAt.getTime() <= REAUTH_WINDOW_MS) return;
  throw new ApiError('reauth_required', {
    detail: 'Confirm your password or an authenticator code (POST /v1/sessions/current/reauth), then retry.',
  });
}

/** When `session` last proved its owner present: its sign-in or its latest re-authentication. */
export function authenticatedAtOf(session: { createdAt: Date; reauthenticatedAt: Date | null }): Date {
  const { createdAt, reauthenticatedAt } = session;
  return reauthenticatedAt !== null && reauthenticatedAt > createdAt ? reauthenticatedAt : createdAt;
}

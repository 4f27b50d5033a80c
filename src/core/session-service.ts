import type { AccountNotices } from './account-notices.js';
import type { AuditLog } from './audit.js';
import type { Clock } from './clock.js';
import { ApiError } from './errors.js';
import type { KeyedHasher } from './keyed-hash.js';
import type { RequestContext, Session } from './model.js';
import type { Stores, UnitOfWork } from './ports.js';
import { newId, randomBase62, type Random } from './random.js';

/** The longest a console session lasts, however active. */
export const SESSION_LIFETIME_MS = 30 * 86_400_000;
/** A session not seen for this long has ended. */
export const SESSION_IDLE_MS = 14 * 86_400_000;
/** `lastSeenAt` is written at most this often per session, so a request is not a write. */
export const SESSION_TOUCH_INTERVAL_MS = 60_000;

/** Dependencies of {@link SessionService}. */
export interface SessionServiceDeps {
  uow: UnitOfWork;
  hasher: KeyedHasher;
  clock: Clock;
  random: Random;
  audit: AuditLog;
  /** Account e-mail: the new-address sign-in notice. */
  notices: AccountNotices;
}

/** A new session with the secrets the browser receives: the cookie value and the CSRF token. */
export interface StartedSession {
  session: Session;
  /** Cookie value; only its keyed hash is stored. */
  secret: string;
  csrfToken: string;
}

/** Why other sessions ended, as their `session.revoked` events say. */
export type SessionEndReason = 'signed_out_elsewhere' | 'password_changed';

/** The instant a session was last active: seen, or else created. */
export function lastActiveAt(session: Pick<Session, 'createdAt' | 'lastSeenAt'>): Date {
  return session.lastSeenAt ?? session.createdAt;
}

/**
 * Console sessions: cookie secrets stored as keyed hashes, CSRF tokens derived from the session.
 * A session ends when signed out, after {@link SESSION_IDLE_MS} without a request, or
 * {@link SESSION_LIFETIME_MS} after sign-in, whichever comes first.
 */
export class SessionService {
  readonly #deps: SessionServiceDeps;

  constructor(deps: SessionServiceDeps) {
    this.#deps = deps;
  }

  /**
   * Starts a session for `accountId` and audits it. When the account has signed in before, but never
   * from this address, its owner is e-mailed, in the same transaction.
   */
  async start(accountId: string, context: RequestContext): Promise<StartedSession> {
    const now = this.#deps.clock.now();
    const secret = randomBase62(this.#deps.random, 43);
    const session: Session = {
      id: newId('ses', this.#deps.random, now),
      accountId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + SESSION_LIFETIME_MS),
      ip: context.ip,
      userAgent: context.userAgent,
      revokedAt: null,
      reauthenticatedAt: null,
      lastSeenAt: null,
    };
    await this.#deps.uow.transaction(async (stores) => {
      const history =
        context.ip === null ? undefined : await stores.sessions.signInHistory(accountId, context.ip);
      await stores.sessions.insert(session, this.#deps.hasher.hash('session-hash', secret));
      await this.#deps.audit.record(stores, {
        accountId,
        action: 'session.created',
        actor: { type: 'session', id: session.id },
        target: { type: 'session', id: session.id },
        context,
        details: history === undefined ? {} : { new_address: history.hasAny && !history.hasFromIp },
      });
      // The first sign-in of an account has no earlier address to differ from.
      if (history?.hasAny === true && !history.hasFromIp) {
        const account = await stores.accounts.findById(accountId);
        if (account !== undefined) await this.#deps.notices.newSignIn(stores, account, context);
      }
    });
    return { session, secret, csrfToken: this.csrfTokenFor(session.id) };
  }

  /**
   * The live session whose cookie value is `secret`, if any: not revoked, not past its lifetime, not
   * idle too long. Records that it was seen, at most once a {@link SESSION_TOUCH_INTERVAL_MS}.
   */
  async authenticate(secret: string): Promise<Session | undefined> {
    if (secret.length === 0 || secret.length > 128) return undefined;
    const stores = this.#deps.uow.stores;
    const session = await stores.sessions.findBySecretHash(this.#deps.hasher.hash('session-hash', secret));
    const now = this.#deps.clock.now();
    if (session === undefined || !isLive(session, now)) return undefined;
    if (now.getTime() - lastActiveAt(session).getTime() >= SESSION_TOUCH_INTERVAL_MS) {
      // Best effort: a request is not refused because its last-seen time could not be written.
      await stores.sessions.touch(session.id, now).catch(() => undefined);
      return { ...session, lastSeenAt: now };
    }
    return session;
  }

  /** The CSRF token of session `sessionId`: a keyed hash of its id, so nothing more is stored. */
  csrfTokenFor(sessionId: string): string {
    return this.#deps.hasher.hash('csrf', sessionId);
  }

  /** Whether `presented` is the CSRF token of session `sessionId`, compared in constant time. */
  isCsrfTokenValid(sessionId: string, presented: string): boolean {
    return this.#deps.hasher.verify('csrf', sessionId, presented);
  }

  /** Records that the owner of session `sessionId` proved their presence again, and audits it. */
  async markReauthenticated(
    accountId: string,
    sessionId: string,
    context: RequestContext,
    details: { method: 'password' | 'totp' | 'webauthn' },
  ): Promise<void> {
    const now = this.#deps.clock.now();
    await this.#deps.uow.transaction(async (stores) => {
      await stores.sessions.markReauthenticated(sessionId, now);
      await this.#deps.audit.record(stores, {
        accountId,
        action: 'session.reauthenticated',
        actor: { type: 'session', id: sessionId },
        target: { type: 'session', id: sessionId },
        context,
        details,
      });
    });
  }

  /** Ends the account's session `sessionId` (sign-out). */
  async end(accountId: string, sessionId: string, context: RequestContext): Promise<void> {
    const now = this.#deps.clock.now();
    await this.#deps.uow.transaction(async (stores) => {
      await stores.sessions.revoke(sessionId, now);
      await this.#deps.audit.record(stores, {
        accountId,
        action: 'session.deleted',
        actor: { type: 'session', id: sessionId },
        target: { type: 'session', id: sessionId },
        context,
      });
    });
  }

  /** The account's live sessions, most recently active first. */
  async list(accountId: string): Promise<Session[]> {
    const now = this.#deps.clock.now();
    return this.#deps.uow.stores.sessions.listActive(accountId, {
      now,
      idleSince: new Date(now.getTime() - SESSION_IDLE_MS),
    });
  }

  /**
   * Ends the account's live session `id`, from the account's session `currentId`.
   * @throws ApiError `not_found` for an unknown or ended session, or one of another account.
   */
  async revoke(accountId: string, id: string, currentId: string, context: RequestContext): Promise<void> {
    const live = await this.list(accountId);
    if (!live.some((session) => session.id === id)) {
      throw new ApiError('not_found', { detail: 'No such session.' });
    }
    const now = this.#deps.clock.now();
    await this.#deps.uow.transaction(async (stores) => {
      await stores.sessions.revoke(id, now);
      await this.#deps.audit.record(stores, {
        accountId,
        action: id === currentId ? 'session.deleted' : 'session.revoked',
        actor: { type: 'session', id: currentId },
        target: { type: 'session', id },
        context,
      });
    });
  }

  /**
   * Ends every session of the account but `currentId` ("sign out other sessions").
   * @returns how many ended.
   */
  async revokeOthers(accountId: string, currentId: string, context: RequestContext): Promise<number> {
    return this.#deps.uow.transaction((stores) =>
      this.endOthersIn(stores, { accountId, currentId, context, reason: 'signed_out_elsewhere' }),
    );
  }

  /**
   * Ends every session of the account but `currentId` through `stores` (a transaction's, so the
   * change that causes it commits with it), auditing each as `session.revoked` with `reason`.
   * @returns how many ended.
   */
  async endOthersIn(
    stores: Stores,
    options: { accountId: string; currentId: string; context: RequestContext; reason: SessionEndReason },
  ): Promise<number> {
    const now = this.#deps.clock.now();
    const ended = await stores.sessions.revokeAllExcept(options.accountId, options.currentId, {
      now,
      idleSince: new Date(now.getTime() - SESSION_IDLE_MS),
    });
    for (const id of ended) {
      await this.#deps.audit.record(stores, {
        accountId: options.accountId,
        action: 'session.revoked',
        actor: { type: 'session', id: options.currentId },
        target: { type: 'session', id },
        context: options.context,
        details: { reason: options.reason },
      });
    }
    return ended.length;
  }
}

/** Whether `session` still works at `now`. */
function isLive(session: Session, now: Date): boolean {
  return (
    session.revokedAt === null &&
    session.expiresAt > now &&
    now.getTime() - lastActiveAt(session).getTime() < SESSION_IDLE_MS
  );
}

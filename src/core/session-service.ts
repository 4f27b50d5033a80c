import type { AuditLog } from './audit.js';
import type { Clock } from './clock.js';
import type { KeyedHasher } from './keyed-hash.js';
import type { RequestContext, Session } from './model.js';
import type { UnitOfWork } from './ports.js';
import { newId, randomBase62, type Random } from './random.js';

/** How long a console session lasts. */
export const SESSION_LIFETIME_MS = 14 * 86_400_000;

/** Dependencies of {@link SessionService}. */
export interface SessionServiceDeps {
  uow: UnitOfWork;
  hasher: KeyedHasher;
  clock: Clock;
  random: Random;
  audit: AuditLog;
}

/** A new session with the secrets the browser receives: the cookie value and the CSRF token. */
export interface StartedSession {
  session: Session;
  /** Cookie value; only its keyed hash is stored. */
  secret: string;
  csrfToken: string;
}

/** Console sessions: cookie secrets stored as keyed hashes, CSRF tokens derived from the session. */
export class SessionService {
  readonly #deps: SessionServiceDeps;

  constructor(deps: SessionServiceDeps) {
    this.#deps = deps;
  }

  /** Starts a session for `accountId` and audits it. */
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
    };
    await this.#deps.uow.transaction(async (stores) => {
      await stores.sessions.insert(session, this.#deps.hasher.hash('session-hash', secret));
      await this.#deps.audit.record(stores, {
        accountId,
        action: 'session.created',
        actor: { type: 'session', id: session.id },
        target: { type: 'session', id: session.id },
        context,
      });
    });
    return { session, secret, csrfToken: this.csrfTokenFor(session.id) };
  }

  /** The live session whose cookie value is `secret`, if any. */
  async authenticate(secret: string): Promise<Session | undefined> {
    if (secret.length === 0 || secret.length > 128) return undefined;
    const session = await this.#deps.uow.stores.sessions.findBySecretHash(
      this.#deps.hasher.hash('session-hash', secret),
    );
    const now = this.#deps.clock.now();
    if (session === undefined || session.revokedAt !== null || session.expiresAt <= now) return undefined;
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
}

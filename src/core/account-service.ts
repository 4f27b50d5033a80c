import type { AuditLog } from './audit.js';
import type { Clock } from './clock.js';
import { ApiError, invalidField } from './errors.js';
import type { AccountNotices } from './account-notices.js';
import type { Account, RequestContext } from './model.js';
import type { PasskeyService } from './passkey-service.js';
import type { PasswordHasher } from './password-hasher.js';
import { DuplicateError, type UnitOfWork } from './ports.js';
import { actorOf, type Principal } from './principal.js';
import { newId, type Random } from './random.js';
import { assertRecentlyAuthenticated } from './reauthentication.js';
import type { SessionService, StartedSession } from './session-service.js';
import type { SignInThrottle } from './sign-in-throttle.js';
import type { WebAuthnAuthenticationResponse } from './relying-party.js';
import type { SecondFactorProof, TwoFactorService } from './two-factor-service.js';

/** A second factor presented at sign-in: a code, or a passkey's assertion. */
export type SignInFactor = SecondFactorProof | { webauthnResponse: WebAuthnAuthenticationResponse };

/** Dependencies of {@link AccountService}. */
export interface AccountServiceDeps {
  uow: UnitOfWork;
  clock: Clock;
  random: Random;
  audit: AuditLog;
  passwords: PasswordHasher;
  sessions: SessionService;
  throttle: SignInThrottle;
  twoFactor: TwoFactorService;
  /** Account e-mail: the password-changed notice. */
  notices: AccountNotices;
  passkeys: PasskeyService;
  /** Whether anyone may sign up, or only the administrator creates accounts. */
  signup: 'open' | 'closed';
}

/** What sign-up asks for. */
export interface SignUpInput {
  email: string;
  password: string;
  name?: string;
}

/** A session's change of the account's password. */
export interface PasswordChange {
  /** The session asking: it stays signed in, every other session ends. */
  principal: Extract<Principal, { kind: 'session' }>;
  currentPassword: string;
  newPassword: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CONTROL = /\p{Cc}/u;

/**
 * The password rules of sign-up and of a password change.
 * @throws ApiError `validation_failed` naming `field`.
 */
function assertPasswordRules(password: string, field: string): void {
  if (password.length < 8) throw invalidField(field, 'must be at least 8 characters');
  if (password.length > 1024) throw invalidField(field, 'must be at most 1024 characters');
}

/** Sign-up, sign-in and the account profile. */
export class AccountService {
  readonly #deps: AccountServiceDeps;

  constructor(deps: AccountServiceDeps) {
    this.#deps = deps;
  }

  /**
   * Creates an account.
   * @param options.bypassClosedSignup set by the administrator's `create-account` command.
   * @throws ApiError `signup_closed`, `validation_failed`, `email_taken`.
   */
  async signUp(
    input: SignUpInput,
    context: RequestContext,
    options: { bypassClosedSignup?: boolean } = {},
  ): Promise<Account> {
    if (this.#deps.signup === 'closed' && options.bypassClosedSignup !== true) {
      throw new ApiError('signup_closed', { detail: 'Ask the administrator of this server for an account.' });
    }
    const email = input.email.trim().toLowerCase();
    if (email.length > 254 || !EMAIL.test(email) || CONTROL.test(email)) {
      throw invalidField('email', 'must be an email address');
    }
    assertPasswordRules(input.password, 'password');
    const name = (input.name ?? '').trim() || email.split('@')[0] || email;
    if ([...name].length > 100 || CONTROL.test(name)) {
      throw invalidField('name', 'must be at most 100 characters without control characters');
    }

    const now = this.#deps.clock.now();
    const account = { id: newId('acc', this.#deps.random, now), email, name, createdAt: now };
    const passwordHash = await this.#deps.passwords.hash(input.password);
    try {
      await this.#deps.uow.transaction(async (stores) => {
        await stores.accounts.insert({ ...account, passwordHash });
        await this.#deps.audit.record(stores, {
          accountId: account.id,
          action: 'account.created',
          actor: { type: 'anonymous', id: null },
          target: { type: 'account', id: account.id },
          context,
        });
      });
    } catch (error) {
      if (error instanceof DuplicateError) {
        throw new ApiError('email_taken', {
          detail: 'An account with this email already exists.',
          cause: error,
        });
      }
      throw error;
    }
    return account;
  }

  /**
   * Signs in with email and password, and the second factor when the account has two-factor
   * authentication on. Unknown email, wrong password and wrong or reused second factor answer
   * alike, after the same work, and count alike towards the throttle per account and per address.
   * @throws ApiError `rate_limited` (with seconds to wait), `invalid_credentials`,
   * `second_factor_required` (with the account's factors, and passkey request options when it has a
   * passkey) when the password was right but no factor came.
   */
  async signIn(
    email: string,
    password: string,
    context: RequestContext,
    secondFactor?: SignInFactor,
  ): Promise<StartedSession & { account: Account }> {
    const normalised = email.trim().toLowerCase();
    const ip = context.ip ?? 'unknown';
    const wait = await this.#deps.throttle.retryAfter(normalised, ip);
    if (wait > 0) {
      throw new ApiError('rate_limited', {
        detail: 'Too many failed sign-ins. Try again later.',
        retryAfterSeconds: wait,
      });
    }
    // No account has an email with control characters; PostgreSQL would refuse a NUL in the query.
    const record = CONTROL.test(normalised)
      ? undefined
      : await this.#deps.uow.stores.accounts.findByEmail(normalised);
    const ok =
      record === undefined
        ? await this.#deps.passwords.verifyNothing(password)
        : await this.#deps.passwords.verify(password, record.passwordHash);
    const refuse = async (accountId: string | null, reason: string) => {
      await this.#deps.throttle.recordFailure(normalised, ip);
      await this.#deps.audit.record(this.#deps.uow.stores, {
        accountId,
        action: 'session.failed',
        actor: { type: 'anonymous', id: null },
        context,
        details: { reason },
      });
      return new ApiError('invalid_credentials', { detail: 'Wrong email or password.' });
    };
    if (record === undefined || !ok) throw await refuse(record?.id ?? null, 'invalid_credentials');
    const factors = await this.#deps.twoFactor.factorsOf(record.id);
    if (factors.length > 0) {
      if (secondFactor === undefined) {
        const hasPasskey = factors.includes('webauthn');
        throw new ApiError('second_factor_required', {
          detail: `Send ${factors.includes('totp') ? 'an authenticator code as totp_code, ' : ''}${hasPasskey ? 'an assertion of a passkey as webauthn_response (options in webauthn), ' : ''}or a recovery code as recovery_code.`,
          factors,
          ...(hasPasskey ? { webauthn: await this.#deps.passkeys.requestOptions(record.id) } : {}),
        });
      }
      const actor = { type: 'anonymous', id: null } as const;
      const accepted =
        'webauthnResponse' in secondFactor
          ? await this.#deps.passkeys.verifyAssertion(record.id, secondFactor.webauthnResponse, {
              actor,
              context,
            })
          : await this.#deps.twoFactor.verify(record.id, secondFactor, { actor, context });
      if (!accepted) throw await refuse(record.id, 'second_factor_invalid');
    }
    await this.#deps.throttle.recordSuccess(normalised, ip);
    const { passwordHash: _hash, ...account } = record;
    const started = await this.#deps.sessions.start(account.id, context);
    return { ...started, account };
  }

  /**
   * Confirms the owner's presence in console session `principal` with the password, a current
   * authenticator code or an assertion of a passkey (for options of this session): sensitive actions
   * are then allowed for the next ten minutes. Failures count towards the sign-in throttle of the
   * account and address.
   * @throws ApiError `validation_failed` (none or several), `rate_limited`, `reauth_failed`.
   */
  async reauthenticate(
    principal: Extract<Principal, { kind: 'session' }>,
    proof: { password?: string; totpCode?: string; webauthnResponse?: WebAuthnAuthenticationResponse },
    context: RequestContext,
  ): Promise<void> {
    const given = [proof.password, proof.totpCode, proof.webauthnResponse].filter(
      (item) => item !== undefined,
    );
    if (given.length !== 1) {
      throw invalidField('body', 'send one of password, totp_code or webauthn_response');
    }
    const record = await this.#deps.uow.stores.accounts.findById(principal.accountId);
    if (record === undefined) throw new ApiError('not_found', { detail: 'No such account.' });
    const ip = context.ip ?? 'unknown';
    const wait = await this.#deps.throttle.retryAfter(record.email, ip);
    if (wait > 0) {
      throw new ApiError('rate_limited', {
        detail: 'Too many failed attempts. Try again later.',
        retryAfterSeconds: wait,
      });
    }
    const actor = actorOf(principal);
    const method =
      proof.password !== undefined ? 'password' : proof.totpCode !== undefined ? 'totp' : 'webauthn';
    const ok =
      proof.password !== undefined
        ? await this.#deps.passwords.verify(proof.password, record.passwordHash)
        : proof.webauthnResponse !== undefined
          ? await this.#deps.passkeys.verifyAssertion(record.id, proof.webauthnResponse, {
              actor,
              context,
              sessionId: principal.sessionId,
            })
          : await this.#deps.twoFactor.verify(
              record.id,
              { totpCode: proof.totpCode ?? '' },
              { actor, context },
            );
    if (!ok) {
      await this.#deps.throttle.recordFailure(record.email, ip);
      await this.#deps.audit.record(this.#deps.uow.stores, {
        accountId: record.id,
        action: 'session.reauth_failed',
        actor,
        target: { type: 'session', id: principal.sessionId },
        context,
      });
      throw new ApiError('reauth_failed', {
        detail: {
          password: 'Wrong password.',
          totp: 'Wrong or already used code.',
          webauthn: 'The passkey was not accepted.',
        }[method],
      });
    }
    await this.#deps.sessions.markReauthenticated(record.id, principal.sessionId, context, { method });
  }

  /**
   * Changes the password of the session's account after checking the current one, ends every
   * other session of the account, audits it, and e-mails the owner, all in one transaction. Like
   * the other sensitive actions it needs a sign-in or re-authentication in the last ten minutes
   * (docs/api.md, "Re-authentication"). Wrong current passwords count against the sign-in throttle
   * of the account and address.
   * @throws ApiError `validation_failed`, `reauth_required`, `rate_limited`,
   *   `current_password_incorrect`, `not_found`.
   */
  async changePassword(change: PasswordChange, context: RequestContext): Promise<void> {
    assertPasswordRules(change.newPassword, 'new_password');
    const { principal } = change;
    assertRecentlyAuthenticated(principal, this.#deps.clock.now());
    const record = await this.#deps.uow.stores.accounts.findById(principal.accountId);
    if (record === undefined) throw new ApiError('not_found', { detail: 'No such account.' });
    const ip = context.ip ?? 'unknown';
    const wait = await this.#deps.throttle.retryAfter(record.email, ip);
    if (wait > 0) {
      throw new ApiError('rate_limited', {
        detail: 'Too many wrong passwords. Try again later.',
        retryAfterSeconds: wait,
      });
    }
    const actor = actorOf(principal);
    if (!(await this.#deps.passwords.verify(change.currentPassword, record.passwordHash))) {
      await this.#deps.throttle.recordFailure(record.email, ip);
      await this.#deps.audit.record(this.#deps.uow.stores, {
        accountId: record.id,
        action: 'account.password_change_failed',
        actor,
        target: { type: 'account', id: record.id },
        context,
        details: { reason: 'current_password_incorrect' },
      });
      throw new ApiError('current_password_incorrect', { detail: 'The current password is wrong.' });
    }
    const passwordHash = await this.#deps.passwords.hash(change.newPassword);
    const { passwordHash: _old, ...account } = record;
    await this.#deps.uow.transaction(async (stores) => {
      await stores.accounts.updatePasswordHash(record.id, passwordHash);
      const ended = await this.#deps.sessions.endOthersIn(stores, {
        accountId: record.id,
        currentId: principal.sessionId,
        context,
        reason: 'password_changed',
      });
      await this.#deps.audit.record(stores, {
        accountId: record.id,
        action: 'account.password_changed',
        actor,
        target: { type: 'account', id: record.id },
        context,
        details: { sessions_ended: ended },
      });
      await this.#deps.notices.passwordChanged(stores, account, context, ended);
    });
  }

  /**
   * The account `id`.
   * @throws ApiError `not_found`.
   */
  async get(id: string): Promise<Account> {
    const record = await this.#deps.uow.stores.accounts.findById(id);
    if (record === undefined) throw new ApiError('not_found', { detail: 'No such account.' });
    const { passwordHash: _hash, ...account } = record;
    return account;
  }
}

import type { SecondFactor } from '@skytells/contract';
import type { AccountNotices } from './account-notices.js';
import type { AuditLog } from './audit.js';
import type { Clock } from './clock.js';
import { ApiError } from './errors.js';
import type { KeyedHasher } from './keyed-hash.js';
import type { Account, Actor, Passkey, RequestContext } from './model.js';
import { DuplicateError, type Stores, type UnitOfWork } from './ports.js';
import { actorOf, type Principal } from './principal.js';
import type { Random } from './random.js';
import { assertRecentlyAuthenticated } from './reauthentication.js';
import { newRecoveryCode, normaliseRecoveryCode, RECOVERY_CODE_COUNT } from './recovery-codes.js';
import type { SecretBox } from './secret-box.js';
import { matchTotpStep, TOTP_SECRET_BYTES, totpSecretText, totpUri } from './totp.js';

/** Dependencies of {@link TwoFactorService}. */
export interface TwoFactorServiceDeps {
  uow: UnitOfWork;
  clock: Clock;
  random: Random;
  audit: AuditLog;
  hasher: KeyedHasher;
  /** Seals authenticator-app secrets for the account id. */
  box: SecretBox;
  /** Account e-mail: a factor added or removed, a recovery code used. */
  notices: AccountNotices;
}

/** A second factor presented at sign-in or re-authentication. */
export type SecondFactorProof = { totpCode: string } | { recoveryCode: string };

/** The account's second factors, as the Security page lists them. */
export interface TwoFactorStatus {
  /** Whether sign-in asks for a second factor: an authenticator app or a passkey is registered. */
  isEnabled: boolean;
  /** The confirmed authenticator app, if any; a pending enrolment does not count. */
  totp: { createdAt: Date } | null;
  passkeys: Passkey[];
  recoveryCodesRemaining: number;
}

/** A pending authenticator-app enrolment: what the owner scans or types into the app. */
export interface TotpEnrolment {
  /** Base32 (RFC 4648). */
  secret: string;
  /** `otpauth://totp/...` (Key Uri Format). */
  uri: string;
}

/**
 * Second factors of an account: the authenticator app (RFC 6238) and recovery codes; passkeys
 * (`PasskeyService`) count towards whether two-factor authentication is on. Each code
 * works once: an accepted TOTP time step is remembered and never accepted again (RFC 6238 §5.2),
 * and a recovery code is marked used in the statement that accepts it.
 */
export class TwoFactorService {
  readonly #deps: TwoFactorServiceDeps;

  constructor(deps: TwoFactorServiceDeps) {
    this.#deps = deps;
  }

  /** The account's confirmed factors and unused recovery codes. */
  async status(accountId: string): Promise<TwoFactorStatus> {
    const stores = this.#deps.uow.stores;
    const [totp, passkeys, remaining] = await Promise.all([
      stores.twoFactor.findTotp(accountId),
      stores.passkeys.listByAccount(accountId),
      stores.twoFactor.countUnusedRecoveryCodes(accountId),
    ]);
    const isEnabled = Boolean(totp?.confirmedAt) || passkeys.length > 0;
    return {
      isEnabled,
      totp: totp?.confirmedAt ? { createdAt: totp.confirmedAt } : null,
      passkeys,
      recoveryCodesRemaining: isEnabled ? remaining : 0,
    };
  }

  /** The factors sign-in asks of the account: none when two-factor authentication is off. */
  async factorsOf(accountId: string): Promise<SecondFactor[]> {
    const { stores } = this.#deps.uow;
    const [totp, passkeys] = await Promise.all([
      stores.twoFactor.findTotp(accountId),
      stores.passkeys.countByAccount(accountId),
    ]);
    const factors: SecondFactor[] = [];
    if (totp?.confirmedAt) factors.push('totp');
    if (passkeys > 0) factors.push('webauthn');
    if (factors.length > 0) factors.push('recovery_code');
    return factors;
  }

  /** Whether the account has a second factor in `stores`: a confirmed authenticator app or a passkey. */
  async isEnabled(stores: Stores, accountId: string): Promise<boolean> {
    const totp = await stores.twoFactor.findTotp(accountId);
    return Boolean(totp?.confirmedAt) || (await stores.passkeys.countByAccount(accountId)) > 0;
  }

  /**
   * Replaces the account's recovery codes with {@link RECOVERY_CODE_COUNT} new ones in `stores`,
   * for the first second factor; returned this once.
   */
  async issueRecoveryCodes(stores: Stores, accountId: string): Promise<string[]> {
    return this.#replaceRecoveryCodes(stores, accountId);
  }

  /**
   * Starts enrolling an authenticator app: a new secret, sealed and stored as pending (replacing a
   * pending one) until {@link confirmTotp}.
   * @throws ApiError `two_factor_enabled` when the account already has one.
   */
  async startTotpEnrolment(account: Account): Promise<TotpEnrolment> {
    const secret = this.#deps.random(TOTP_SECRET_BYTES);
    const sealedSecret = this.#deps.box.seal(secret, account.id);
    const alreadyOn = () =>
      new ApiError('two_factor_enabled', {
        detail: 'An authenticator app is already set up. Turn two-factor authentication off first.',
      });
    try {
      await this.#deps.uow.transaction(async (stores) => {
        const existing = await stores.twoFactor.findTotp(account.id);
        if (existing?.confirmedAt) throw alreadyOn();
        await stores.twoFactor.putPendingTotp({
          accountId: account.id,
          sealedSecret,
          createdAt: this.#deps.clock.now(),
          confirmedAt: null,
          lastUsedStep: null,
        });
      });
    } catch (error) {
      if (error instanceof DuplicateError) throw alreadyOn();
      throw error;
    }
    return { secret: totpSecretText(secret), uri: totpUri(secret, account.email) };
  }

  /**
   * Confirms the pending enrolment with a current code: two-factor authentication is on from now,
   * and the account gets {@link RECOVERY_CODE_COUNT} recovery codes, returned this once.
   * @throws ApiError `totp_enrolment_missing`, `two_factor_enabled`, `totp_code_invalid`.
   */
  async confirmTotp(principal: Principal, code: string, context: RequestContext): Promise<string[]> {
    const { accountId } = principal;
    const now = this.#deps.clock.now();
    return this.#deps.uow.transaction(async (stores) => {
      const pending = await stores.twoFactor.findTotp(accountId);
      if (pending === undefined) {
        throw new ApiError('totp_enrolment_missing', {
          detail: 'Start with POST /v1/account/2fa/totp, then confirm with a code from the app.',
        });
      }
      if (pending.confirmedAt !== null) {
        throw new ApiError('two_factor_enabled', { detail: 'The authenticator app is already confirmed.' });
      }
      const secret = this.#tryOpen(pending.sealedSecret, accountId);
      if (secret === undefined) {
        // Sealed under an earlier server secret: the owner can simply start again.
        throw new ApiError('totp_enrolment_missing', {
          detail: 'The pending set-up can no longer be read on this server; start again.',
        });
      }
      const step = matchTotpStep(secret, code, now);
      if (step === undefined) {
        throw new ApiError('totp_code_invalid', {
          detail: 'Enter the 6-digit code the app shows now; check that the device clock is right.',
        });
      }
      if (!(await stores.twoFactor.confirmTotp(accountId, now, step))) {
        throw new ApiError('totp_enrolment_missing', {
          detail: 'The enrolment changed meanwhile; start again.',
        });
      }
      const codes = await this.#replaceRecoveryCodes(stores, accountId);
      await this.#deps.audit.record(stores, {
        accountId,
        action: 'account.2fa_enabled',
        actor: actorOf(principal),
        target: { type: 'account', id: accountId },
        context,
        details: { factor: 'totp' },
      });
      await this.#deps.notices.toOwnerOf(stores, accountId, (account) =>
        this.#deps.notices.secondFactorAdded(stores, account, context),
      );
      return codes;
    });
  }

  /**
   * Turns two-factor authentication off: removes the authenticator app, every passkey and every
   * recovery code. Repeating it changes nothing.
   * @throws ApiError `reauth_required`.
   */
  async disable(principal: Principal, context: RequestContext): Promise<void> {
    assertRecentlyAuthenticated(principal, this.#deps.clock.now());
    const { accountId } = principal;
    await this.#deps.uow.transaction(async (stores) => {
      const wasOn = await this.isEnabled(stores, accountId);
      await stores.twoFactor.deleteTotp(accountId);
      await stores.passkeys.deleteAll(accountId);
      await stores.twoFactor.deleteRecoveryCodes(accountId);
      if (wasOn) {
        await this.#deps.audit.record(stores, {
          accountId,
          action: 'account.2fa_disabled',
          actor: actorOf(principal),
          target: { type: 'account', id: accountId },
          context,
        });
        await this.#deps.notices.toOwnerOf(stores, accountId, (account) =>
          this.#deps.notices.secondFactorRemoved(stores, account, context),
        );
      }
    });
  }

  /**
   * Replaces every recovery code with new ones, returned this once.
   * @throws ApiError `reauth_required`, `two_factor_disabled`.
   */
  async regenerateRecoveryCodes(principal: Principal, context: RequestContext): Promise<string[]> {
    assertRecentlyAuthenticated(principal, this.#deps.clock.now());
    const { accountId } = principal;
    return this.#deps.uow.transaction(async (stores) => {
      if (!(await this.isEnabled(stores, accountId))) {
        throw new ApiError('two_factor_disabled', {
          detail:
            'Recovery codes come with two-factor authentication; set up an authenticator app or a passkey first.',
        });
      }
      const codes = await this.#replaceRecoveryCodes(stores, accountId);
      await this.#deps.audit.record(stores, {
        accountId,
        action: 'account.recovery_codes_regenerated',
        actor: actorOf(principal),
        target: { type: 'account', id: accountId },
        context,
      });
      return codes;
    });
  }

  /**
   * Checks and spends a second factor of the account: a current authenticator code whose time step
   * was never accepted before, or an unused recovery code. A replayed code is refused and audited.
   * @returns whether the factor was accepted; false also when the account has no such factor.
   */
  async verify(
    accountId: string,
    proof: SecondFactorProof,
    options: { actor: Actor; context: RequestContext },
  ): Promise<boolean> {
    if ('totpCode' in proof) return this.#verifyTotp(accountId, proof.totpCode, options);
    return this.#useRecoveryCode(accountId, proof.recoveryCode, options);
  }

  async #verifyTotp(
    accountId: string,
    code: string,
    { actor, context }: { actor: Actor; context: RequestContext },
  ): Promise<boolean> {
    const { stores } = this.#deps.uow;
    const totp = await stores.twoFactor.findTotp(accountId);
    if (!totp?.confirmedAt) return false;
    const step = matchTotpStep(this.#open(totp.sealedSecret, accountId), code, this.#deps.clock.now());
    if (step === undefined) return false;
    if (await stores.twoFactor.useTotpStep(accountId, step)) return true;
    // RFC 6238 §5.2: the code of an accepted step must not be accepted again.
    await this.#deps.audit.record(stores, {
      accountId,
      action: 'account.totp_replay_refused',
      actor,
      target: { type: 'account', id: accountId },
      context,
    });
    return false;
  }

  async #useRecoveryCode(
    accountId: string,
    typed: string,
    { actor, context }: { actor: Actor; context: RequestContext },
  ): Promise<boolean> {
    const code = normaliseRecoveryCode(typed);
    if (code === undefined) return false;
    const now = this.#deps.clock.now();
    return this.#deps.uow.transaction(async (stores) => {
      if (!(await this.isEnabled(stores, accountId))) return false;
      if (!(await stores.twoFactor.useRecoveryCode(accountId, this.#hashCode(accountId, code), now))) {
        return false;
      }
      const remaining = await stores.twoFactor.countUnusedRecoveryCodes(accountId);
      await this.#deps.audit.record(stores, {
        accountId,
        action: 'account.recovery_code_used',
        actor,
        target: { type: 'account', id: accountId },
        context,
        details: { remaining },
      });
      await this.#deps.notices.toOwnerOf(stores, accountId, (account) =>
        this.#deps.notices.recoveryCodeUsed(stores, account, context, remaining),
      );
      return true;
    });
  }

  async #replaceRecoveryCodes(stores: Stores, accountId: string): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => newRecoveryCode(this.#deps.random));
    const hashes = codes.map((code) => this.#hashCode(accountId, normaliseRecoveryCode(code) ?? code));
    await stores.twoFactor.replaceRecoveryCodes(accountId, hashes, this.#deps.clock.now());
    return codes;
  }

  #hashCode(accountId: string, normalised: string): string {
    return this.#deps.hasher.hash('recovery-code', `${accountId}:${normalised}`);
  }

  /**
   * The confirmed factor's secret.
   * @throws ApiError `totp_secret_unreadable` when it does not decrypt: almost always because the
   *   server secret changed since enrolment (docs/errors.md). Not a wrong code: the owner could never
   *   get past it, and the operator needs to know.
   */
  #open(sealed: string, accountId: string): Uint8Array {
    const secret = this.#tryOpen(sealed, accountId);
    if (secret !== undefined) return secret;
    throw new ApiError('totp_secret_unreadable', {
      detail:
        "This server cannot decrypt the account's authenticator-app secret, most likely because its " +
        'server secret (SKYTELLS_SECRET) changed since the app was set up. Tell the administrator of ' +
        'this server: restoring the previous secret makes the app work again.',
    });
  }

  #tryOpen(sealed: string, accountId: string): Uint8Array | undefined {
    try {
      return this.#deps.box.open(sealed, accountId);
    } catch {
      return undefined;
    }
  }
}

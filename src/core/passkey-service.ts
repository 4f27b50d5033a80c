import type { AccountNotices } from './account-notices.js';
import type { AuditLog } from './audit.js';
import type { Clock } from './clock.js';
import { ApiError } from './errors.js';
import type { KeyedHasher } from './keyed-hash.js';
import type { Account, Actor, Passkey, RequestContext, WebAuthnChallengeBinding } from './model.js';
import { DuplicateError, type UnitOfWork } from './ports.js';
import { actorOf, type Principal } from './principal.js';
import { newId, type Random } from './random.js';
import { assertRecentlyAuthenticated } from './reauthentication.js';
import type {
  KnownCredential,
  RelyingParty,
  WebAuthnAuthenticationResponse,
  WebAuthnCreationOptions,
  WebAuthnRegistrationResponse,
  WebAuthnRequestOptions,
} from './relying-party.js';
import { parseTokenName } from './token-rules.js';
import type { TwoFactorService } from './two-factor-service.js';

/** How long an issued challenge is accepted (docs/api.md, "Passkeys"). */
export const WEBAUTHN_CHALLENGE_TTL_MS = 5 * 60_000;

/** Dependencies of {@link PasskeyService}. */
export interface PasskeyServiceDeps {
  uow: UnitOfWork;
  clock: Clock;
  random: Random;
  audit: AuditLog;
  /** Keeps challenges as keyed hashes: a copy of the database holds none that could be answered. */
  hasher: KeyedHasher;
  relyingParty: RelyingParty;
  /** Whether 2FA is on, and the recovery codes the first factor brings. */
  twoFactor: TwoFactorService;
  /** Account e-mail: a passkey added or removed. */
  notices: AccountNotices;
}

/** A registered passkey, and the recovery codes when it turned two-factor authentication on. */
export interface RegisteredPasskey {
  passkey: Passkey;
  recoveryCodes: string[] | undefined;
}

type SessionPrincipal = Extract<Principal, { kind: 'session' }>;

const known = (passkey: Passkey): KnownCredential => ({
  credentialId: passkey.credentialId,
  transports: passkey.transports,
});

/**
 * Passkeys (WebAuthn Level 3) as a second factor: registration from a console session, assertions
 * at sign-in. Every challenge is issued for one purpose and one account (and, for registration,
 * one session), kept as a keyed hash, expires after {@link WEBAUTHN_CHALLENGE_TTL_MS} and is spent
 * by its first use, verified or not. The signature counter must move forward (WebAuthn §7.2 step 22).
 */
export class PasskeyService {
  readonly #deps: PasskeyServiceDeps;

  constructor(deps: PasskeyServiceDeps) {
    this.#deps = deps;
  }

  /** The account's passkeys, oldest first. */
  async list(accountId: string): Promise<Passkey[]> {
    return this.#deps.uow.stores.passkeys.listByAccount(accountId);
  }

  /**
   * `PublicKeyCredentialCreationOptions` for a new passkey of `account`, whose challenge only the
   * console session `principal` can answer.
   * @throws ApiError `passkeys_unavailable` when the public URL's host is an IP address.
   */
  async creationOptions(principal: SessionPrincipal, account: Account): Promise<WebAuthnCreationOptions> {
    this.#assertAvailable();
    const { stores } = this.#deps.uow;
    const existing = await stores.passkeys.listByAccount(account.id);
    const { options, challenge } = await this.#deps.relyingParty.creationOptions({
      user: { id: account.id, name: account.email },
      exclude: existing.map(known),
    });
    await this.#issue(challenge, {
      purpose: 'registration',
      accountId: account.id,
      sessionId: principal.sessionId,
    });
    return options;
  }

  /**
   * Verifies the authenticator's answer to {@link creationOptions} and registers the passkey as
   * `name`. The account's first second factor turns two-factor authentication on and brings recovery
   * codes, returned this once.
   * @throws ApiError `validation_failed` (name), `webauthn_response_invalid`, `passkey_already_registered`,
   * `passkeys_unavailable`.
   */
  async register(
    principal: SessionPrincipal,
    input: { name: string; response: WebAuthnRegistrationResponse },
    context: RequestContext,
  ): Promise<RegisteredPasskey> {
    this.#assertAvailable();
    const name = parseTokenName(input.name);
    const { accountId } = principal;
    const challenge = await this.#spend(input.response.response.clientDataJSON, {
      purpose: 'registration',
      accountId,
      sessionId: principal.sessionId,
    });
    const credential =
      challenge === undefined
        ? undefined
        : await this.#deps.relyingParty.verifyRegistration(input.response, challenge);
    if (credential === undefined) {
      throw new ApiError('webauthn_response_invalid', {
        detail:
          'The passkey could not be verified, or its options expired (they last five minutes and work once). Start again.',
      });
    }
    const now = this.#deps.clock.now();
    const passkey: Passkey = {
      id: newId('pky', this.#deps.random, now),
      accountId,
      ...credential,
      name,
      createdAt: now,
      lastUsedAt: null,
    };
    try {
      return await this.#deps.uow.transaction(async (stores) => {
        const wasOn = await this.#deps.twoFactor.isEnabled(stores, accountId);
        await stores.passkeys.insert(passkey);
        const recoveryCodes = wasOn
          ? undefined
          : await this.#deps.twoFactor.issueRecoveryCodes(stores, accountId);
        const audited = { accountId, actor: actorOf(principal), context };
        await this.#deps.audit.record(stores, {
          ...audited,
          action: 'account.passkey_added',
          target: { type: 'passkey', id: passkey.id },
          details: { name },
        });
        if (!wasOn) {
          await this.#deps.audit.record(stores, {
            ...audited,
            action: 'account.2fa_enabled',
            target: { type: 'account', id: accountId },
            details: { factor: 'webauthn' },
          });
        }
        await this.#deps.notices.toOwnerOf(stores, accountId, (account) =>
          this.#deps.notices.passkeyAdded(stores, account, context, name),
        );
        return { passkey, recoveryCodes };
      });
    } catch (error) {
      if (error instanceof DuplicateError) {
        throw new ApiError('passkey_already_registered', {
          detail: 'This passkey is registered already; each authenticator needs registering once.',
        });
      }
      throw error;
    }
  }

  /**
   * Removes the account's passkey `id`. Removing the last second factor turns two-factor
   * authentication off, with the recovery codes.
   * @throws ApiError `reauth_required`, `not_found`.
   */
  async remove(principal: Principal, id: string, context: RequestContext): Promise<void> {
    assertRecentlyAuthenticated(principal, this.#deps.clock.now());
    const { accountId } = principal;
    await this.#deps.uow.transaction(async (stores) => {
      const name = (await stores.passkeys.listByAccount(accountId)).find(
        (passkey) => passkey.id === id,
      )?.name;
      if (name === undefined || !(await stores.passkeys.delete(accountId, id))) {
        throw new ApiError('not_found', { detail: 'No such passkey.' });
      }
      const audited = { accountId, actor: actorOf(principal), context };
      await this.#deps.audit.record(stores, {
        ...audited,
        action: 'account.passkey_removed',
        target: { type: 'passkey', id },
      });
      const twoFactorOff = !(await this.#deps.twoFactor.isEnabled(stores, accountId));
      if (twoFactorOff) {
        await stores.twoFactor.deleteRecoveryCodes(accountId);
        await this.#deps.audit.record(stores, {
          ...audited,
          action: 'account.2fa_disabled',
          target: { type: 'account', id: accountId },
          details: { reason: 'last_factor_removed' },
        });
      }
      await this.#deps.notices.toOwnerOf(stores, accountId, (account) =>
        this.#deps.notices.passkeyRemoved(stores, account, context, { name, twoFactorOff }),
      );
    });
  }

  /**
   * `PublicKeyCredentialRequestOptions` for a sign-in of `accountId` whose password was right, or
   * for re-authentication in console session `sessionId`: the challenge is bound to the account, and
   * to that session or to none, and answered with `webauthn_response`.
   */
  async requestOptions(accountId: string, sessionId: string | null = null): Promise<WebAuthnRequestOptions> {
    const passkeys = await this.#deps.uow.stores.passkeys.listByAccount(accountId);
    const { options, challenge } = await this.#deps.relyingParty.requestOptions(passkeys.map(known));
    await this.#issue(challenge, { purpose: 'authentication', accountId, sessionId });
    return options;
  }

  /**
   * Checks an assertion of one of the account's passkeys against a challenge of
   * {@link requestOptions} (for session `sessionId`, or a sign-in), and accepts its signature counter only if it moved forward; a counter
   * that did not (a cloned authenticator, or a replay) is refused and audited.
   * @returns whether the assertion was accepted.
   */
  async verifyAssertion(
    accountId: string,
    response: WebAuthnAuthenticationResponse,
    {
      actor,
      context,
      sessionId = null,
    }: { actor: Actor; context: RequestContext; sessionId?: string | null },
  ): Promise<boolean> {
    const { stores } = this.#deps.uow;
    const challenge = await this.#spend(response.response.clientDataJSON, {
      purpose: 'authentication',
      accountId,
      sessionId,
    });
    if (challenge === undefined) return false;
    const passkey = await stores.passkeys.findByCredentialId(accountId, response.id);
    if (passkey === undefined) return false;
    const verified = await this.#deps.relyingParty.verifyAssertion(response, challenge, passkey);
    if (verified === undefined) return false;
    if (await stores.passkeys.recordUse(passkey.id, verified.signCount, this.#deps.clock.now())) return true;
    await this.#deps.audit.record(stores, {
      accountId,
      action: 'account.passkey_counter_refused',
      actor,
      target: { type: 'passkey', id: passkey.id },
      context,
      details: { name: passkey.name, stored_count: passkey.signCount, presented_count: verified.signCount },
    });
    return false;
  }

  #assertAvailable(): void {
    if (this.#deps.relyingParty.isAvailable) return;
    throw new ApiError('passkeys_unavailable', {
      detail: `Browsers create passkeys for a host name only, and this server's public URL names the address ${this.#deps.relyingParty.rpId}. Set SKYTELLS_PUBLIC_URL to a URL with a host name (e.g. http://localhost:8080).`,
    });
  }

  async #issue(challenge: string, binding: WebAuthnChallengeBinding): Promise<void> {
    const now = this.#deps.clock.now();
    await this.#deps.uow.stores.passkeys.putChallenge({
      ...binding,
      challengeHash: this.#hash(challenge),
      createdAt: now,
      expiresAt: new Date(now.getTime() + WEBAUTHN_CHALLENGE_TTL_MS),
    });
  }

  /** Spends the challenge that `clientDataJSON` answers if it was issued for `binding`; its value if so. */
  async #spend(clientDataJSON: string, binding: WebAuthnChallengeBinding): Promise<string | undefined> {
    const challenge = this.#deps.relyingParty.challengeOf(clientDataJSON);
    if (challenge === undefined) return undefined;
    const now = this.#deps.clock.now();
    const spent = await this.#deps.uow.stores.passkeys.consumeChallenge(this.#hash(challenge), binding, now);
    return spent ? challenge : undefined;
  }

  #hash(challenge: string): string {
    return this.#deps.hasher.hash('webauthn-challenge', challenge);
  }
}

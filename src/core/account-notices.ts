import { type MailContent, renderHtml, renderText } from './account-mail.js';
import type { Clock } from './clock.js';
import type { Account, RequestContext } from './model.js';
import type { ExpiryThreshold, Stores } from './ports.js';
import { newId, type Random } from './random.js';

/** Dependencies of {@link AccountNotices}. */
export interface AccountNoticesDeps {
  clock: Clock;
  random: Random;
  /** The URL users reach, for links to the console. */
  publicUrl: string;
  /** A short description of the browser and system a user agent names, e.g. "Firefox 133 on Linux". */
  describeDevice: (userAgent: string | null) => string;
}

/** The token a notice is about: never its value. */
export interface NoticeToken {
  id: string;
  name: string;
  masked: string;
}

/** `2026-12-01 12:14:13 UTC`. */
function formatTime(at: Date): string {
  return `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

const HOUR_MS = 3_600_000;

/** "7 days", "1 day", "12 hours": what is left of `ms`, as a reader counts it. */
function timeLeft(ms: number): string {
  if (ms > 22 * HOUR_MS) {
    const days = Math.max(1, Math.round(ms / (24 * HOUR_MS)));
    return days === 1 ? '1 day' : `${days} days`;
  }
  const hours = Math.max(1, Math.round(ms / HOUR_MS));
  return hours === 1 ? '1 hour' : `${hours} hours`;
}

/**
 * The account e-mail this server sends about the security of an account. Each notice is written to
 * the outbox through the stores of the transaction that makes the change, so the message exists if
 * and only if the change committed; {@link MailDelivery} sends it. No notice carries a secret.
 */
export class AccountNotices {
  readonly #deps: AccountNoticesDeps;

  constructor(deps: AccountNoticesDeps) {
    this.#deps = deps;
  }

  /** "New sign-in": the account signed in from an address none of its earlier sign-ins came from. */
  async newSignIn(stores: Pick<Stores, 'outbox'>, account: Account, context: RequestContext): Promise<void> {
    await this.#enqueue(stores, account, 'new_sign_in', {
      subject: 'New sign-in to your Skytells account',
      summary: `Someone signed in to your Skytells account ${account.email} from an address it has never signed in from before.`,
      facts: this.#whenAndWhere(context),
      advice:
        'If this was you, there is nothing to do. If it was not, sign out the sessions you do not recognise, ' +
        'change your password at once, and review your access tokens.',
      action: { label: 'Review your sessions', url: this.#url('/settings/security') },
    });
  }

  /** "Password changed": every other session has ended. */
  async passwordChanged(
    stores: Pick<Stores, 'outbox'>,
    account: Account,
    context: RequestContext,
    endedSessions: number,
  ): Promise<void> {
    await this.#enqueue(stores, account, 'password_changed', {
      subject: 'Your Skytells password was changed',
      summary: `The password of your Skytells account ${account.email} was changed.`,
      facts: [
        ...this.#whenAndWhere(context),
        { label: 'Other sessions ended', value: String(endedSessions) },
      ],
      advice:
        'If this was you, there is nothing to do. If it was not, someone else knows your password: ' +
        'contact the administrator of this server, and review your sessions and access tokens.',
      action: { label: 'Review your account security', url: this.#url('/settings/security') },
    });
  }

  /** "Second factor added": an authenticator app now guards the sign-in, with new recovery codes. */
  async secondFactorAdded(
    stores: Pick<Stores, 'outbox'>,
    account: Account,
    context: RequestContext,
  ): Promise<void> {
    await this.#enqueue(stores, account, 'second_factor_added', {
      subject: 'An authenticator app was added to your Skytells account',
      summary:
        `An authenticator app was set up for your Skytells account ${account.email}: signing in now ` +
        'takes a code from it, or one of the recovery codes, after the password.',
      facts: this.#whenAndWhere(context),
      advice:
        'If this was you, keep the recovery codes somewhere safe. If it was not, someone else can sign in ' +
        'to your account: contact the administrator of this server at once.',
      action: { label: 'Review your account security', url: this.#url('/settings/security') },
    });
  }

  /**
   * Loads the owner of `accountId` through `stores` and sends them `notice` there, so the message
   * commits with the change it reports; nothing when the account is gone.
   */
  async toOwnerOf(
    stores: Pick<Stores, 'accounts'>,
    accountId: string,
    notice: (account: Account) => Promise<void>,
  ): Promise<void> {
    const record = await stores.accounts.findById(accountId);
    if (record === undefined) return;
    const { passwordHash: _hash, ...account } = record;
    await notice(account);
  }

  /** "Passkey added": a passkey now signs in as a second factor. */
  async passkeyAdded(
    stores: Pick<Stores, 'outbox'>,
    account: Account,
    context: RequestContext,
    passkeyName: string,
  ): Promise<void> {
    await this.#enqueue(stores, account, 'passkey_added', {
      subject: 'A passkey was added to your Skytells account',
      summary:
        `A passkey named "${passkeyName}" was added to your Skytells account ${account.email}: it can ` +
        'now confirm a sign-in after the password.',
      facts: this.#whenAndWhere(context),
      advice:
        'If this was you, nothing needs doing. If it was not, someone else can sign in to your account: ' +
        'remove the passkey, change your password and sign out the sessions you do not recognise.',
      action: { label: 'Review your account security', url: this.#url('/settings/security') },
    });
  }

  /** "Passkey removed": one passkey no longer signs in; with the last factor gone, 2FA is off. */
  async passkeyRemoved(
    stores: Pick<Stores, 'outbox'>,
    account: Account,
    context: RequestContext,
    removed: { name: string; twoFactorOff: boolean },
  ): Promise<void> {
    await this.#enqueue(stores, account, 'passkey_removed', {
      subject: removed.twoFactorOff
        ? 'Two-factor authentication was turned off for your Skytells account'
        : 'A passkey was removed from your Skytells account',
      summary:
        `The passkey named "${removed.name}" was removed from your Skytells account ${account.email}.` +
        (removed.twoFactorOff
          ? ' It was the last second factor: two-factor authentication is off, and the password alone now signs in.'
          : ''),
      facts: this.#whenAndWhere(context),
      advice:
        'If this was you, nothing needs doing. If it was not, change your password at once, sign out the ' +
        'sessions you do not recognise, and add a second factor again.',
      action: { label: 'Review your account security', url: this.#url('/settings/security') },
    });
  }

  /** "Second factor removed": two-factor authentication is off; the password alone signs in. */
  async secondFactorRemoved(
    stores: Pick<Stores, 'outbox'>,
    account: Account,
    context: RequestContext,
  ): Promise<void> {
    await this.#enqueue(stores, account, 'second_factor_removed', {
      subject: 'Two-factor authentication was turned off for your Skytells account',
      summary:
        `Two-factor authentication was turned off for your Skytells account ${account.email}: the ` +
        'authenticator app and every recovery code were removed, and the password alone now signs in.',
      facts: this.#whenAndWhere(context),
      advice:
        'If this was you, consider setting up an authenticator app again. If it was not, change your ' +
        'password at once, sign out the sessions you do not recognise, and turn two-factor authentication on.',
      action: { label: 'Review your account security', url: this.#url('/settings/security') },
    });
  }

  /** "Recovery code used": a recovery code stood in for the authenticator app at sign-in. */
  async recoveryCodeUsed(
    stores: Pick<Stores, 'outbox'>,
    account: Account,
    context: RequestContext,
    remaining: number,
  ): Promise<void> {
    await this.#enqueue(stores, account, 'recovery_code_used', {
      subject: 'A recovery code was used to sign in to your Skytells account',
      summary:
        `Someone signed in to your Skytells account ${account.email} with its password and one of its ` +
        'recovery codes. That code no longer works.',
      facts: [...this.#whenAndWhere(context), { label: 'Recovery codes left', value: String(remaining) }],
      advice:
        'If this was you, generate new recovery codes when few are left. If it was not, someone has your ' +
        'password and a recovery code: change the password, generate new recovery codes, and sign out the ' +
        'sessions you do not recognise.',
      action: { label: 'Review your account security', url: this.#url('/settings/security') },
    });
  }

  /** "Token revoked": someone reported the account's token as leaked, and it no longer works. */
  async tokenLeaked(
    stores: Pick<Stores, 'outbox'>,
    account: Account,
    token: NoticeToken,
    context: RequestContext,
  ): Promise<void> {
    await this.#enqueue(stores, account, 'token_leaked', {
      subject: `Your Skytells token "${token.name}" was revoked because it leaked`,
      summary:
        `Your access token "${token.name}" (${token.masked}) was found in a public place and reported, ` +
        'so it has been revoked: it no longer works.',
      facts: [
        { label: 'Token', value: `${token.name} (${token.masked})` },
        ...this.#whenAndWhere(context, 'Reported from'),
      ],
      advice:
        'Create a replacement and update the programs that used it. Find where the token was published ' +
        'and remove it; check the audit log for use you do not recognise.',
      action: { label: 'Open the token', url: this.#url(`/settings/tokens/${encodeURIComponent(token.id)}`) },
    });
  }

  /** "API key revoked because it leaked": someone reported the key's value as found in public. */
  async apiKeyLeaked(
    stores: Pick<Stores, 'outbox'>,
    account: Account,
    key: NoticeToken,
    context: RequestContext,
  ): Promise<void> {
    await this.#enqueue(stores, account, 'api_key_leaked', {
      subject: `Your Skytells API key "${key.name}" was revoked because it leaked`,
      summary:
        `Your API key "${key.name}" (${key.masked}) was found in a public place and reported, ` +
        'so it has been revoked: it no longer works.',
      facts: [
        { label: 'API key', value: `${key.name} (${key.masked})` },
        ...this.#whenAndWhere(context, 'Reported from'),
      ],
      advice:
        'Create a new key and update the programs that used it. Find where the key was published ' +
        'and remove it; check the audit log for use you do not recognise.',
      action: { label: 'Open API keys', url: this.#url('/settings/api-keys') },
    });
  }

  /**
   * "Token expiring" or "Token expired": the account's token crossed `threshold` of its expiry;
   * says when it stops working and how to replace it.
   */
  async tokenExpiry(
    stores: Pick<Stores, 'outbox'>,
    account: Account,
    token: NoticeToken & { expiresAt: Date },
    threshold: ExpiryThreshold,
  ): Promise<void> {
    const label = `"${token.name}" (${token.masked})`;
    const facts = [
      { label: 'Token', value: `${token.name} (${token.masked})` },
      { label: 'ID', value: token.id },
      { label: threshold === 'expired' ? 'Expired' : 'Expires', value: formatTime(token.expiresAt) },
    ];
    const action = {
      label: 'Open the token',
      url: this.#url(`/settings/tokens/${encodeURIComponent(token.id)}`),
    };
    if (threshold === 'expired') {
      await this.#enqueue(stores, account, 'token_expired', {
        subject: `Your Skytells token "${token.name}" has expired`,
        summary:
          `Your access token ${label} expired on ${formatTime(token.expiresAt)}: ` +
          'requests made with it are refused.',
        facts,
        advice:
          'If it is still needed, create a new token in the console or with `skytells tokens create`, ' +
          'and update the programs that used it. If not, there is nothing to do.',
        action,
      });
      return;
    }
    const left = timeLeft(token.expiresAt.getTime() - this.#deps.clock.now().getTime());
    await this.#enqueue(stores, account, `token_expiring_${threshold}`, {
      subject: `Your Skytells token "${token.name}" expires in ${left}`,
      summary:
        `Your access token ${label} expires on ${formatTime(token.expiresAt)}, in ${left}; ` +
        'after that, requests made with it are refused.',
      facts,
      advice:
        `If it is still needed, rotate it before then: in the console, or with \`skytells tokens rotate ${token.id}\`, ` +
        'and update the programs that use it with the new value. If not, let it expire.',
      action,
    });
  }

  #whenAndWhere(context: RequestContext, addressLabel = 'IP address'): MailContent['facts'] {
    return [
      { label: 'When', value: formatTime(this.#deps.clock.now()) },
      { label: addressLabel, value: context.ip ?? 'unknown' },
      { label: 'Device', value: this.#deps.describeDevice(context.userAgent) },
      { label: 'User agent', value: context.userAgent ?? 'none sent' },
    ];
  }

  #url(path: string): string {
    return `${this.#deps.publicUrl}${path}`;
  }

  async #enqueue(
    stores: Pick<Stores, 'outbox'>,
    account: Account,
    kind: string,
    content: MailContent,
  ): Promise<void> {
    const now = this.#deps.clock.now();
    await stores.outbox.enqueue({
      id: newId('msg', this.#deps.random, now),
      accountId: account.id,
      kind,
      recipient: account.email,
      subject: content.subject,
      text: renderText(content),
      html: renderHtml(content),
      createdAt: now,
    });
  }
}

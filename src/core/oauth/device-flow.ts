import type { AuditLog } from '../audit.js';
import type { Clock } from '../clock.js';
import { ApiError, OAuthError } from '../errors.js';
import type { KeyedHasher } from '../keyed-hash.js';
import type { RequestContext } from '../model.js';
import type { UnitOfWork } from '../ports.js';
import { newId, randomBase62, type Random } from '../random.js';
import type { Scope } from '../scopes.js';
import type { SignInThrottle } from '../sign-in-throttle.js';
import type { IssuedToken } from '../token-lifecycle.js';
import { OAUTH_TOKEN_LIFETIME_DAYS, parseScopeParameter } from './authorization-server.js';
import type { ClientCredentials, ClientRegistry } from './client-registry.js';
import type { ClientTokens } from './client-tokens.js';
import type { DeviceAuthorization, OAuthClient } from './model.js';

/** Device codes live ten minutes. */
export const DEVICE_CODE_LIFETIME_SECONDS = 600;
/** Default polling interval (RFC 8628 §3.2). */
export const DEVICE_POLL_INTERVAL_SECONDS = 5;
/** Wrong user codes an approval may carry for one request before that request expires (RFC 8628 §5.1). */
export const MAX_WRONG_USER_CODES = 5;

// RFC 8628 §6.1: base-20 consonants, no vowels (no words) and nothing easily confused.
const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';

/** A started device authorization: what the device shows and polls with (RFC 8628 §3.2). */
export interface DeviceAuthorizationStart {
  deviceCode: string;
  /** Formatted for display: `BCDF-GHJK`. */
  userCode: string;
  verificationUri: string;
  verificationUriComplete: string;
  expiresInSeconds: number;
  intervalSeconds: number;
}

/** Normalises what a person typed as a user code: upper case, without dashes or spaces. */
export function normaliseUserCode(input: string): string {
  return input.toUpperCase().replace(/[^A-Z]/g, '');
}

/** Formats a normalised user code for display: `BCDF-GHJK`. */
export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

function wrongUserCode(): ApiError {
  return new ApiError('not_found', {
    detail: 'That code is not valid or has expired. Check the code on your device.',
  });
}

/** Dependencies of {@link DeviceFlow}. */
export interface DeviceFlowDeps {
  uow: UnitOfWork;
  hasher: KeyedHasher;
  clock: Clock;
  random: Random;
  audit: AuditLog;
  clientTokens: ClientTokens;
  clients: ClientRegistry;
  /** Limits wrong user codes per account and address. */
  throttle: SignInThrottle;
  /** Where people enter the user code, e.g. `https://skytells.example/device`. */
  verificationUri: string;
}

/** The device authorization grant (RFC 8628). */
export class DeviceFlow {
  readonly #deps: DeviceFlowDeps;

  constructor(deps: DeviceFlowDeps) {
    this.#deps = deps;
  }

  /**
   * RFC 8628 §3.1–3.2: starts a device authorization.
   * @throws OAuthError `invalid_client`, `invalid_scope`.
   */
  async startDeviceAuthorization(
    credentials: ClientCredentials,
    params: { scope?: string; deviceName?: string },
  ): Promise<DeviceAuthorizationStart> {
    const client = await this.#deps.clients.authenticate(credentials);
    const scopes = parseScopeParameter(params.scope);
    const now = this.#deps.clock.now();
    const deviceCode = randomBase62(this.#deps.random, 43);
    const userCode = this.#userCode();
    const device: DeviceAuthorization = {
      id: newId('dev', this.#deps.random, now),
      clientId: client.id,
      userCode,
      scopes,
      deviceName:
        params.deviceName
          ?.trim()
          .slice(0, 64)
          .replace(/\p{Cc}/gu, '') || null,
      status: 'pending',
      accountId: null,
      grantedScopes: null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + DEVICE_CODE_LIFETIME_SECONDS * 1000),
      interval: DEVICE_POLL_INTERVAL_SECONDS,
      lastPolledAt: null,
    };
    await this.#deps.uow.stores.oauth.insertDevice(this.#deps.hasher.hash('device-code', deviceCode), device);
    const display = formatUserCode(userCode);
    return {
      deviceCode,
      userCode: display,
      verificationUri: this.#deps.verificationUri,
      verificationUriComplete: `${this.#deps.verificationUri}?user_code=${display}`,
      expiresInSeconds: DEVICE_CODE_LIFETIME_SECONDS,
      intervalSeconds: DEVICE_POLL_INTERVAL_SECONDS,
    };
  }

  /**
   * RFC 8628 §3.4–3.5: one poll of the token endpoint.
   * @throws OAuthError `authorization_pending`, `slow_down`, `access_denied`, `expired_token`,
   * `invalid_grant`, `invalid_client`.
   */
  async pollDeviceCode(
    credentials: ClientCredentials,
    deviceCode: string | undefined,
    context: RequestContext,
  ): Promise<IssuedToken> {
    const client = await this.#deps.clients.authenticate(credentials);
    if (deviceCode === undefined || deviceCode === '')
      throw new OAuthError('invalid_request', 'The device_code parameter is missing.');
    const { oauth } = this.#deps.uow.stores;
    const device = await oauth.findDeviceByCode(this.#deps.hasher.hash('device-code', deviceCode));
    if (device === undefined || device.clientId !== client.id) {
      throw new OAuthError('invalid_grant', 'The device code is not valid.');
    }
    const now = this.#deps.clock.now();
    if (device.status === 'redeemed')
      throw new OAuthError('invalid_grant', 'The device code was already used.');
    if (device.expiresAt <= now)
      throw new OAuthError('expired_token', 'The device code has expired. Start again.');
    if (
      device.lastPolledAt !== null &&
      now.getTime() - device.lastPolledAt.getTime() < device.interval * 1000
    ) {
      // RFC 8628 §3.5: slow_down adds 5 seconds to the interval for this and later requests.
      await oauth.touchDevice(device.id, now, device.interval + 5);
      throw new OAuthError('slow_down', `Poll at most every ${device.interval + 5} seconds.`);
    }
    await oauth.touchDevice(device.id, now, device.interval);
    if (device.status === 'pending')
      throw new OAuthError('authorization_pending', 'The user has not answered yet.');
    if (device.status === 'denied') throw new OAuthError('access_denied', 'The user denied the request.');

    const scopes = device.grantedScopes ?? device.scopes;
    const accountId = device.accountId;
    if (accountId === null) throw new OAuthError('invalid_grant', 'The device code is not valid.');
    const issued = await this.#deps.uow.transaction(async (stores) => {
      if (!(await stores.oauth.redeemDevice(device.id))) return undefined;
      return this.#deps.clientTokens.issueForClient(stores, {
        accountId,
        client,
        scopes,
        deviceName: device.deviceName,
        lifetimeDays: OAUTH_TOKEN_LIFETIME_DAYS,
        context,
      });
    });
    if (issued === undefined) throw new OAuthError('invalid_grant', 'The device code was already used.');
    return issued;
  }

  /**
   * The pending request a signed-in person's user code names, with its client, for the approval page.
   * Wrong codes are counted per account and address.
   * @throws ApiError `rate_limited` after too many wrong codes, `not_found` for a wrong code.
   */
  async lookUpUserCode(
    accountId: string,
    input: string,
    context: RequestContext,
  ): Promise<{ device: DeviceAuthorization; client: OAuthClient }> {
    const found = await this.#findPending(accountId, input, context);
    if (found === undefined) throw wrongUserCode();
    return found;
  }

  /**
   * The person approved (with `grantedScopes`, a non-empty subset of the request) or denied the
   * device's request `deviceId`, whose user code the approval carries. A wrong user code counts
   * against that request, which expires after {@link MAX_WRONG_USER_CODES} of them (RFC 8628 §5.1).
   * @throws OAuthError `invalid_scope`; ApiError `rate_limited`, `not_found` for a wrong code or when
   * the request is no longer pending.
   */
  async decide(
    accountId: string,
    deviceId: string,
    userCode: string,
    decision: { approve: boolean; grantedScopes: readonly string[] },
    context: RequestContext,
  ): Promise<void> {
    const found = await this.#findPending(accountId, userCode, context);
    if (found === undefined || found.device.id !== deviceId) {
      if (deviceId !== '') {
        await this.#deps.uow.stores.oauth.recordWrongUserCode(deviceId, {
          at: this.#deps.clock.now(),
          limit: MAX_WRONG_USER_CODES,
        });
      }
      throw found === undefined
        ? wrongUserCode()
        : new ApiError('not_found', { detail: 'That request is no longer pending.' });
    }
    const { device, client } = found;
    const granted = decision.grantedScopes as Scope[];
    if (
      decision.approve &&
      (granted.length === 0 || granted.some((scope) => !device.scopes.includes(scope)))
    ) {
      throw new OAuthError(
        'invalid_scope',
        'The granted scopes must be a non-empty subset of the requested ones.',
      );
    }
    await this.#deps.uow.transaction(async (stores) => {
      const decided = await stores.oauth.decideDevice(device.id, {
        status: decision.approve ? 'approved' : 'denied',
        accountId,
        grantedScopes: decision.approve ? granted : null,
      });
      if (!decided) throw new ApiError('not_found', { detail: 'That request is no longer pending.' });
      await this.#deps.audit.record(stores, {
        accountId,
        action: decision.approve ? 'oauth.device_approved' : 'oauth.device_denied',
        actor: { type: 'account', id: accountId },
        target: { type: 'client', id: client.id },
        context,
        details: {
          client_name: client.name,
          device_name: device.deviceName,
          scopes: decision.approve ? granted : [],
        },
      });
    });
  }

  /**
   * The pending request of a user code, if any; a miss counts against the person's account and
   * address. RFC 8628 §5.1: these limits bound how many codes one person or address can try.
   * @throws ApiError `rate_limited` after too many misses.
   */
  async #findPending(
    accountId: string,
    input: string,
    context: RequestContext,
  ): Promise<{ device: DeviceAuthorization; client: OAuthClient } | undefined> {
    const ip = context.ip ?? 'unknown';
    const wait = await this.#deps.throttle.retryAfter(accountId, ip);
    if (wait > 0)
      throw new ApiError('rate_limited', {
        detail: 'Too many wrong codes. Try again later.',
        retryAfterSeconds: wait,
      });
    const code = normaliseUserCode(input);
    const device =
      code.length === 8
        ? await this.#deps.uow.stores.oauth.findPendingDevice(code, this.#deps.clock.now())
        : undefined;
    const client = device === undefined ? undefined : await this.#deps.clients.find(device.clientId);
    if (device === undefined || client === undefined) {
      await this.#deps.throttle.recordFailure(accountId, ip);
      return undefined;
    }
    return { device, client };
  }

  #userCode(): string {
    let code = '';
    while (code.length < 8) {
      for (const byte of this.#deps.random(16)) {
        // 240 = 12 × 20: bytes at or above it would bias the alphabet.
        if (byte < 240) code += USER_CODE_ALPHABET[byte % 20];
        if (code.length === 8) break;
      }
    }
    return code;
  }
}

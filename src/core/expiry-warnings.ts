import type { AccountNotices } from './account-notices.js';
import type { Clock } from './clock.js';
import type { AccessToken } from './model.js';
import type { ExpiryThreshold, Stores, UnitOfWork } from './ports.js';
import { tokenEventData } from './token-lifecycle.js';
import type { WebhookEvents } from './webhooks/webhook-events.js';

const DAY_MS = 86_400_000;

/** How often each process looks for tokens that crossed a threshold: well within the promised minute. */
export const EXPIRY_CHECK_INTERVAL_MS = 30_000;

/**
 * How long after its expiry a token is still announced as expired: a server started on old data
 * does not announce every token that expired long ago.
 */
export const EXPIRED_NOTICE_WINDOW_MS = 7 * DAY_MS;

/**
 * Where each threshold's window lies relative to now, nearest first: a token is owed only the
 * nearest threshold it is inside, so one created with 12 hours left gets the 1-day warning alone.
 */
const WINDOWS: readonly { threshold: ExpiryThreshold; fromMs: number; toMs: number }[] = [
  { threshold: 'expired', fromMs: -EXPIRED_NOTICE_WINDOW_MS, toMs: 0 },
  { threshold: '1d', fromMs: 0, toMs: DAY_MS },
  { threshold: '7d', fromMs: DAY_MS, toMs: 7 * DAY_MS },
];

/** Dependencies of {@link ExpiryWarnings}. */
export interface ExpiryWarningsDeps {
  uow: UnitOfWork;
  clock: Clock;
  notices: AccountNotices;
  /** Publishes `token.expiring` and `token.expired` in the transaction of each warning. */
  events: WebhookEvents;
  /** Told of a run that failed, e.g. with the database unreachable. */
  onRunError?: (error: unknown) => void;
  /** Tokens warned per transaction. Default 100. */
  batchSize?: number;
}

/**
 * Warns the owners of tokens nearing or past their expiry (docs/tokens.md, "Expiry warnings"): once
 * per token and threshold, 7 days and 1 day ahead and when it expired. Every process runs one; on
 * a shared database the transaction that takes the lock does the work and the others skip their
 * turn, and the unique warning record refuses a second warning should two ever overlap. The record,
 * the account e-mail and the events commit together, or none does.
 */
export class ExpiryWarnings {
  readonly #deps: ExpiryWarningsDeps;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = true;

  constructor(deps: ExpiryWarningsDeps) {
    this.#deps = deps;
  }

  /**
   * Sends every warning owed now, batch after batch.
   * @returns how many warnings went out; 0 when another process holds the lock.
   */
  async runOnce(): Promise<number> {
    const limit = this.#deps.batchSize ?? 100;
    let warned = 0;
    for (;;) {
      const batch = await this.#deps.uow.transaction((stores) => this.#warnBatch(stores, limit));
      warned += batch;
      if (batch < limit) return warned;
    }
  }

  /** Runs {@link runOnce} every `intervalMs` until {@link stop}. */
  start(intervalMs: number = EXPIRY_CHECK_INTERVAL_MS): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    const tick = () => {
      this.#running = this.runOnce()
        .catch((error: unknown) => this.#deps.onRunError?.(error))
        .finally(() => {
          this.#running = undefined;
          if (!this.#stopped) this.#timer = setTimeout(tick, intervalMs).unref();
        });
    };
    this.#timer = setTimeout(tick, 0).unref();
  }

  /** Stops the loop; resolves once a run in progress has finished. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** Up to `limit` warnings in the transaction of `stores`; none unless it takes the lock. */
  async #warnBatch(stores: Stores, limit: number): Promise<number> {
    if (!(await stores.expiryWarnings.tryLock())) return 0;
    const now = this.#deps.clock.now();
    let warned = 0;
    for (const { threshold, fromMs, toMs } of WINDOWS) {
      if (warned >= limit) break;
      const due = await stores.expiryWarnings.findDue(threshold, {
        after: new Date(now.getTime() + fromMs),
        until: new Date(now.getTime() + toMs),
        limit: limit - warned,
      });
      for (const token of due) {
        if (token.expiresAt === null) continue;
        if (!(await stores.expiryWarnings.record(token.id, threshold, now))) continue;
        await this.#warn(stores, { ...token, expiresAt: token.expiresAt }, threshold);
        warned += 1;
      }
    }
    return warned;
  }

  /** The e-mail and the event of one warning, through the stores of its transaction. */
  async #warn(
    stores: Stores,
    token: AccessToken & { expiresAt: Date },
    threshold: ExpiryThreshold,
  ): Promise<void> {
    const { notices, events } = this.#deps;
    await notices.toOwnerOf(stores, token.accountId, (account) =>
      notices.tokenExpiry(stores, account, token, threshold),
    );
    // docs/webhooks.md, "Events": what token.created says, never the value.
    const data = tokenEventData(token);
    if (threshold === 'expired') await events.publish(stores, token.accountId, 'token.expired', data);
    else await events.publish(stores, token.accountId, 'token.expiring', { ...data, threshold });
  }
}

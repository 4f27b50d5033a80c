import type { Clock } from './clock.js';
import type { Mailer } from './mailer.js';
import type { ClaimedMail, MailOutboxStore } from './ports.js';
import { randomBase62, type Random } from './random.js';

/** How long a claim lasts: longer than the transport's own time-outs, so a live send is never taken over. */
export const MAIL_LEASE_MS = 5 * 60_000;
/** The first retry after a failure; each later one waits twice as long, up to {@link MAX_RETRY_DELAY_MS}. */
export const FIRST_RETRY_DELAY_MS = 30_000;
export const MAX_RETRY_DELAY_MS = 60 * 60_000;
/** A message still not delivered this long after it was written is given up. */
export const GIVE_UP_AFTER_MS = 3 * 86_400_000;

/** Dependencies of {@link MailDelivery}. */
export interface MailDeliveryDeps {
  outbox: MailOutboxStore;
  mailer: Mailer;
  clock: Clock;
  random: Random;
  /** The `From` of every message, e.g. `Skytells <no-reply@example.com>`. */
  from: string;
  /** Told of each failed try (never with message content). */
  onFailure?: (failure: {
    id: string;
    kind: string;
    attempts: number;
    error: string;
    givenUp: boolean;
  }) => void;
  /** Told of a run that could not reach the outbox at all. */
  onRunError?: (error: unknown) => void;
  /** Messages claimed per round. Default 10. */
  batchSize?: number;
}

/** The delay before try `attempts + 1` after `attempts` failed ones: 30 s, 1 min, 2 min, ... up to 1 h. */
export function retryDelayMs(attempts: number): number {
  return Math.min(FIRST_RETRY_DELAY_MS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_DELAY_MS);
}

/**
 * The one owner of sending account e-mail: claims due messages from the outbox with a lease, hands
 * each to the mailer, and marks it sent, or due again after a back-off. Any number of these may run
 * against one database: a claimed message is skipped by the others until its lease ends.
 */
export class MailDelivery {
  readonly #deps: MailDeliveryDeps;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = true;

  constructor(deps: MailDeliveryDeps) {
    this.#deps = deps;
  }

  /**
   * Sends every message due now, round after round until none is left.
   * @returns how many were sent and how many failed this time.
   */
  async deliverDue(): Promise<{ sent: number; failed: number }> {
    let sent = 0;
    let failed = 0;
    for (;;) {
      const now = this.#deps.clock.now();
      const claimed = await this.#deps.outbox.claim({
        now,
        leaseUntil: new Date(now.getTime() + MAIL_LEASE_MS),
        claimId: randomBase62(this.#deps.random, 22),
        limit: this.#deps.batchSize ?? 10,
      });
      for (const mail of claimed) {
        if (await this.#deliver(mail)) sent += 1;
        else failed += 1;
      }
      if (claimed.length < (this.#deps.batchSize ?? 10)) return { sent, failed };
    }
  }

  /** Delivers due messages every `intervalMs` until {@link stop}. */
  start(intervalMs: number): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    const tick = () => {
      this.#running = this.deliverDue()
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

  async #deliver(mail: ClaimedMail): Promise<boolean> {
    try {
      await this.#deps.mailer.send({
        id: mail.id,
        from: this.#deps.from,
        to: mail.recipient,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        date: mail.createdAt,
      });
    } catch (error) {
      const now = this.#deps.clock.now();
      const message = error instanceof Error ? error.message : String(error);
      const givenUp = now.getTime() - mail.createdAt.getTime() >= GIVE_UP_AFTER_MS;
      const retryAt = givenUp ? null : new Date(now.getTime() + retryDelayMs(mail.attempts));
      await this.#deps.outbox.markFailed(mail.id, mail.claimId, {
        at: now,
        error: message.slice(0, 500),
        retryAt,
      });
      this.#deps.onFailure?.({
        id: mail.id,
        kind: mail.kind,
        attempts: mail.attempts,
        error: message,
        givenUp,
      });
      return false;
    }
    await this.#deps.outbox.markSent(mail.id, mail.claimId, this.#deps.clock.now());
    return true;
  }
}

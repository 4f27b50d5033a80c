import type { Clock } from '../clock.js';
import { randomBase62, type Random } from '../random.js';
import type { SecretBox } from '../secret-box.js';
import { signWebhookPayload } from './webhook-signature.js';
import type { ClaimedWebhookDelivery, WebhookStore } from './webhook-store.js';
import type { WebhookTransport } from './webhook-transport.js';

/** How long a claim lasts: well past the transport's 10 s time-out, so a live try is never taken over. */
export const WEBHOOK_LEASE_MS = 60_000;
/** The cap of the first retry's delay; each later cap is twice the one before, up to {@link WEBHOOK_MAX_RETRY_DELAY_MS}. */
export const WEBHOOK_FIRST_RETRY_DELAY_MS = 60_000;
export const WEBHOOK_MAX_RETRY_DELAY_MS = 60 * 60_000;
/** A delivery still not delivered this long after its event is given up (`failed`). */
export const WEBHOOK_GIVE_UP_AFTER_MS = 24 * 3_600_000;
/** The `User-Agent` of every delivery. */
export const WEBHOOK_USER_AGENT = 'Skytells-Webhooks/1';

/**
 * The delay before the try after `attempts` failed ones: exponential back-off with full jitter, a
 * uniformly random delay below a cap of 1 min, 2 min, 4 min, ... up to 1 h (docs/webhooks.md).
 */
export function webhookRetryDelayMs(attempts: number, random: Random): number {
  const cap = Math.min(
    WEBHOOK_FIRST_RETRY_DELAY_MS * 2 ** Math.max(0, attempts - 1),
    WEBHOOK_MAX_RETRY_DELAY_MS,
  );
  const bytes = random(4);
  const fraction =
    (((bytes[0] ?? 0) << 24) | ((bytes[1] ?? 0) << 16) | ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0)) >>> 0;
  return Math.floor((fraction / 2 ** 32) * cap);
}

/** Dependencies of {@link WebhookDelivery}. */
export interface WebhookDeliveryDeps {
  store: WebhookStore;
  transport: WebhookTransport;
  /** Opens signing secrets, sealed for their account. */
  box: SecretBox;
  clock: Clock;
  random: Random;
  /** The delay before the try after `attempts` failed ones; {@link webhookRetryDelayMs} by default. */
  retryDelayMs?: (attempts: number) => number;
  /** Told of each failed try (never with the body or the secret). */
  onFailure?: (failure: {
    eventId: string;
    webhookId: string;
    attempts: number;
    error: string;
    givenUp: boolean;
  }) => void;
  /** Told of a run that could not reach the outbox at all. */
  onRunError?: (error: unknown) => void;
  /** Deliveries claimed per round. Default 10. */
  batchSize?: number;
}

/**
 * The one owner of delivering webhook events: claims due deliveries with a lease, POSTs each signed
 * body, and records it delivered (any 2xx), or due again after a back-off, or failed after a day. Any
 * number of these may run against one database. A process that dies mid-try leaves its claim to end
 * with the lease; the delivery is then tried again, with the same event id, so a receiver may see an
 * event twice and dedupes by `id`, but never loses one.
 */
export class WebhookDelivery {
  readonly #deps: WebhookDeliveryDeps;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = true;
  #intervalMs = 0;
  #again = false;

  constructor(deps: WebhookDeliveryDeps) {
    this.#deps = deps;
  }

  /**
   * Tries every delivery due now, round after round until none is left.
   * @returns how many were delivered and how many failed this time.
   */
  async deliverDue(): Promise<{ delivered: number; failed: number }> {
    let delivered = 0;
    let failed = 0;
    const limit = this.#deps.batchSize ?? 10;
    for (;;) {
      const now = this.#deps.clock.now();
      const claimed = await this.#deps.store.claim({
        now,
        leaseUntil: new Date(now.getTime() + WEBHOOK_LEASE_MS),
        claimId: randomBase62(this.#deps.random, 22),
        limit,
      });
      const results = await Promise.all(claimed.map((delivery) => this.#deliver(delivery)));
      for (const ok of results) {
        if (ok) delivered += 1;
        else failed += 1;
      }
      if (claimed.length < limit) return { delivered, failed };
    }
  }

  /** Delivers due events every `intervalMs` until {@link stop}. */
  start(intervalMs: number): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#intervalMs = intervalMs;
    this.#schedule(0);
  }

  /** Runs the loop now rather than on its next tick (a delivery was just enqueued). */
  nudge(): void {
    if (this.#stopped) return;
    if (this.#running !== undefined) {
      this.#again = true;
      return;
    }
    this.#schedule(0);
  }

  /** Stops the loop; resolves once a run in progress has finished. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#tick(), delayMs).unref();
  }

  #tick(): void {
    this.#again = false;
    this.#running = this.deliverDue()
      .catch((error: unknown) => this.#deps.onRunError?.(error))
      .finally(() => {
        this.#running = undefined;
        if (!this.#stopped) this.#schedule(this.#again ? 0 : this.#intervalMs);
      });
  }

  async #deliver(delivery: ClaimedWebhookDelivery): Promise<boolean> {
    let status: number | null = null;
    let error: string | null = null;
    try {
      const secret = new TextDecoder().decode(this.#deps.box.open(delivery.sealedSecret, delivery.accountId));
      const timestamp = Math.floor(this.#deps.clock.now().getTime() / 1000);
      ({ status } = await this.#deps.transport.post({
        url: delivery.url,
        body: delivery.body,
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': WEBHOOK_USER_AGENT,
          'Skytells-Signature': signWebhookPayload(secret, timestamp, delivery.body),
        },
      }));
    } catch (cause) {
      error = (cause instanceof Error ? cause.message : String(cause)).slice(0, 500);
    }
    const at = this.#deps.clock.now();
    if (status !== null && status >= 200 && status < 300) {
      await this.#deps.store.markDelivered(delivery.id, delivery.claimId, {
        at,
        responseStatus: status,
        error: null,
      });
      return true;
    }
    error ??= `the receiver answered ${status}`;
    const deadline = delivery.createdAt.getTime() + WEBHOOK_GIVE_UP_AFTER_MS;
    const givenUp = at.getTime() >= deadline;
    const delay =
      this.#deps.retryDelayMs?.(delivery.attempts) ??
      webhookRetryDelayMs(delivery.attempts, this.#deps.random);
    const retryAt = givenUp ? null : new Date(Math.min(at.getTime() + delay, deadline));
    await this.#deps.store.markFailed(delivery.id, delivery.claimId, {
      at,
      responseStatus: status,
      error,
      retryAt,
    });
    this.#deps.onFailure?.({
      eventId: delivery.eventId,
      webhookId: delivery.webhookId,
      attempts: delivery.attempts,
      error,
      givenUp,
    });
    return false;
  }
}

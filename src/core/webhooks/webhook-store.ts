import type { WebhookDeliveryStatus, WebhookEvent } from '@skytells/contract';
import type { ListOptions } from '../ports.js';

/** A webhook as stored: where the account's events of `events` go, and its signing secret, sealed. */
export interface StoredWebhook {
  id: string;
  accountId: string;
  url: string;
  events: WebhookEvent[];
  /** The signing secret, sealed (`SecretBox`) for the account id: the server must sign with it. */
  sealedSecret: string;
  createdAt: Date;
}

/** A webhook with what its newest delivery says, as listings show it. */
export interface WebhookWithLastDelivery extends StoredWebhook {
  lastDeliveryAt: Date | null;
  lastDeliveryStatus: WebhookDeliveryStatus | null;
}

/** One event's delivery to one webhook: a row of the webhook outbox. */
export interface WebhookDeliveryRecord {
  /** The delivery row's own id (`whd_`); never on the wire. */
  id: string;
  /** The event's id (`evt_`): the body's `id`, the same for every webhook and every try. */
  eventId: string;
  webhookId: string;
  accountId: string;
  type: string;
  /** The exact request body, written once: every try sends the same bytes. */
  body: string;
  status: WebhookDeliveryStatus;
  /** Tries so far; a claim counts as one. */
  attempts: number;
  responseStatus: number | null;
  error: string | null;
  createdAt: Date;
  lastAttemptAt: Date | null;
  /** When the next try is due; while claimed, when the claim's lease ends. `null` once settled. */
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
}

/** A delivery one run claimed, with where it goes: nobody else sends it until the lease ends. */
export interface ClaimedWebhookDelivery extends WebhookDeliveryRecord {
  url: string;
  sealedSecret: string;
  /** Identifies this claim: only its holder can record the result. */
  claimId: string;
}

/** What one try came to. */
export interface WebhookAttemptResult {
  at: Date;
  /** The receiver's HTTP status, when it answered. */
  responseStatus: number | null;
  /** Why it failed, when it did. */
  error: string | null;
}

/**
 * Webhooks and their outbox of deliveries. Deliveries are enqueued through the stores of the
 * transaction that makes the change they report, so that both commit or neither does; delivery claims
 * them with a lease, so several processes sharing the database never send one at the same time.
 */
export interface WebhookStore {
  /** Stores a new webhook. */
  insert(webhook: StoredWebhook): Promise<void>;
  /** The account's webhooks, newest first, each with its newest delivery's outcome. */
  list(accountId: string, page: ListOptions): Promise<WebhookWithLastDelivery[]>;
  /** The account's webhook `id`, if any; another account's id reads as absent. */
  findById(accountId: string, id: string): Promise<WebhookWithLastDelivery | undefined>;
  /** Deletes the account's webhook `id` and its deliveries. @returns whether it existed. */
  delete(accountId: string, id: string): Promise<boolean>;
  /** The account's webhooks subscribed to `type`. */
  listSubscribed(accountId: string, type: WebhookEvent): Promise<StoredWebhook[]>;
  /** Adds deliveries, due at their `nextAttemptAt`. */
  enqueue(deliveries: readonly WebhookDeliveryRecord[]): Promise<void>;
  /** The webhook's deliveries, newest first. */
  listDeliveries(webhookId: string, page: ListOptions): Promise<WebhookDeliveryRecord[]>;
  /**
   * Claims up to `limit` unsettled deliveries due at `now`, oldest due first, for `claimId` until
   * `leaseUntil`, counting a try; deliveries another claim holds are skipped, not waited for.
   */
  claim(options: {
    now: Date;
    leaseUntil: Date;
    claimId: string;
    limit: number;
  }): Promise<ClaimedWebhookDelivery[]>;
  /** Marks a claimed delivery delivered. @returns false when the claim was lost (its lease ended). */
  markDelivered(id: string, claimId: string, result: WebhookAttemptResult): Promise<boolean>;
  /**
   * Records a failed try of a claimed delivery: due again at `retryAt` (`retrying`), or `failed` when
   * `retryAt` is null. @returns false when the claim was lost.
   */
  markFailed(
    id: string,
    claimId: string,
    result: WebhookAttemptResult & { retryAt: Date | null },
  ): Promise<boolean>;
}

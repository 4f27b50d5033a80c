import type { CreateWebhookBody, WebhookEvent } from '@skytells/contract';
import type { AuditLog } from '../audit.js';
import type { Clock } from '../clock.js';
import { decodeCursor, toPage } from '../cursor.js';
import { ApiError } from '../errors.js';
import type { Page, RequestContext } from '../model.js';
import type { UnitOfWork } from '../ports.js';
import { actorOf, type Principal } from '../principal.js';
import { newId, randomBase62, type Random } from '../random.js';
import type { SecretBox } from '../secret-box.js';
import type { OutboxWebhookEvents } from './webhook-events.js';
import { WEBHOOK_SECRET_PREFIX } from './webhook-signature.js';
import type { WebhookDeliveryRecord, WebhookWithLastDelivery } from './webhook-store.js';
import type { WebhookTransport } from './webhook-transport.js';

/** Random characters of a signing secret after `whsec_`: about 190 bits. */
const SECRET_LENGTH = 32;

/** Dependencies of {@link WebhookService}. */
export interface WebhookServiceDeps {
  uow: UnitOfWork;
  clock: Clock;
  random: Random;
  audit: AuditLog;
  /** Seals signing secrets for their account: the server signs with them, so they must open again. */
  box: SecretBox;
  transport: WebhookTransport;
  events: OutboxWebhookEvents;
  /** Told when a delivery was enqueued, so that the delivery loop can run now rather than on its next tick. */
  onEnqueued?: () => void;
}

/** A webhook together with its signing secret, which exists only in this one response. */
export interface CreatedWebhook {
  webhook: WebhookWithLastDelivery;
  secret: string;
}

/** Registering, listing, testing and deleting an account's webhooks (docs/webhooks.md). */
export class WebhookService {
  readonly #deps: WebhookServiceDeps;

  constructor(deps: WebhookServiceDeps) {
    this.#deps = deps;
  }

  /**
   * Registers a webhook for the caller's account and records `webhook.created`. Its URL is checked
   * here and again before every delivery. No re-authentication: a webhook receives ids, names and
   * masked values only, and the account's owner sees it and its deliveries in the console.
   * @throws ApiError `webhook_url_not_allowed` (not an http(s) URL, or an address that may not be used).
   */
  async create(
    principal: Principal,
    input: CreateWebhookBody,
    context: RequestContext,
  ): Promise<CreatedWebhook> {
    const url = parseWebhookUrl(input.url);
    const refusal = await this.#deps.transport.refusalOf(url);
    if (refusal !== undefined) throw new ApiError('webhook_url_not_allowed', { detail: refusal });
    const events = [...new Set(input.events)] as WebhookEvent[];
    const now = this.#deps.clock.now();
    const secret = `${WEBHOOK_SECRET_PREFIX}${randomBase62(this.#deps.random, SECRET_LENGTH)}`;
    const webhook: WebhookWithLastDelivery = {
      id: newId('whk', this.#deps.random, now),
      accountId: principal.accountId,
      url,
      events,
      sealedSecret: this.#deps.box.seal(new TextEncoder().encode(secret), principal.accountId),
      createdAt: now,
      lastDeliveryAt: null,
      lastDeliveryStatus: null,
    };
    await this.#deps.uow.transaction(async (stores) => {
      await stores.webhooks.insert(webhook);
      await this.#deps.audit.record(stores, {
        accountId: principal.accountId,
        action: 'webhook.created',
        actor: actorOf(principal),
        target: { type: 'webhook', id: webhook.id },
        context,
        details: { url, events },
      });
    });
    return { webhook, secret };
  }

  /**
   * The account's webhooks, newest first.
   * @throws ApiError `invalid_cursor`.
   */
  async list(
    accountId: string,
    options: { cursor?: string; limit: number },
  ): Promise<Page<WebhookWithLastDelivery>> {
    const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    const rows = await this.#deps.uow.stores.webhooks.list(accountId, {
      ...(after === undefined ? {} : { after }),
      limit: options.limit + 1,
    });
    return toPage(rows, options.limit, (webhook) => webhook);
  }

  /**
   * Deletes the account's webhook `id`; deliveries still due are dropped. Records `webhook.deleted`.
   * @throws ApiError `not_found`, also for another account's webhook.
   */
  async delete(principal: Principal, id: string, context: RequestContext): Promise<void> {
    await this.#deps.uow.transaction(async (stores) => {
      const webhook = await stores.webhooks.findById(principal.accountId, id);
      if (webhook === undefined || !(await stores.webhooks.delete(principal.accountId, id))) throw notFound();
      await this.#deps.audit.record(stores, {
        accountId: principal.accountId,
        action: 'webhook.deleted',
        actor: actorOf(principal),
        target: { type: 'webhook', id },
        context,
        details: { url: webhook.url },
      });
    });
  }

  /**
   * The deliveries of the account's webhook `id`, newest first.
   * @throws ApiError `not_found`, `invalid_cursor`.
   */
  async listDeliveries(
    accountId: string,
    id: string,
    options: { cursor?: string; limit: number },
  ): Promise<Page<WebhookDeliveryRecord>> {
    const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    const { webhooks } = this.#deps.uow.stores;
    if ((await webhooks.findById(accountId, id)) === undefined) throw notFound();
    const rows = await webhooks.listDeliveries(id, {
      ...(after === undefined ? {} : { after }),
      limit: options.limit + 1,
    });
    return toPage(rows, options.limit, (delivery) => delivery);
  }

  /**
   * Enqueues a `webhook.test` event for the account's webhook `id` alone, due now.
   * @returns its delivery.
   * @throws ApiError `not_found`.
   */
  async sendTest(accountId: string, id: string): Promise<WebhookDeliveryRecord> {
    const delivery = await this.#deps.uow.transaction(async (stores) => {
      const webhook = await stores.webhooks.findById(accountId, id);
      if (webhook === undefined) throw notFound();
      return this.#deps.events.publishTest(stores, webhook);
    });
    this.#deps.onEnqueued?.();
    return delivery;
  }
}

/**
 * `raw` as an absolute http(s) URL, in its normal form.
 * @throws ApiError `webhook_url_not_allowed` for anything else, or a URL with credentials in it
 * (docs/errors.md).
 */
export function parseWebhookUrl(raw: string): string {
  const refuse = (detail: string) => new ApiError('webhook_url_not_allowed', { detail });
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse('The URL must be an absolute http or https URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw refuse('The URL must be an http or https URL.');
  // Credentials in a URL end up in logs and in the console: the signature authenticates deliveries.
  if (url.username !== '' || url.password !== '')
    throw refuse('The URL must not contain a user name or password.');
  return url.href;
}

function notFound(): ApiError {
  return new ApiError('not_found', { detail: 'No such webhook.' });
}

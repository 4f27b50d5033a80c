import type { Clock } from './clock.js';
import { decodeCursor, toPage } from './cursor.js';
import type { Actor, AuditAction, AuditEvent, Page, RequestContext } from './model.js';
import type { Stores, UnitOfWork } from './ports.js';
import { newId, type Random } from './random.js';

/** What a caller says about an event; id and time are filled in. */
export interface AuditInput {
  accountId: string | null;
  action: AuditAction;
  actor: Actor;
  target?: { type: string; id: string } | null;
  context: RequestContext;
  details?: Record<string, unknown>;
}

/** Builds audit events with ids and times from the injected clock and random source. */
export class AuditLog {
  readonly #uow: UnitOfWork;
  readonly #clock: Clock;
  readonly #random: Random;

  constructor(deps: { uow: UnitOfWork; clock: Clock; random: Random }) {
    this.#uow = deps.uow;
    this.#clock = deps.clock;
    this.#random = deps.random;
  }

  /** A complete event for `input`, to append in the same transaction as the change it records. */
  event(input: AuditInput): AuditEvent {
    const at = this.#clock.now();
    return {
      id: newId('aud', this.#random, at),
      accountId: input.accountId,
      at,
      action: input.action,
      actor: input.actor,
      target: input.target ?? null,
      ip: input.context.ip,
      userAgent: input.context.userAgent,
      details: input.details ?? {},
    };
  }

  /** Appends the event for `input` through `stores`: pass a transaction's stores to commit it with the change. */
  async record(stores: Pick<Stores, 'audit'>, input: AuditInput): Promise<void> {
    await stores.audit.append(this.event(input));
  }

  /**
   * The account's events, newest first.
   * @throws ApiError `invalid_cursor`.
   */
  async list(
    accountId: string,
    options: { action?: AuditAction; cursor?: string; limit: number },
  ): Promise<Page<AuditEvent>> {
    const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    const rows = await this.#uow.stores.audit.list(
      accountId,
      { ...(options.action === undefined ? {} : { action: options.action }) },
      { ...(after === undefined ? {} : { after }), limit: options.limit + 1 },
    );
    return toPage(rows, options.limit, (event) => ({ createdAt: event.at, id: event.id }));
  }
}

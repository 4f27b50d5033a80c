import pg from 'pg';
import type { VerifiedTokenCache } from '../../core/verified-token-cache.js';
import {
  parseInvalidationPayload,
  TOKEN_INVALIDATION_CHANNEL,
} from '../storage/kysely-token-invalidations.js';

/** How the listener's connection is named in `pg_stat_activity`, with the process id after it. */
export const LISTENER_APPLICATION_NAME = 'skytells-invalidation-listener';

/** Options of {@link PostgresInvalidationListener}. */
export interface InvalidationListenerOptions {
  /** The PostgreSQL URL the server's pool uses. */
  url: string;
  /** The cache to evict from, and to distrust while notifications may be missed. */
  cache: VerifiedTokenCache;
  /** The connection died or could not be made; the listener connects again by itself. */
  onConnectionLost?: (error: Error) => void;
  /** LISTEN is in place (again) and the cache serves again. */
  onListening?: () => void;
  /** How often the connection proves it is alive; default 200 ms. */
  heartbeatMs?: number;
  /** A heartbeat unanswered this long distrusts the cache until it is answered; default 500 ms. */
  lagLimitMs?: number;
  /** A heartbeat unanswered this long drops the connection and makes a new one; default 5 s. */
  deadAfterMs?: number;
  /** Back-off between connection attempts: from `minMs`, doubling, up to `maxMs`. */
  backoff?: { minMs: number; maxMs: number };
}

/**
 * Keeps this process's verification cache in step with revocations made by every process sharing
 * PostgreSQL: LISTENs on a connection of its own and evicts each announced token id. The cache is
 * trusted only while that connection is known to be alive: from the moment it drops, or a heartbeat
 * goes unanswered for `lagLimitMs`, every verification reads through; after reconnecting with back-off
 * and LISTENing again, the cache starts empty, since announcements made meanwhile were lost. No
 * failure of this connection ends the process.
 */
export class PostgresInvalidationListener {
  readonly #options: InvalidationListenerOptions;
  readonly #heartbeatMs: number;
  readonly #lagLimitMs: number;
  readonly #deadAfterMs: number;
  readonly #backoff: { minMs: number; maxMs: number };
  #client: pg.Client | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #reconnect: NodeJS.Timeout | undefined;
  #heartbeatSentAt: number | undefined;
  #isLagging = false;
  #failures = 0;
  #isClosed = false;

  constructor(options: InvalidationListenerOptions) {
    this.#options = options;
    this.#heartbeatMs = options.heartbeatMs ?? 200;
    this.#lagLimitMs = options.lagLimitMs ?? 500;
    this.#deadAfterMs = options.deadAfterMs ?? 5000;
    this.#backoff = options.backoff ?? { minMs: 100, maxMs: 5000 };
    // Until LISTEN is in place, revocations by other processes would go unheard.
    options.cache.distrust();
  }

  /**
   * Connects and LISTENs. On failure the cache stays distrusted (read-through) and attempts go on
   * in the background.
   * @returns whether the listener is in place.
   */
  async start(): Promise<boolean> {
    return this.#connect();
  }

  /** Whether LISTEN is in place on a live connection. */
  get isListening(): boolean {
    return this.#client !== undefined && this.#options.cache.isTrusted;
  }

  /** Stops listening for good; the cache stays distrusted. */
  async close(): Promise<void> {
    this.#isClosed = true;
    clearTimeout(this.#reconnect);
    const client = this.#client;
    this.#drop();
    await client?.end().catch(() => undefined);
  }

  async #connect(): Promise<boolean> {
    this.#reconnect = undefined;
    const client = new pg.Client({
      connectionString: this.#options.url,
      // An operator (or a test) can find one process's listener: `skytells-invalidation-listener pid 42`.
      application_name: `${LISTENER_APPLICATION_NAME} pid ${process.pid}`,
      keepAlive: true,
      connectionTimeoutMillis: 5000,
    });
    const lost = (error: Error) => this.#lost(client, error);
    client.on('error', lost);
    client.on('end', () => lost(new Error('connection ended')));
    client.on('notification', (message) => {
      if (message.channel !== TOKEN_INVALIDATION_CHANNEL) return;
      for (const id of parseInvalidationPayload(message.payload)) this.#options.cache.evict(id);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${TOKEN_INVALIDATION_CHANNEL}`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      this.#lost(client, error instanceof Error ? error : new Error(String(error)), true);
      return false;
    }
    if (this.#isClosed) {
      await client.end().catch(() => undefined);
      return false;
    }
    this.#client = client;
    this.#failures = 0;
    this.#isLagging = false;
    this.#heartbeatSentAt = undefined;
    // Announcements made while no LISTEN was in place are lost: start from an empty cache.
    this.#options.cache.trust();
    this.#heartbeat = setInterval(() => this.#beat(client), this.#heartbeatMs);
    this.#heartbeat.unref();
    this.#options.onListening?.();
    return true;
  }

  /** One heartbeat: a round trip on the LISTEN connection, which also delivers what came before it. */
  #beat(client: pg.Client): void {
    const sentAt = this.#heartbeatSentAt;
    if (sentAt !== undefined) {
      const waited = performance.now() - sentAt;
      if (waited > this.#deadAfterMs) {
        this.#lost(client, new Error(`no heartbeat answer within ${this.#deadAfterMs} ms`));
        client.end().catch(() => undefined);
      } else if (waited > this.#lagLimitMs && !this.#isLagging) {
        this.#isLagging = true;
        this.#options.cache.distrust();
      }
      return;
    }
    this.#heartbeatSentAt = performance.now();
    client.query('select 1').then(
      () => {
        if (this.#client !== client) return;
        this.#heartbeatSentAt = undefined;
        // Answered in order after every notification sent before it: nothing was missed.
        if (this.#isLagging) {
          this.#isLagging = false;
          this.#options.cache.trust();
        }
      },
      // The connection's `error` event reports it.
      () => undefined,
    );
  }

  #lost(client: pg.Client, error: Error, isConnectAttempt = false): void {
    if (!isConnectAttempt && this.#client !== client) return;
    this.#drop();
    if (this.#isClosed) return;
    this.#options.onConnectionLost?.(error);
    const delay = Math.min(this.#backoff.maxMs, this.#backoff.minMs * 2 ** this.#failures);
    this.#failures += 1;
    // Jitter, so that processes cut off together do not reconnect in lockstep.
    this.#reconnect = setTimeout(() => void this.#connect(), delay * (0.5 + Math.random() / 2));
    this.#reconnect.unref();
  }

  #drop(): void {
    this.#options.cache.distrust();
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    this.#heartbeatSentAt = undefined;
    this.#client = undefined;
  }
}

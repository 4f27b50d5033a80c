import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { DatabaseUnavailableError, StorageFullError } from '../core/storage-errors.js';
import { EXPIRY_CHECK_INTERVAL_MS } from '../core/expiry-warnings.js';
import { composePlatform, type Platform } from './compose.js';

/** How often the outbox is checked for account e-mail to send. */
const MAIL_POLL_MS = 2_000;

/** How often the webhook outbox is checked for deliveries due; a test event is sent at once. */
const WEBHOOK_POLL_MS = 2_000;

/** A listening server and how to stop it cleanly. */
export interface RunningServer {
  platform: Platform;
  /** The address it listens on, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** Stops accepting, finishes requests in flight, flushes last-used data, inference and token usage, closes the database. */
  stop(): Promise<void>;
}

/** Starts the server described by `config` and flushes last-used data, inference and token usage on its interval. */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const platform = await composePlatform({ config, logger });
  // A failed flush keeps its batch for the next one; an unreachable or full database is expected.
  const flushOne = (recorder: { flush(): Promise<number>; size: number }, what: string) =>
    recorder.flush().catch((error: unknown) => {
      if (error instanceof DatabaseUnavailableError || error instanceof StorageFullError) {
        logger.warn({ reason: error.message, pending: recorder.size }, `${what} kept for later`);
      } else {
        logger.error({ err: error }, `writing ${what} failed`);
      }
    });
  const flush = async () => {
    await flushOne(platform.lastUse, 'last-used data');
    await flushOne(platform.inferenceUsage, 'inference usage');
    await flushOne(platform.tokenUsage, 'token usage');
  };
  const timer = setInterval(() => void flush(), config.lastUsedFlushMs);
  timer.unref();
  platform.mail.start(MAIL_POLL_MS);
  platform.expiryWarnings.start(EXPIRY_CHECK_INTERVAL_MS);
  platform.webhooks.start(WEBHOOK_POLL_MS);

  const url = await platform.app.listen({
    host: config.host,
    port: config.port,
    // Fastify's own line ("Server listening at …"), said once and where users reach the server.
    listenTextResolver: () => `Skytells Access is at ${config.publicUrl}`,
  });
  logger.info({ url, database: platform.database.dialect }, 'skytells server listening');
  logger.info(
    config.signup === 'open'
      ? `Open ${config.publicUrl}/ in a browser and choose "Create an account" to sign up.`
      : 'Sign-up is closed (SKYTELLS_SIGNUP=closed): create an account with ' +
          '`npx skytells-server create-account --email you@example.com`.',
  );

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      clearInterval(timer);
      await platform.app.close();
      // A message being sent is finished; the rest stay in the outbox for the next start.
      await platform.expiryWarnings.stop();
      await platform.mail.stop();
      await platform.webhooks.stop();
      platform.mailer.close();
      await flush();
      await platform.database.close();
      logger.info('skytells server stopped');
    })();
    return stopping;
  };
  return { platform, url, stop };
}

import { Command } from 'commander';
import { ApiError } from '../core/errors.js';
import { ConfigError, loadConfig } from '../config/config.js';
import { migrateToLatest, openDatabase } from '../adapters/storage/database.js';
import { AesGcmEnvelopeCipher } from '../adapters/crypto/aes-gcm-envelope-cipher.js';
import { KyselyUnitOfWork } from '../adapters/storage/kysely-unit-of-work.js';
import { systemClock } from '../core/clock.js';
import {
  KekRotation,
  KeyDoesNotUnwrapError,
  RotationSupersededError,
  type RotationProgress,
  type RotationSummary,
} from '../core/providers/kek-rotation.js';
import { secureRandom } from '../core/random.js';
import { composePlatform, databaseTarget, resolveSecret } from './compose.js';
import { createLogger } from './logger.js';
import { readSecretInput } from './secret-input.js';
import { startServer } from './server.js';

/** `skytells-server`: the server and its administration commands. */
const program = new Command('skytells-server')
  .description('Skytells Access server. Configuration comes from environment variables; see the README.')
  .showHelpAfterError();

program
  .command('start', { isDefault: true })
  .description('migrate the database and serve the API and console')
  .action(async () => {
    const config = loadConfig(process.env);
    const logger = createLogger(config.logLevel);
    const server = await startServer(config, logger);
    const onSignal = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'shutting down');
      server.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });

program
  .command('migrate')
  .description('apply pending database migrations and exit')
  .action(async () => {
    const config = loadConfig(process.env);
    const database = openDatabase(databaseTarget(config));
    try {
      const result = await migrateToLatest(database);
      const applied = result.results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? [];
      console.log(applied.length === 0 ? 'Database is up to date.' : `Applied: ${applied.join(', ')}`);
    } finally {
      await database.close();
    }
  });

program
  .command('create-account')
  .description('create an account, also when sign-up is closed; the password is read from standard input')
  .requiredOption('--email <email>', 'the e-mail address to sign in with')
  .option('--name <name>', 'display name')
  .action(async (options: { email: string; name?: string }) => {
    const config = loadConfig(process.env);
    const password = await readSecretInput('Password: ');
    const platform = await composePlatform({ config, logger: false });
    try {
      const account = await platform.services.accounts.signUp(
        { email: options.email, password, ...(options.name === undefined ? {} : { name: options.name }) },
        { ip: null, userAgent: 'skytells-server create-account' },
        { bypassClosedSignup: true },
      );
      console.log(`Created account ${account.id} for ${account.email}.`);
    } finally {
      await platform.app.close();
      await platform.database.close();
    }
  });

program
  .command('rotate-kek')
  .description(
    "re-wrap every provider key's data key with a new key-encryption key, then delete the old ones; " +
      'rerun to finish an interrupted rotation',
  )
  .option('--batch-size <n>', 'provider keys re-wrapped per transaction', '100')
  .action(async (options: { batchSize: string }) => {
    const batchSize = Number(options.batchSize);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
      program.error('error: --batch-size must be an integer from 1 to 10000', { exitCode: 2 });
    }
    const config = loadConfig(process.env);
    const database = openDatabase(databaseTarget(config));
    try {
      await migrateToLatest(database);
      const uow = new KyselyUnitOfWork(database.db, database.dialect);
      const cipher = new AesGcmEnvelopeCipher({
        secret: resolveSecret(config),
        keks: uow.stores.keyEncryptionKeys,
        clock: systemClock,
        random: secureRandom,
      });
      const progress = {
        batchSize,
        onStart: ({ kekId, continued, total, done }: RotationProgress & { continued: boolean }) =>
          console.error(
            continued
              ? `Continuing the rotation to ${kekId}: ${done} of ${total} provider keys already re-wrapped.`
              : `Rotating to the new key-encryption key ${kekId}: ${total} provider keys to re-wrap.`,
          ),
        onProgress: ({ done, total }: RotationProgress) =>
          console.error(
            `Re-wrapped ${done} of ${total} provider keys (${Math.floor((done / total) * 100)}%).`,
          ),
      };
      let summary: RotationSummary;
      try {
        summary = await new KekRotation({ uow, cipher }).run(progress);
      } catch (error) {
        if (error instanceof RotationSupersededError) {
          console.error(`Error: ${error.message}; this run stops and leaves the rest to it.`);
          process.exitCode = 1;
          return;
        }
        if (!(error instanceof KeyDoesNotUnwrapError)) throw error;
        // An expected stop: say which key and what to do, without a stack.
        console.error(
          `Error: ${error.message}.\nKeys re-wrapped so far stay so. Restore SKYTELLS_SECRET if it changed, ` +
            'or delete that provider key (its account can save it again), then run rotate-kek again.',
        );
        process.exitCode = 1;
        return;
      }
      const removed =
        summary.removed.length === 0
          ? 'no old key-encryption key to delete'
          : `deleted ${summary.removed.join(', ')}`;
      console.log(
        `Key-encryption key ${summary.kekId} is current: ${summary.rewrapped} provider keys re-wrapped, ` +
          `${summary.total} in all; ${removed}.`,
      );
      if (summary.remaining.length > 0) {
        console.log(
          `Still referenced by keys saved during the run: ${summary.remaining.join(', ')}. Run rotate-kek again.`,
        );
        process.exitCode = 1;
      }
    } finally {
      await database.close();
    }
  });

program.parseAsync().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`);
    process.exit(2);
  }
  if (error instanceof ApiError) {
    console.error(`Error: ${error.detail}`);
    process.exit(1);
  }
  console.error(error);
  process.exit(1);
});

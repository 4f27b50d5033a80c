import { Command } from 'commander';
import { ApiError } from '../core/errors.js';
import { ConfigError, loadConfig } from '../config/config.js';
import { migrateToLatest, openDatabase } from '../adapters/storage/database.js';
import { composePlatform, databaseTarget } from './compose.js';
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

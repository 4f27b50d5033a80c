import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { AccountNotices } from '../core/account-notices.js';
import { AccountService } from '../core/account-service.js';
import { AuditLog } from '../core/audit.js';
import { type Clock, systemClock } from '../core/clock.js';
import { ExpiryWarnings } from '../core/expiry-warnings.js';
import { InferenceGateway } from '../core/inference/inference-gateway.js';
import { InferenceUsageRecorder } from '../core/inference/inference-usage-recorder.js';
import { KeyedHasher } from '../core/keyed-hash.js';
import { LastUseRecorder } from '../core/last-use-recorder.js';
import { ApiKeyLifecycle } from '../core/api-key-lifecycle.js';
import { ApiKeyService } from '../core/api-key-service.js';
import { MailDelivery } from '../core/mail-delivery.js';
import type { Mailer } from '../core/mailer.js';
import { ApplicationService } from '../core/oauth/application-service.js';
import { AuthorizationServer } from '../core/oauth/authorization-server.js';
import { ClientRegistry } from '../core/oauth/client-registry.js';
import { ClientTokens } from '../core/oauth/client-tokens.js';
import { DeviceFlow } from '../core/oauth/device-flow.js';
import { TokenEndpoints } from '../core/oauth/token-endpoints.js';
import { PasswordHasher, type ScryptParams } from '../core/password-hasher.js';
import { ProjectService } from '../core/project-service.js';
import { ProviderKeyService } from '../core/providers/provider-key-service.js';
import { type Random, secureRandom } from '../core/random.js';
import { PasskeyService } from '../core/passkey-service.js';
import { SessionService } from '../core/session-service.js';
import { SignInThrottle } from '../core/sign-in-throttle.js';
import { TokenRestrictionGuard } from '../core/token-restriction-guard.js';
import { TokenService } from '../core/token-service.js';
import { TwoFactorService } from '../core/two-factor-service.js';
import { TokenVerifier } from '../core/token-verifier.js';
import { TokenLifecycle } from '../core/token-lifecycle.js';
import { FirstUseRevocations } from '../core/first-use-revocations.js';
import { TokenUsageRecorder } from '../core/token-usage-recorder.js';
import { TokenUsageReports } from '../core/token-usage-reports.js';
import { KyselyTokenUsageStore } from '../adapters/storage/kysely-token-usage-store.js';
import { UnknownTokenCache } from '../core/unknown-token-cache.js';
import { VerifiedTokenCache } from '../core/verified-token-cache.js';
import { AesGcmEnvelopeCipher } from '../adapters/crypto/aes-gcm-envelope-cipher.js';
import { AesGcmSecretBox } from '../adapters/crypto/aes-gcm-secret-box.js';
import { NodeWebhookTransport } from '../adapters/notify/node-webhook-transport.js';
import { WebhookDelivery } from '../core/webhooks/webhook-delivery.js';
import { OutboxWebhookEvents } from '../core/webhooks/webhook-events.js';
import { WebhookService } from '../core/webhooks/webhook-service.js';
import { WorkloadExchange } from '../core/workloads/workload-exchange.js';
import { WorkloadService } from '../core/workloads/workload-service.js';
import { JoseIdTokenVerifier } from '../adapters/oidc/jose-id-token-verifier.js';
import { describeDevice } from '../adapters/describe-device.js';
import { AnthropicMessagesProvider } from '../adapters/inference/anthropic-messages-provider.js';
import { OpenAiChatProvider } from '../adapters/inference/openai-chat-provider.js';
import { SimpleWebAuthnRelyingParty } from '../adapters/crypto/simple-webauthn-relying-party.js';
import { buildApp } from '../adapters/http/build-app.js';
import { EmlFileMailer, SmtpMailer } from '../adapters/mail/nodemailer-mailer.js';
import { FetchProviderKeyTester } from '../adapters/providers/fetch-provider-key-tester.js';
import { createMetrics } from '../adapters/http/metrics.js';
import type { Services } from '../adapters/http/services.js';
import {
  type DatabaseTarget,
  migrateToLatest,
  type OpenDatabase,
  openDatabase,
} from '../adapters/storage/database.js';
import { KyselyInferenceUsageStore } from '../adapters/storage/kysely-inference-usage-store.js';
import { KyselyRateLimiter } from '../adapters/storage/kysely-rate-limiter.js';
import { KyselyUnitOfWork } from '../adapters/storage/kysely-unit-of-work.js';
import { PostgresInvalidationListener } from '../adapters/notify/postgres-invalidation-listener.js';
import type { Config } from '../config/config.js';

/**
 * The server secret: `SKYTELLS_SECRET`, else the one generated into the data directory on first
 * start (mode 0600) and read back on every later start.
 */
export function resolveSecret(config: Config): string {
  if (config.secret !== undefined) return config.secret;
  const file = join(config.dataDir, 'secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('base64url');
  // Written aside and linked into place, so a process starting at the same moment never reads a
  // created but still empty file; link() fails with EEXIST if another process won the race.
  const draft = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
  writeFileSync(draft, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(draft, file);
    return secret;
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw error;
  } finally {
    rmSync(draft, { force: true });
  }
}

/** Where the configuration says the data lives. */
export function databaseTarget(config: Config): DatabaseTarget {
  if (config.databaseUrl !== undefined) return { dialect: 'postgres', url: config.databaseUrl };
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  return { dialect: 'sqlite', file: resolve(config.dataDir, 'skytells.db') };
}

/**
 * The `From` of account e-mail: `Skytells <no-reply@HOST>`, HOST being the host of
 * `SKYTELLS_PUBLIC_URL` (an address literal in brackets for an IP address).
 */
export function mailFrom(publicUrl: string): string {
  const host = new URL(publicUrl).hostname.replace(/^\[(.*)\]$/, '$1');
  return `Skytells <no-reply@${isIP(host) === 0 ? host : `[${host}]`}>`;
}

/** Where account e-mail goes: the SMTP server of `SKYTELLS_SMTP_URL`, else `.eml` files in the outbox directory. */
export function mailerFor(config: Config): Mailer {
  return config.smtpUrl === undefined
    ? new EmlFileMailer(join(config.dataDir, 'outbox'))
    : new SmtpMailer(config.smtpUrl);
}

/** How long trying a provider key on save may take at most. */
const PROVIDER_KEY_TEST_TIMEOUT_MS = 10_000;

/** Everything a running server is made of. */
export interface Platform {
  services: Services;
  /** The database; closing it also stops the revocation listener on PostgreSQL. */
  database: OpenDatabase;
  lastUse: LastUseRecorder;
  /** Inference usage counted in memory; flushed with the last-used data. */
  inferenceUsage: InferenceUsageRecorder;
  /** Token usage (scopes exercised, addresses) counted in memory; flushed with the last-used data. */
  tokenUsage: TokenUsageRecorder;
  /** Sends account e-mail from the outbox; the server runs it on an interval. */
  mail: MailDelivery;
  /** The transport `mail` sends with; closed at shutdown. */
  mailer: Mailer;
  /** Warns owners of tokens nearing or past their expiry; the server runs it on an interval. */
  expiryWarnings: ExpiryWarnings;
  /** Delivers webhook events from their outbox; the server runs it on an interval. */
  webhooks: WebhookDelivery;
  app: FastifyInstance;
}

/** Knobs for tests and benchmarks; production uses the defaults. */
export interface PlatformOptions {
  config: Config;
  /** Overrides the target derived from the configuration. */
  target?: DatabaseTarget;
  logger: FastifyBaseLogger | false;
  clock?: Clock;
  random?: Random;
  /** scrypt cost; the OWASP parameters by default. */
  scrypt?: ScryptParams;
  /** Overrides the mailer derived from the configuration. */
  mailer?: Mailer;
}

/** Opens the database, migrates it, and wires core services into the HTTP app. */
export async function composePlatform(options: PlatformOptions): Promise<Platform> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? secureRandom;
  const logger = options.logger;
  const target = options.target ?? databaseTarget(config);
  const pooled = openDatabase(target, {
    // The reason only: pg's messages name no credentials, and the URL is never logged.
    onConnectionLost: (error) =>
      logger === false ? undefined : logger.warn({ reason: error.message }, 'database connection lost'),
  });
  await migrateToLatest(pooled);

  const uow = new KyselyUnitOfWork(pooled.db, pooled.dialect);
  const secret = resolveSecret(config);
  const hasher = new KeyedHasher(secret);
  const audit = new AuditLog({ uow, clock, random });
  const lastUse = new LastUseRecorder(uow.stores.tokens, uow.stores.apiKeys);
  // One process owns a SQLite file and sees every revocation. PostgreSQL may be shared: the cache
  // serves only while this process hears every other's revocations, and reads through otherwise.
  const cache = config.tokenCacheSize > 0 ? new VerifiedTokenCache(config.tokenCacheSize) : undefined;
  // Safe with PostgreSQL too: see UnknownTokenCache on tokens issued by another process.
  const unknown = new UnknownTokenCache({ clock });
  const listener =
    target.dialect === 'postgres' && cache !== undefined
      ? new PostgresInvalidationListener({
          url: target.url,
          cache,
          onConnectionLost: (error) =>
            logger === false
              ? undefined
              : logger.warn(
                  { reason: error.message, connection: 'invalidation listener' },
                  'database connection lost; verifying every token against the database until it is back',
                ),
          onListening: () =>
            logger === false ? undefined : logger.info('listening for token revocations of other processes'),
        })
      : undefined;
  await listener?.start();
  const database: OpenDatabase = {
    ...pooled,
    close: async () => {
      await listener?.close();
      await pooled.close();
    },
  };
  const metrics = createMetrics();
  const policy = {
    maxLifetimeDays: config.tokenMaxLifetimeDays,
    requireExpiration: config.tokenRequireExpiration,
  };
  // In the database, so that every process sharing it counts against the same limits.
  const limiter = new KyselyRateLimiter(database.db, clock);
  const notices = new AccountNotices({ clock, random, publicUrl: config.publicUrl, describeDevice });
  const twoFactor = new TwoFactorService({
    uow,
    clock,
    random,
    audit,
    hasher,
    box: new AesGcmSecretBox(secret, 'totp-secret'),
    notices,
  });
  const mailer = options.mailer ?? mailerFor(config);
  const mail = new MailDelivery({
    outbox: uow.stores.outbox,
    mailer,
    clock,
    random,
    from: mailFrom(config.publicUrl),
    // Never the message or the recipient: the reason and the outbox id are enough to investigate.
    onFailure: (failure) =>
      logger === false
        ? undefined
        : logger.warn(
            { mail: failure.id, kind: failure.kind, attempts: failure.attempts, reason: failure.error },
            failure.givenUp ? 'account e-mail given up' : 'account e-mail not sent; will retry',
          ),
    onRunError: (error) =>
      logger === false
        ? undefined
        : logger.warn(
            { reason: error instanceof Error ? error.message : String(error) },
            'mail outbox unreachable',
          ),
  });
  const webhookEvents = new OutboxWebhookEvents({ clock, random });
  const expiryWarnings = new ExpiryWarnings({
    uow,
    clock,
    notices,
    events: webhookEvents,
    onRunError: (error) =>
      logger === false
        ? undefined
        : logger.warn(
            { reason: error instanceof Error ? error.message : String(error) },
            'token expiry warnings not sent; will retry',
          ),
  });
  const sessions = new SessionService({ uow, hasher, clock, random, audit, notices });
  const passkeys = new PasskeyService({
    uow,
    clock,
    random,
    audit,
    hasher,
    relyingParty: new SimpleWebAuthnRelyingParty(config.publicUrl),
    twoFactor,
    notices,
  });
  const webhookBox = new AesGcmSecretBox(secret, 'webhook-secret');
  const webhookTransport = new NodeWebhookTransport({ allowPrivate: config.webhookAllowPrivate });
  const webhookDelivery = new WebhookDelivery({
    store: uow.stores.webhooks,
    transport: webhookTransport,
    box: webhookBox,
    clock,
    random,
    // Never the body or the URL: the ids and the reason are enough to investigate.
    onFailure: (failure) =>
      logger === false
        ? undefined
        : logger.warn(
            {
              event: failure.eventId,
              webhook: failure.webhookId,
              attempts: failure.attempts,
              reason: failure.error,
            },
            failure.givenUp ? 'webhook delivery given up' : 'webhook not delivered; will retry',
          ),
    onRunError: (error) =>
      logger === false
        ? undefined
        : logger.warn(
            { reason: error instanceof Error ? error.message : String(error) },
            'webhook outbox unreachable',
          ),
  });
  // The one owner of issuing, revoking and evicting tokens, for every path that changes one.
  const lifecycle = new TokenLifecycle({
    webhooks: webhookEvents,
    uow,
    hasher,
    clock,
    random,
    audit,
    lastUse,
    unknown,
    ...(cache ? { cache } : {}),
  });
  const tokens = new TokenService({ uow, hasher, clock, audit, lifecycle, policy, notices });
  const firstUse = new FirstUseRevocations({
    lifecycle,
    onError: (error) =>
      logger === false
        ? undefined
        : logger.warn(
            { reason: error instanceof Error ? error.message : String(error) },
            "replaced token not revoked at its replacement's first use; tried again at its next use",
          ),
  });
  // API keys end through the token lifecycle's transactions: the same eviction and announcement.
  const apiKeyLifecycle = new ApiKeyLifecycle({
    tokens: lifecycle,
    hasher,
    clock,
    random,
    audit,
    lastUse,
    unknown,
  });
  const apiKeys = new ApiKeyService({ uow, hasher, clock, audit, lifecycle: apiKeyLifecycle, notices });
  const clients = new ClientRegistry({ uow, hasher });
  const clientTokens = new ClientTokens({ uow, clock, audit, lifecycle, policy });
  const issuer = config.publicUrl;
  const providerKeys = new ProviderKeyService({
    uow,
    clock,
    random,
    audit,
    cipher: new AesGcmEnvelopeCipher({ secret, keks: uow.stores.keyEncryptionKeys, clock, random }),
    // A models call answers in well under a second; ten seconds at most, less if configured so.
    tester: new FetchProviderKeyTester({
      timeoutMs: Math.min(PROVIDER_KEY_TEST_TIMEOUT_MS, config.providerTimeoutMs),
    }),
    baseUrls: config.providerBaseUrls,
  });
  const tokenUsageStore = new KyselyTokenUsageStore(database.db, database.dialect);
  const tokenUsage = new TokenUsageRecorder(tokenUsageStore);
  const inferenceUsage = new InferenceUsageRecorder(new KyselyInferenceUsageStore(database.db));
  const timeoutMs = config.providerTimeoutMs;
  const gateway = new InferenceGateway({
    credentials: { find: (accountId, provider) => providerKeys.reveal(accountId, provider) },
    providers: {
      openai: new OpenAiChatProvider({ name: 'openai', baseUrl: config.providerBaseUrls.openai, timeoutMs }),
      openai_compatible: new OpenAiChatProvider({ name: 'openai_compatible', timeoutMs }),
      anthropic: new AnthropicMessagesProvider({
        baseUrl: config.providerBaseUrls.anthropic,
        timeoutMs,
        clock,
      }),
    },
    usage: inferenceUsage,
  });
  const restrictions = new TokenRestrictionGuard({ uow, clock, audit, limiter });
  const services: Services = {
    clock,
    audit,
    sessions,
    twoFactor,
    passkeys,
    tokens,
    apiKeys,
    accounts: new AccountService({
      uow,
      clock,
      random,
      audit,
      sessions,
      passwords: new PasswordHasher(options.scrypt),
      throttle: new SignInThrottle({ limiter, name: 'sign-in' }),
      twoFactor,
      notices,
      passkeys,
      signup: config.signup,
    }),
    verifier: new TokenVerifier({
      uow,
      hasher,
      clock,
      audit,
      lastUse,
      observe: metrics.observeVerification,
      unknown,
      firstUse,
      restrictions,
      ...(cache ? { cache } : {}),
    }),
    restrictions,
    projects: new ProjectService({ uow, clock, random, audit }),
    providerKeys,
    webhooks: new WebhookService({
      uow,
      clock,
      random,
      audit,
      box: webhookBox,
      transport: webhookTransport,
      events: webhookEvents,
      onEnqueued: () => webhookDelivery.nudge(),
    }),
    workloads: new WorkloadService({
      uow,
      clock,
      random,
      audit,
      allowInsecureIssuer: config.workloadAllowInsecureIssuer,
    }),
    oauth: {
      issuer,
      server: new AuthorizationServer({ uow, hasher, clock, random, audit, clientTokens, clients }),
      device: new DeviceFlow({
        uow,
        hasher,
        clock,
        random,
        audit,
        clientTokens,
        clients,
        // Ten wrong user codes per account and address in fifteen minutes.
        throttle: new SignInThrottle({
          limiter,
          name: 'user-code',
          limits: { windowMs: 15 * 60_000, perAccountAndIp: 10, perIp: 30, perAccount: 30 },
        }),
        verificationUri: `${issuer}/device`,
      }),
      endpoints: new TokenEndpoints({ uow, hasher, clock, clientTokens, clients }),
      apps: new ApplicationService({ uow, hasher, clock, random, audit, clientTokens, clients }),
      exchange: new WorkloadExchange({
        uow,
        clock,
        audit,
        lifecycle,
        verifier: new JoseIdTokenVerifier({ clock, allowInsecure: config.workloadAllowInsecureIssuer }),
      }),
    },
    inference: { gateway, usage: inferenceUsage },
    tokenUsage: {
      recorder: tokenUsage,
      reports: new TokenUsageReports({ uow, clock, store: tokenUsageStore, recorder: tokenUsage }),
    },
    limiter,
    isReady: () => uow.isReachable(),
  };
  const app = await buildApp(services, {
    logger: options.logger,
    metrics,
    publicUrl: config.publicUrl,
    trustProxy: config.trustProxy,
  });
  return {
    services,
    database,
    lastUse,
    inferenceUsage,
    tokenUsage,
    mail,
    mailer,
    webhooks: webhookDelivery,
    expiryWarnings,
    app,
  };
}

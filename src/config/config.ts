import { isIP } from 'node:net';
import proxyAddr from '@fastify/proxy-addr';

/**
 * The server's configuration: one schema, read once from the environment at start-up into a
 * frozen object that is passed down explicitly. Every variable is optional (docs/configuration.md).
 */
export interface Config {
  /** `HOST`: listen address. Default `127.0.0.1`. */
  readonly host: string;
  /** `PORT`: listen port, 0 for any free port. Default `8080`. */
  readonly port: number;
  /** `SKYTELLS_DATA_DIR`: where the SQLite file and the generated secret live. Default `./data`. */
  readonly dataDir: string;
  /** `DATABASE_URL`: a `postgres://` URL selects PostgreSQL instead of SQLite. */
  readonly databaseUrl: string | undefined;
  /** `SKYTELLS_SECRET`: server secret (at least 32 characters); else generated into the data dir. */
  readonly secret: string | undefined;
  /** `SKYTELLS_PUBLIC_URL`: the URL users reach. Default `http://HOST:PORT`. */
  readonly publicUrl: string;
  /** `SKYTELLS_SIGNUP`: `open`, or `closed` so that only `skytells-server create-account` makes accounts. */
  readonly signup: 'open' | 'closed';
  /** `SKYTELLS_LAST_USED_FLUSH_MS`: how often batched last-used data is written. Default 60000. */
  readonly lastUsedFlushMs: number;
  /** `SKYTELLS_LOG_LEVEL`: pino level. Default `info`. */
  readonly logLevel: LogLevel;
  /**
   * `SKYTELLS_TOKEN_MAX_LIFETIME_DAYS`: no token, however created, lives longer than this many days
   * (1 to 366, the longest lifetime a request can state). Default 366.
   */
  readonly tokenMaxLifetimeDays: number;
  /** `SKYTELLS_TOKEN_REQUIRE_EXPIRATION`: `true` refuses tokens that never expire. Default `false`. */
  readonly tokenRequireExpiration: boolean;
  /**
   * `SKYTELLS_TOKEN_CACHE_SIZE`: the most verified tokens kept in memory, least recently used leaving
   * first (0 to 10,000,000; 0 turns the cache off). On PostgreSQL too: revocations by other processes reach
   * it through LISTEN/NOTIFY, and it reads through while that connection is down. Default 100000.
   */
  readonly tokenCacheSize: number;
  /**
   * `SKYTELLS_TRUST_PROXY`: the reverse proxies whose `X-Forwarded-For` is believed, as IPv4/IPv6
   * addresses or CIDRs, or the names `loopback`, `linklocal`, `uniquelocal`; comma- or space-separated.
   * The client address (audit, last used) is the rightmost untrusted one. Default none: the socket's
   * address, whatever the headers say.
   */
  readonly trustProxy: readonly string[];
  /**
   * `SKYTELLS_SMTP_URL`: `smtp://` or `smtps://` URL of the server that sends account e-mail, with
   * credentials in its user-info when it needs them. Unset: each message is written as an `.eml` file
   * under `<data dir>/outbox/`.
   */
  readonly smtpUrl: string | undefined;
  /**
   * `SKYTELLS_OPENAI_BASE_URL`, `SKYTELLS_ANTHROPIC_BASE_URL`: where the inference gateway reaches
   * OpenAI and Anthropic (a regional endpoint, an egress proxy). Defaults `https://api.openai.com/v1`
   * and `https://api.anthropic.com`.
   */
  readonly providerBaseUrls: { readonly openai: string; readonly anthropic: string };
  /**
   * `SKYTELLS_PROVIDER_TIMEOUT_MS`: how long the gateway waits for a provider's answer to start
   * (1000 to 600000). Default 120000.
   */
  readonly providerTimeoutMs: number;
  /**
   * `SKYTELLS_WEBHOOK_ALLOW_PRIVATE`: `true` lets webhook URLs point at loopback and private addresses
   * (tests, a receiver on the same network). Default `false`: refused, at creation and at delivery.
   */
  readonly webhookAllowPrivate: boolean;
  /**
   * `SKYTELLS_WORKLOAD_ALLOW_INSECURE_ISSUER`: `true` accepts `http://` OIDC issuers on loopback for
   * trusted workloads (tests, private CI); every other issuer must be `https://`.
   */
  readonly workloadAllowInsecureIssuer: boolean;
}

/** pino's levels. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** A configuration variable with a value the server cannot use. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable} ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max} (got "${raw}")`);
  }
  return Number(raw);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got "${raw}")`);
  }
  return raw as T;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (raw !== 'true' && raw !== 'false') throw new ConfigError(name, `must be true or false (got "${raw}")`);
  return raw === 'true';
}

function httpUrl(env: Env, name: string): string | undefined {
  const raw = read(env, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be an absolute http(s) URL (got "${raw}")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(name, `must be an http or https URL (got "${raw}")`);
  }
  return url.origin + url.pathname.replace(/\/+$/, '');
}

const SMTP_EXAMPLE =
  'write smtp://user:password@mail.example.com:587 (STARTTLS) or smtps://user:password@mail.example.com:465 (TLS), ' +
  'with the user and password percent-encoded';

/** An SMTP URL; the value is never echoed, as it may hold a password. */
function smtpUrl(env: Env, name: string): string | undefined {
  const raw = read(env, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `is not a URL; ${SMTP_EXAMPLE}`);
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new ConfigError(
      name,
      `must start with smtp:// or smtps:// (got ${url.protocol}//); ${SMTP_EXAMPLE}`,
    );
  }
  if (url.hostname === '') throw new ConfigError(name, `names no host; ${SMTP_EXAMPLE}`);
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') {
    throw new ConfigError(name, `must have no path, query or fragment; ${SMTP_EXAMPLE}`);
  }
  try {
    decodeURIComponent(url.username);
    decodeURIComponent(url.password);
  } catch {
    throw new ConfigError(name, `has a user or password that is not valid percent-encoding; ${SMTP_EXAMPLE}`);
  }
  return raw;
}

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** Whether Fastify's proxy-addr compiles `entry`, written in a usual notation. */
function isProxyEntry(entry: string): boolean {
  // proxy-addr also reads legacy forms such as `10.1` as addresses; only the usual notations pass.
  if (!PROXY_NAMES.includes(entry) && isIP(entry.split('/')[0] ?? '') === 0) return false;
  try {
    proxyAddr.compile(entry);
    return true;
  } catch {
    return false;
  }
}

function proxyList(env: Env, name: string): readonly string[] {
  const entries = (read(env, name) ?? '').split(/[\s,]+/).filter((entry) => entry !== '');
  const invalid = entries.find((entry) => !isProxyEntry(entry));
  if (invalid !== undefined) {
    throw new ConfigError(
      name,
      `has an entry that is not an IP address or CIDR: "${invalid}"; write addresses such as 127.0.0.1 or ::1, ` +
        'CIDRs such as 10.0.0.0/8 or fd00::/8, or loopback, linklocal, uniquelocal, separated by commas',
    );
  }
  return Object.freeze(entries);
}

/**
 * Reads and validates the configuration from `env`.
 * @throws ConfigError naming the first variable with an unusable value.
 */
export function loadConfig(env: Env): Config {
  const host = read(env, 'HOST') ?? '127.0.0.1';
  const port = integer(env, 'PORT', 8080, 0, 65_535);
  const databaseUrl = read(env, 'DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'must be a postgres:// or postgresql:// URL');
  }
  const secret = read(env, 'SKYTELLS_SECRET');
  if (secret !== undefined && secret.length < 32) {
    throw new ConfigError('SKYTELLS_SECRET', 'must be at least 32 characters long');
  }
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return Object.freeze({
    host,
    port,
    dataDir: read(env, 'SKYTELLS_DATA_DIR') ?? './data',
    databaseUrl,
    secret,
    publicUrl: httpUrl(env, 'SKYTELLS_PUBLIC_URL') ?? `http://${urlHost}:${port}`,
    signup: oneOf(env, 'SKYTELLS_SIGNUP', ['open', 'closed'], 'open'),
    lastUsedFlushMs: integer(env, 'SKYTELLS_LAST_USED_FLUSH_MS', 60_000, 10, 86_400_000),
    logLevel: oneOf(env, 'SKYTELLS_LOG_LEVEL', LOG_LEVELS, 'info'),
    tokenMaxLifetimeDays: integer(env, 'SKYTELLS_TOKEN_MAX_LIFETIME_DAYS', 366, 1, 366),
    tokenRequireExpiration: boolean(env, 'SKYTELLS_TOKEN_REQUIRE_EXPIRATION', false),
    tokenCacheSize: integer(env, 'SKYTELLS_TOKEN_CACHE_SIZE', 100_000, 0, 10_000_000),
    trustProxy: proxyList(env, 'SKYTELLS_TRUST_PROXY'),
    smtpUrl: smtpUrl(env, 'SKYTELLS_SMTP_URL'),
    providerBaseUrls: Object.freeze({
      openai: httpUrl(env, 'SKYTELLS_OPENAI_BASE_URL') ?? 'https://api.openai.com/v1',
      anthropic: httpUrl(env, 'SKYTELLS_ANTHROPIC_BASE_URL') ?? 'https://api.anthropic.com',
    }),
    providerTimeoutMs: integer(env, 'SKYTELLS_PROVIDER_TIMEOUT_MS', 120_000, 1000, 600_000),
    webhookAllowPrivate: boolean(env, 'SKYTELLS_WEBHOOK_ALLOW_PRIVATE', false),
    workloadAllowInsecureIssuer: boolean(env, 'SKYTELLS_WORKLOAD_ALLOW_INSECURE_ISSUER', false),
  });
}

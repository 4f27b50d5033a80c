import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

/** The error `loadConfig(env)` throws, for assertions on its fields. */
function configErrorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('uses the defaults of docs/configuration.md when no variable is set', () => {
    expect(loadConfig({})).toEqual({
      host: '127.0.0.1',
      port: 8080,
      dataDir: './data',
      databaseUrl: undefined,
      secret: undefined,
      publicUrl: 'http://127.0.0.1:8080',
      signup: 'open',
      lastUsedFlushMs: 60_000,
      logLevel: 'info',
      tokenMaxLifetimeDays: 366,
      tokenRequireExpiration: false,
      tokenCacheSize: 100_000,
      trustProxy: [],
      providerBaseUrls: { openai: 'https://api.openai.com/v1', anthropic: 'https://api.anthropic.com' },
      providerTimeoutMs: 120_000,
      webhookAllowPrivate: false,
      workloadAllowInsecureIssuer: false,
    });
  });

  it('treats empty and blank variables as unset', () => {
    expect(loadConfig({ HOST: '', PORT: '  ', SKYTELLS_SIGNUP: '', DATABASE_URL: ' ' })).toEqual(
      loadConfig({}),
    );
  });

  it('returns a frozen object that cannot be changed later', () => {
    const config = loadConfig({});

    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('reads every variable', () => {
    const secret = 'x'.repeat(32);
    expect(
      loadConfig({
        HOST: '0.0.0.0',
        PORT: '9000',
        SKYTELLS_DATA_DIR: '/var/lib/skytells',
        DATABASE_URL: 'postgres://app@db:5432/skytells',
        SKYTELLS_SECRET: secret,
        SKYTELLS_PUBLIC_URL: 'https://access.example.com',
        SKYTELLS_SIGNUP: 'closed',
        SKYTELLS_LAST_USED_FLUSH_MS: '5000',
        SKYTELLS_LOG_LEVEL: 'debug',
        SKYTELLS_TOKEN_MAX_LIFETIME_DAYS: '90',
        SKYTELLS_TOKEN_REQUIRE_EXPIRATION: 'true',
        SKYTELLS_TOKEN_CACHE_SIZE: '5000',
        SKYTELLS_TRUST_PROXY: '10.0.0.5',
        SKYTELLS_OPENAI_BASE_URL: 'https://egress.example.com/openai/v1/',
        SKYTELLS_ANTHROPIC_BASE_URL: 'http://127.0.0.1:9100',
        SKYTELLS_PROVIDER_TIMEOUT_MS: '30000',
        SKYTELLS_WEBHOOK_ALLOW_PRIVATE: 'true',
        SKYTELLS_WORKLOAD_ALLOW_INSECURE_ISSUER: 'true',
      }),
    ).toEqual({
      host: '0.0.0.0',
      port: 9000,
      dataDir: '/var/lib/skytells',
      databaseUrl: 'postgres://app@db:5432/skytells',
      secret,
      publicUrl: 'https://access.example.com',
      signup: 'closed',
      lastUsedFlushMs: 5000,
      logLevel: 'debug',
      tokenMaxLifetimeDays: 90,
      tokenRequireExpiration: true,
      tokenCacheSize: 5000,
      trustProxy: ['10.0.0.5'],
      providerBaseUrls: {
        openai: 'https://egress.example.com/openai/v1',
        anthropic: 'http://127.0.0.1:9100',
      },
      providerTimeoutMs: 30_000,
      webhookAllowPrivate: true,
      workloadAllowInsecureIssuer: true,
    });
  });

  it('refuses a provider base URL that is not http(s), naming the variable', () => {
    expect(configErrorOf({ SKYTELLS_OPENAI_BASE_URL: 'ftp://example.com' }).variable).toBe(
      'SKYTELLS_OPENAI_BASE_URL',
    );
    expect(configErrorOf({ SKYTELLS_PROVIDER_TIMEOUT_MS: '10' }).variable).toBe(
      'SKYTELLS_PROVIDER_TIMEOUT_MS',
    );
  });

  it('accepts a token cache size of 0, which turns the verification cache off', () => {
    expect(loadConfig({ SKYTELLS_TOKEN_CACHE_SIZE: '0' }).tokenCacheSize).toBe(0);
  });

  it('reads trusted proxies as addresses, CIDRs and named ranges, separated by commas and/or spaces', () => {
    expect(
      loadConfig({
        SKYTELLS_TRUST_PROXY: ' 127.0.0.1, ::1  10.0.0.0/8,fd00::/8\tloopback,, uniquelocal linklocal ',
      }).trustProxy,
    ).toEqual(['127.0.0.1', '::1', '10.0.0.0/8', 'fd00::/8', 'loopback', 'uniquelocal', 'linklocal']);
  });

  it('trusts no proxy by default, nor when the variable is blank', () => {
    expect(loadConfig({}).trustProxy).toEqual([]);
    expect(loadConfig({ SKYTELLS_TRUST_PROXY: ' , ' }).trustProxy).toEqual([]);
  });

  it.for([
    'nginx',
    '10.0.0.0/33',
    'fd00::/129',
    '10.1',
    '256.0.0.1',
    '127.0.0.1/',
    '127.0.0.1/x',
    '*',
    'localhost',
  ])('rejects the trusted proxy %s, naming it and what to write instead', (entry) => {
    const error = configErrorOf({ SKYTELLS_TRUST_PROXY: `127.0.0.1, ${entry}` });

    expect(error.variable).toBe('SKYTELLS_TRUST_PROXY');
    expect(error.message).toContain(`"${entry}"`);
    expect(error.message).toMatch(/10\.0\.0\.0\/8/);
    expect(error.message).toContain('loopback');
  });

  it('trims surrounding whitespace from values', () => {
    expect(loadConfig({ PORT: ' 9001 ', SKYTELLS_SIGNUP: ' closed\n' })).toMatchObject({
      port: 9001,
      signup: 'closed',
    });
  });

  it('derives the public URL from HOST and PORT, bracketing an IPv6 host', () => {
    expect(loadConfig({ HOST: 'example.test', PORT: '3000' }).publicUrl).toBe('http://example.test:3000');
    expect(loadConfig({ HOST: '::1', PORT: '3000' }).publicUrl).toBe('http://[::1]:3000');
  });

  it('normalises the public URL: origin and path, without a trailing slash', () => {
    expect(loadConfig({ SKYTELLS_PUBLIC_URL: 'https://example.com/' }).publicUrl).toBe('https://example.com');
    expect(loadConfig({ SKYTELLS_PUBLIC_URL: 'https://example.com/access//' }).publicUrl).toBe(
      'https://example.com/access',
    );
  });

  it('accepts both postgres:// and postgresql:// database URLs', () => {
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/skytells' }).databaseUrl).toBe(
      'postgresql://db/skytells',
    );
  });

  it('accepts port 0 and 65535, and every pino level', () => {
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
    expect(loadConfig({ PORT: '65535' }).port).toBe(65_535);
    for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) {
      expect(loadConfig({ SKYTELLS_LOG_LEVEL: level }).logLevel).toBe(level);
    }
  });

  it('reads the token policy: a lifetime from 1 to 366 days, and whether tokens must expire', () => {
    expect(loadConfig({ SKYTELLS_TOKEN_MAX_LIFETIME_DAYS: '1' }).tokenMaxLifetimeDays).toBe(1);
    expect(loadConfig({ SKYTELLS_TOKEN_MAX_LIFETIME_DAYS: '366' }).tokenMaxLifetimeDays).toBe(366);
    expect(loadConfig({ SKYTELLS_TOKEN_REQUIRE_EXPIRATION: 'false' }).tokenRequireExpiration).toBe(false);
    expect(loadConfig({ SKYTELLS_TOKEN_REQUIRE_EXPIRATION: ' true ' }).tokenRequireExpiration).toBe(true);
  });

  it.for([
    ['PORT', 'abc'],
    ['PORT', '-1'],
    ['PORT', '65536'],
    ['PORT', '80.5'],
    ['PORT', '0x50'],
    ['SKYTELLS_SIGNUP', 'maybe'],
    ['SKYTELLS_SIGNUP', 'OPEN'],
    ['SKYTELLS_LAST_USED_FLUSH_MS', 'soon'],
    ['SKYTELLS_LAST_USED_FLUSH_MS', '0'],
    ['SKYTELLS_LAST_USED_FLUSH_MS', '86400001'],
    ['SKYTELLS_LOG_LEVEL', 'verbose'],
    ['DATABASE_URL', 'mysql://db/skytells'],
    ['DATABASE_URL', '/var/lib/skytells.db'],
    ['SKYTELLS_SECRET', 'too-short'],
    ['SKYTELLS_PUBLIC_URL', 'not a url'],
    ['SKYTELLS_PUBLIC_URL', 'ftp://example.com'],
    ['SKYTELLS_TOKEN_MAX_LIFETIME_DAYS', '0'],
    ['SKYTELLS_TOKEN_MAX_LIFETIME_DAYS', '367'],
    ['SKYTELLS_TOKEN_MAX_LIFETIME_DAYS', '30.5'],
    ['SKYTELLS_TOKEN_MAX_LIFETIME_DAYS', 'a month'],
    ['SKYTELLS_TOKEN_CACHE_SIZE', '-1'],
    ['SKYTELLS_TOKEN_CACHE_SIZE', 'many'],
    ['SKYTELLS_TOKEN_CACHE_SIZE', '1e5'],
    ['SKYTELLS_TOKEN_CACHE_SIZE', '10000001'],
    ['SKYTELLS_TOKEN_REQUIRE_EXPIRATION', 'yes'],
    ['SKYTELLS_TOKEN_REQUIRE_EXPIRATION', '1'],
    ['SKYTELLS_TOKEN_REQUIRE_EXPIRATION', 'TRUE'],
  ] as const)('rejects %s=%s with a ConfigError naming the variable', ([variable, value]) => {
    const error = configErrorOf({ [variable]: value });

    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable} `)).toBe(true);
  });

  it('reads an smtp:// or smtps:// URL for account e-mail, and none by default', () => {
    expect(loadConfig({}).smtpUrl).toBeUndefined();
    for (const url of [
      'smtp://mail.example.com:587',
      'smtps://user:p%40ss@mail.example.com',
      'smtp://[::1]:2525',
    ]) {
      expect(loadConfig({ SKYTELLS_SMTP_URL: url }).smtpUrl).toBe(url);
    }
  });

  it.each([
    'mail.example.com:25',
    'http://mail.example.com',
    'smtp://',
    'smtp://mail.example.com/inbox',
    'smtps://user:%zz@mail.example.com',
  ])('rejects SKYTELLS_SMTP_URL=%s, saying what to write', (value) => {
    const error = configErrorOf({ SKYTELLS_SMTP_URL: value });
    expect(error.variable).toBe('SKYTELLS_SMTP_URL');
    expect(error.message).toContain('smtps://user:password@mail.example.com:465');
  });

  it('never repeats a rejected secret or database password in the error message', () => {
    expect(configErrorOf({ SKYTELLS_SMTP_URL: 'ftp://app:hunter2@mail/x' }).message).not.toContain('hunter2');
    expect(configErrorOf({ SKYTELLS_SECRET: 'hunter2-hunter2' }).message).not.toContain('hunter2');
    expect(configErrorOf({ DATABASE_URL: 'mysql://app:hunter2@db/x' }).message).not.toContain('hunter2');
  });
});

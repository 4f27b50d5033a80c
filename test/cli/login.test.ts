import { statSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unissuedToken, withBadChecksum } from '../support/http.js';
import {
  allTokens,
  approveDeviceCode,
  approveInBrowser,
  argvSeen,
  createToken,
  killRunningClis,
  makeHome,
  runCli,
  signUp,
  startCli,
  startTestServer,
  type CliHome,
  type TestServer,
} from './cli-harness.js';

const AUTHORIZE_URL = /(http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S+)/;
const USER_CODE = /code: ([B-DF-HJ-NP-TV-XZ]{4}-[B-DF-HJ-NP-TV-XZ]{4})/;

let server: TestServer;
const homes: CliHome[] = [];
const home = () => {
  const made = makeHome();
  homes.push(made);
  return made;
};

beforeAll(async () => {
  server = await startTestServer();
});
// Tests run concurrently: a CLI left running by a failed test is reaped at the end, not after each.
afterAll(async () => {
  killRunningClis();
  for (const made of homes) made.dispose();
  await server.close();
  expect(argvSeen.flat().filter((arg) => /skt_[0-9A-Za-z]{38}/.test(arg))).toEqual([]);
});

describe.concurrent('skytells login --with-token', () => {
  it('reads the token from stdin, verifies it, stores it and says who, where, which scopes and when it expires', async () => {
    const user = await signUp(server.url);
    const made = await createToken(server.url, user, { scopes: ['account:read', 'tokens:read'] });
    const cli = home();

    const login = await runCli(['login', '--with-token', '--insecure-storage'], {
      env: cli.env(server.url),
      stdin: `${made.token}\n`,
    });

    expect(login.code).toBe(0);
    expect(login.stderr).toContain(`Logged in to ${server.url} as ${user.email}`);
    expect(login.stderr).toContain(made.masked);
    expect(login.stderr).toContain('account:read tokens:read');
    expect(login.stderr).toMatch(/Expires\s+\d{4}-\d\d-\d\d .*\(in 30 days\)/);
    expect(login.stderr).toContain(join(cli.configDir, 'skytells', 'credentials.json'));
    expect(login.stdout + login.stderr).not.toContain(made.token);

    const whoami = await runCli(['whoami'], { env: cli.env(server.url) });
    expect(whoami.code).toBe(0);
    expect(whoami.stdout).toContain(`${user.email} on ${server.url}`);
    expect(whoami.stdout).toContain(made.masked);
  });

  it('keeps the credential file and its directory private: 0600 and 0700, written without leftovers', async () => {
    const user = await signUp(server.url);
    const made = await createToken(server.url, user);
    const cli = home();

    const login = await runCli(['login', '--with-token', '--insecure-storage'], {
      env: cli.env(server.url),
      stdin: made.token,
    });

    expect(login.code).toBe(0);
    expect(login.stderr).toMatch(/--insecure-storage: the token goes to .*credentials\.json \(mode 0600\)/);
    const dir = join(cli.configDir, 'skytells');
    expect(statSync(join(dir, 'credentials.json')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'hosts.json')).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readFileSync(join(dir, 'hosts.json'), 'utf8')).not.toContain(made.token);
  });

  it.runIf(process.platform === 'linux')(
    'falls back to the 0600 file with a one-line warning when no keychain answers',
    async () => {
      const user = await signUp(server.url);
      const made = await createToken(server.url, user);
      const cli = home();

      const login = await runCli(['login', '--with-token'], {
        // No Secret Service behind this bus address: the keychain probe fails fast.
        env: cli.env(server.url, { DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(cli.dir, 'no-bus')}` }),
        stdin: made.token,
      });

      expect(login.code).toBe(0);
      const warnings = login.stderr
        .split('\n')
        .filter((line) => line.startsWith('! No usable system keychain'));
      expect(warnings).toHaveLength(1);
      const file = join(cli.configDir, 'skytells', 'credentials.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(login.stderr).toContain(`Stored in  ${file} (mode 0600)`);
    },
  );

  it('refuses a malformed token offline as a usage error (exit 2), saying nothing about storage, and stores nothing', async () => {
    const cli = home();
    const runs: { args: string[]; env: Record<string, string> }[] = [
      { args: ['login', '--with-token', '--insecure-storage'], env: cli.env(server.url) },
      // No Secret Service behind this bus address: the keychain would be unusable, and must go unmentioned.
      ...(process.platform === 'linux'
        ? [
            {
              args: ['login', '--with-token'],
              env: cli.env(server.url, { DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(cli.dir, 'no-bus')}` }),
            },
          ]
        : []),
    ];

    for (const { args, env } of runs) {
      const login = await runCli(args, { env, stdin: withBadChecksum(unissuedToken()) });

      expect(login.code).toBe(2);
      expect(login.stdout).toBe('');
      expect(login.stderr).toBe(
        'Usage error: That is not a Skytells token: the format or checksum is wrong. ' +
          `Copy the whole value (skt_ and 38 more characters) from Settings → Tokens on ${server.url}.\n`,
      );
    }
    const status = await runCli(['auth', 'status'], { env: cli.env(server.url) });
    expect(status.code).toBe(4);
  }, 60_000);

  it('refuses a well-formed token the server does not know, and stores nothing', async () => {
    const cli = home();
    const login = await runCli(['login', '--with-token', '--insecure-storage'], {
      env: cli.env(server.url),
      stdin: unissuedToken(),
    });

    expect(login.code).toBe(4);
    expect(login.stderr).toContain(`This token is not valid on ${server.url}. Run \`skytells login\`.`);
    expect((await runCli(['whoami'], { env: cli.env(server.url) })).code).toBe(4);
  });

  it('refuses a token on the command line without echoing it, exit 2', async () => {
    const cli = home();
    const value = unissuedToken();
    const login = await runCli(['login', '--with-token', value], {
      env: cli.env(server.url),
      allowTokenInArgs: true,
    });

    expect(login.code).toBe(2);
    expect(login.stderr).toContain('Never put a token on the command line');
    expect(login.stdout + login.stderr).not.toContain(value);
  });

  it('without a terminal and without --with-token fails fast with exit 4 and says what to do in CI', async () => {
    const cli = home();
    const started = Date.now();
    const login = await runCli(['login'], { env: cli.env(server.url) });

    expect(login.code).toBe(4);
    expect(login.stderr).toContain('There is no terminal to log in with.');
    expect(login.stderr).toContain('SKYTELLS_TOKEN');
    expect(login.stderr).toContain('--with-token');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('still works while SKYTELLS_TOKEN is set, and warns that the variable wins', async () => {
    const user = await signUp(server.url);
    const stored = await createToken(server.url, user);
    const fromEnv = await createToken(server.url, user);
    const cli = home();

    const login = await runCli(['login', '--with-token', '--insecure-storage'], {
      env: cli.env(server.url, { SKYTELLS_TOKEN: fromEnv.token }),
      stdin: stored.token,
    });

    expect(login.code).toBe(0);
    expect(login.stderr).toContain('SKYTELLS_TOKEN is set');
    const whoami = await runCli(['whoami', '--json'], {
      env: cli.env(server.url, { SKYTELLS_TOKEN: fromEnv.token }),
    });
    expect(JSON.parse(whoami.stdout)).toMatchObject({ token: { masked: fromEnv.masked }, source: 'env' });
    const withoutEnv = await runCli(['whoami', '--json'], { env: cli.env(server.url) });
    expect(JSON.parse(withoutEnv.stdout)).toMatchObject({ token: { masked: stored.masked }, source: 'file' });
  });
});

describe.concurrent('several hosts', () => {
  it('keeps a login per host at once; --host and SKYTELLS_HOST pick one, the last login is the default', async () => {
    const other = await startTestServer();
    try {
      const cli = home();
      const here = await signUp(server.url);
      const there = await signUp(other.url);
      const env = { HOME: cli.dir, XDG_CONFIG_HOME: cli.configDir };
      for (const [url, user] of [
        [server.url, here],
        [other.url, there],
      ] as const) {
        const made = await createToken(url, user);
        const login = await runCli(['login', '--with-token', '--insecure-storage', '--host', url], {
          env,
          stdin: made.token,
        });
        expect(login.code).toBe(0);
      }

      const byDefault = await runCli(['whoami'], { env });
      expect(byDefault.stdout).toContain(`${there.email} on ${other.url}`);
      const byFlag = await runCli(['whoami', '--host', server.url], { env });
      expect(byFlag.stdout).toContain(`${here.email} on ${server.url}`);
      const byEnv = await runCli(['auth', 'status'], { env: { ...env, SKYTELLS_HOST: server.url } });
      expect(byEnv.stdout).toContain(`Logged in to ${server.url} as ${here.email}`);
      expect(byEnv.stderr).toContain(`Also logged in to ${other.url}`);
    } finally {
      await other.close();
    }
  });
});

describe.concurrent('a host that is not a server address', () => {
  it('is a usage error (exit 2) naming --host or SKYTELLS_HOST, with an example, before any request', async () => {
    const cli = home();
    const byFlag = await runCli(['whoami', '--host', 'notaurl'], { env: cli.env(server.url) });
    expect(byFlag.code).toBe(2);
    expect(byFlag.stderr).toBe(
      'Usage error: --host "notaurl" is not a server address. ' +
        'Give a server address such as https://skytells.example.com (or http://localhost:8080 for a local server).\n',
    );

    const byEnv = await runCli(['login', '--with-token'], { env: cli.env('notaurl'), stdin: 'x' });
    expect(byEnv.code).toBe(2);
    expect(byEnv.stderr).toContain('Usage error: SKYTELLS_HOST "notaurl" is not a server address.');
  }, 60_000);
});

describe.concurrent('skytells login --device', () => {
  it('shows a user code, and once it is approved at /device stores an OAuth token named after this machine', async () => {
    const user = await signUp(server.url);
    const cli = home();
    const login = startCli(
      ['login', '--device', '--insecure-storage', '--scopes', 'account:read,projects:read'],
      {
        env: cli.env(server.url),
      },
    );

    // Approved before the CLI's first poll (it waits `interval` first), so one poll suffices.
    const [, userCode] = await login.waitForStderr(USER_CODE);
    expect(login.child.stdout).not.toBeNull();
    await approveDeviceCode(server.url, user, userCode!);
    const result = await login.done;

    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`${server.url}/device`);
    expect(result.stderr).toContain(`Logged in to ${server.url} as ${user.email}`);
    const issued = (await allTokens(server.url, user)).find((t) => t.created_via === 'oauth');
    expect(issued).toMatchObject({
      client_id: 'skytells-cli',
      name: `Skytells CLI on ${hostname()}`,
      scopes: ['account:read', 'projects:read'],
      status: 'active',
    });
    expect(result.stderr).toContain(issued!.masked);
  }, 30_000);

  it('stops waiting at once on Ctrl-C, says it was cancelled, and stores nothing', async () => {
    const cli = home();
    const login = startCli(['login', '--device', '--insecure-storage'], { env: cli.env(server.url) });
    await login.waitForStderr(USER_CODE);

    login.child.kill('SIGINT');
    const result = await login.done;

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Error: Cancelled.');
    expect((await runCli(['auth', 'status'], { env: cli.env(server.url) })).code).toBe(4);
  });
});

describe('OAuth discovery', () => {
  it('fetches the server metadata once per login, also when a previous OAuth login is revoked, and once per logout', async () => {
    let discoveries = 0;
    const own = await startTestServer({
      onRequest: (_method, url) => {
        if (url.split('?')[0] === '/.well-known/oauth-authorization-server') discoveries += 1;
      },
    });
    try {
      const user = await signUp(own.url);
      const cli = home();
      const counted = async (run: () => Promise<{ code: number | null; stderr: string }>) => {
        discoveries = 0;
        const result = await run();
        expect(result.code, result.stderr).toBe(0);
        return { discoveries, stderr: result.stderr };
      };

      const web = await counted(async () => {
        const login = startCli(['login', '--web', '--insecure-storage'], { env: cli.env(own.url) });
        const [, authorizeUrl] = await login.waitForStderr(
          /(http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S+)/,
        );
        await approveInBrowser(authorizeUrl!, user);
        return login.done;
      });
      expect(web.discoveries).toBe(1);

      const device = await counted(async () => {
        const login = startCli(['login', '--device', '--insecure-storage'], { env: cli.env(own.url) });
        const [, userCode] = await login.waitForStderr(USER_CODE);
        await approveDeviceCode(own.url, user, userCode!);
        return login.done;
      });
      expect(device.stderr).toContain('Revoked the token of the previous login');
      expect(device.discoveries).toBe(1);

      const logout = await counted(() => runCli(['logout'], { env: cli.env(own.url) }));
      expect(logout.stderr).toContain('Revoked token');
      expect(logout.discoveries).toBe(1);
    } finally {
      await own.close();
    }
  }, 120_000);
});

describe.concurrent('skytells login --web', () => {
  it('prints the authorization URL, and completes PKCE through the loopback listener once the browser approves', async () => {
    const user = await signUp(server.url);
    const cli = home();
    const login = startCli(['login', '--web', '--insecure-storage'], { env: cli.env(server.url) });

    const [, authorizeUrl] = await login.waitForStderr(AUTHORIZE_URL);
    const url = new URL(authorizeUrl!);
    expect(url.searchParams.get('client_id')).toBe('skytells-cli');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(url.searchParams.get('state')).toBeTruthy();
    const page = await approveInBrowser(authorizeUrl!, user);
    const result = await login.done;

    expect(page).toContain('The Skytells CLI is logged in');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`Logged in to ${server.url} as ${user.email}`);
    const issued = (await allTokens(server.url, user)).filter((t) => t.created_via === 'oauth');
    expect(issued).toHaveLength(1);
    expect(issued[0]).toMatchObject({ client_id: 'skytells-cli', status: 'active' });
    const status = await runCli(['auth', 'status', '--json'], { env: cli.env(server.url) });
    expect(JSON.parse(status.stdout)).toMatchObject({ token: { id: issued[0]!.id, created_via: 'oauth' } });
  });

  it('ignores a callback whose state does not match and fails the login without redeeming anything', async () => {
    const user = await signUp(server.url);
    const cli = home();
    const login = startCli(['login', '--web', '--insecure-storage'], { env: cli.env(server.url) });

    const [, authorizeUrl] = await login.waitForStderr(AUTHORIZE_URL);
    const redirectUri = new URL(authorizeUrl!).searchParams.get('redirect_uri')!;
    const forged = await fetch(
      `${redirectUri}?code=forged&state=not-the-state&iss=${encodeURIComponent(server.url)}`,
    );
    const result = await login.done;

    expect(forged.status).toBe(400);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('state mismatch');
    expect(await allTokens(server.url, user)).toEqual([]);
  });

  it('on a second login stores the new OAuth token first, then revokes the one before it', async () => {
    const user = await signUp(server.url);
    const cli = home();
    const loginOnce = async () => {
      const login = startCli(['login', '--web', '--insecure-storage'], { env: cli.env(server.url) });
      const [, authorizeUrl] = await login.waitForStderr(AUTHORIZE_URL);
      await approveInBrowser(authorizeUrl!, user);
      return login.done;
    };

    expect((await loginOnce()).code).toBe(0);
    const [first] = await allTokens(server.url, user);
    const second = await loginOnce();

    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`Revoked the token of the previous login (${first!.masked})`);
    const after = await allTokens(server.url, user);
    expect(after.find((t) => t.id === first!.id)?.status).toBe('revoked');
    expect(after.filter((t) => t.status === 'active')).toHaveLength(1);
    expect((await runCli(['whoami'], { env: cli.env(server.url) })).code).toBe(0);
  });
});

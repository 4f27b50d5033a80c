import { SCOPE_CATALOGUE } from '@skytells/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allTokens,
  approveInBrowser,
  asUser,
  createToken,
  killRunningClis,
  makeHome,
  runCli,
  signUp,
  startCli,
  startTestServer,
  type CliHome,
  type TestServer,
  type WebUser,
} from './cli-harness.js';

let server: TestServer;
const homes: CliHome[] = [];

beforeAll(async () => {
  server = await startTestServer();
});
// Tests run concurrently: a CLI left running by a failed test is reaped at the end, not after each.
afterAll(async () => {
  killRunningClis();
  for (const made of homes) made.dispose();
  await server.close();
});

/** A fresh home logged in with a console-made token (`--with-token`, file storage). */
async function loggedIn(body: Record<string, unknown> = {}) {
  const user = await signUp(server.url);
  const token = await createToken(server.url, user, body);
  const home = makeHome();
  homes.push(home);
  const login = await runCli(['login', '--with-token', '--insecure-storage'], {
    env: home.env(server.url),
    stdin: token.token,
  });
  expect(login.code).toBe(0);
  return { user, token, home, env: home.env(server.url) };
}

/** A fresh home logged in through the browser flow. */
async function loggedInByWeb(user: WebUser) {
  const home = makeHome();
  homes.push(home);
  const login = startCli(['login', '--web', '--insecure-storage'], { env: home.env(server.url) });
  const [, authorizeUrl] = await login.waitForStderr(/(http:\/\/\S+\/oauth\/authorize\?\S+)/);
  await approveInBrowser(authorizeUrl!, user);
  expect((await login.done).code).toBe(0);
  return { home, env: home.env(server.url) };
}

describe.concurrent('whoami, auth status and auth token', () => {
  it('whoami --json names the host, the account, the masked token, its scopes and expiry, and nothing secret', async () => {
    const { user, token, env } = await loggedIn();
    const whoami = await runCli(['whoami', '--json'], { env });

    expect(whoami.code).toBe(0);
    expect(whoami.stderr).toBe('');
    expect(JSON.parse(whoami.stdout)).toEqual({
      host: server.url,
      account: { id: expect.stringMatching(/^acc_/), email: user.email, name: expect.any(String) },
      token: {
        id: token.id,
        name: token.name,
        masked: token.masked,
        scopes: token.scopes,
        expires_at: token.expires_at,
        created_via: 'console',
        client_id: null,
      },
      workload: null,
      source: 'file',
    });
    expect(whoami.stdout).not.toContain(token.token);
  });

  it('whoami works with a token that cannot read the account, and says so instead of failing', async () => {
    const { token, env } = await loggedIn({ scopes: ['projects:read'] });
    const whoami = await runCli(['whoami'], { env });

    expect(whoami.code).toBe(0);
    expect(whoami.stdout).toContain('this token lacks account:read');
    expect(whoami.stdout).toContain(token.masked);
  });

  it('auth status shows the storage backend and warns when the token expires within 7 days', async () => {
    const { home, env } = await loggedIn({ expires_in_days: 3 });
    const status = await runCli(['auth', 'status'], { env });

    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`Logged in to ${server.url}`);
    expect(status.stdout).toMatch(/Stored in\s+.*credentials\.json \(mode 0600\)/);
    expect(status.stdout).toContain(home.configDir);
    expect(status.stderr).toContain('! This token expires in 3 days. Run `skytells login` for a new one.');
    const json = await runCli(['auth', 'status', '--json'], { env });
    expect(JSON.parse(json.stdout)).toMatchObject({ expires_soon: true, source: 'file' });
  });

  it('auth status does not warn about a token with months left', async () => {
    const { env } = await loggedIn({ expires_in_days: 90 });
    const status = await runCli(['auth', 'status'], { env });

    expect(status.code).toBe(0);
    expect(status.stderr).toBe('');
  });

  it('auth token prints exactly the raw token, for piping', async () => {
    const { token, env } = await loggedIn();
    const printed = await runCli(['auth', 'token'], { env });

    expect(printed.code).toBe(0);
    expect(printed.stdout).toBe(`${token.token}\n`);
  });

  it('SKYTELLS_TOKEN takes precedence over the stored login, and a malformed one is refused offline', async () => {
    const { user, token: stored, env } = await loggedIn();
    const ci = await createToken(server.url, user, { scopes: ['projects:read'] });

    const whoami = await runCli(['auth', 'status', '--json'], { env: { ...env, SKYTELLS_TOKEN: ci.token } });
    expect(JSON.parse(whoami.stdout)).toMatchObject({ source: 'env', token: { id: ci.id } });
    const status = await runCli(['auth', 'status'], { env: { ...env, SKYTELLS_TOKEN: ci.token } });
    expect(status.stdout).toContain('the SKYTELLS_TOKEN environment variable');
    expect(status.stderr).toContain(
      `SKYTELLS_TOKEN overrides the stored login for this host (${stored.masked})`,
    );

    const malformed = await runCli(['whoami'], { env: { ...env, SKYTELLS_TOKEN: 'skt_not-a-token' } });
    expect(malformed.code).toBe(4);
    expect(malformed.stderr).toContain('This token is malformed');
    expect(malformed.stderr).toContain('SKYTELLS_TOKEN');
  });

  it('with neither a login nor SKYTELLS_TOKEN, exits 4 and says to log in', async () => {
    const home = makeHome();
    homes.push(home);
    const whoami = await runCli(['whoami'], { env: home.env(server.url) });

    expect(whoami.code).toBe(4);
    expect(whoami.stderr).toBe(`Error: You are not logged in to ${server.url}. Run \`skytells login\`.\n`);
  });
});

describe.concurrent('an address that is not a Skytells server', () => {
  it('whoami and auth status say the server does not have this API and suggest no list command', async () => {
    const user = await signUp(server.url);
    const token = await createToken(server.url, user);
    const home = makeHome();
    homes.push(home);
    // A path the server has no routes under: every API request there answers 404.
    const host = `${server.url}/not-skytells`;

    for (const command of [['whoami'], ['auth', 'status']]) {
      const run = await runCli(command, { env: home.env(host, { SKYTELLS_TOKEN: token.token }) });

      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(
        `Error: The server at ${host} does not have this API (404 Not Found). ` +
          'Is it a Skytells server? Check --host or SKYTELLS_HOST.\n',
      );
    }
  }, 60_000);
});

describe.concurrent('a token revoked elsewhere', () => {
  it('makes the very next command exit 4 with "This token was revoked. Run `skytells login`."', async () => {
    const { user, token, env } = await loggedIn();
    expect((await runCli(['whoami'], { env })).code).toBe(0);

    expect((await asUser(server.url, user, 'DELETE', `/v1/tokens/${token.id}`)).status).toBe(204);
    const next = await runCli(['projects', 'list'], { env });

    expect(next.code).toBe(4);
    expect(next.stderr).toContain('This token was revoked. Run `skytells login`.');
    expect(next.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports the same failure as JSON on stderr under --json, with stdout left empty', async () => {
    const { user, token, env } = await loggedIn();
    await asUser(server.url, user, 'DELETE', `/v1/tokens/${token.id}`);
    const next = await runCli(['tokens', 'list', '--json'], { env });

    expect(next.code).toBe(4);
    expect(next.stdout).toBe('');
    expect(JSON.parse(next.stderr)).toEqual({
      error: {
        code: 'token_revoked',
        message: 'This token was revoked.',
        hint: 'Run `skytells login`.',
        exit_code: 4,
      },
    });
  });

  it('tells a CI job to replace SKYTELLS_TOKEN rather than to log in', async () => {
    const user = await signUp(server.url);
    const ci = await createToken(server.url, user);
    await asUser(server.url, user, 'DELETE', `/v1/tokens/${ci.id}`);
    const home = makeHome();
    homes.push(home);
    const run = await runCli(['whoami'], { env: home.env(server.url, { SKYTELLS_TOKEN: ci.token }) });

    expect(run.code).toBe(4);
    expect(run.stderr).toContain('This token was revoked. Set SKYTELLS_TOKEN to a valid token');
  });
});

describe.concurrent('skytells logout', () => {
  it('revokes an OAuth token on the server, forgets it locally, and the next command needs a login', async () => {
    const user = await signUp(server.url);
    const { env } = await loggedInByWeb(user);
    const [issued] = await allTokens(server.url, user);

    const logout = await runCli(['logout'], { env });

    expect(logout.code).toBe(0);
    expect(logout.stderr).toContain(`Revoked token ${issued!.masked} on ${server.url}.`);
    expect(logout.stderr).toContain(`Logged out of ${server.url}`);
    expect((await allTokens(server.url, user)).find((t) => t.id === issued!.id)?.status).toBe('revoked');
    const whoami = await runCli(['whoami'], { env });
    expect(whoami.code).toBe(4);
    expect(whoami.stderr).toContain('You are not logged in');
  });

  it('leaves a pasted token active unless --revoke, and then revokes it too', async () => {
    const kept = await loggedIn();
    const keep = await runCli(['logout'], { env: kept.env });
    expect(keep.code).toBe(0);
    expect(keep.stderr).toContain('stays active on the server');
    expect((await allTokens(server.url, kept.user)).find((t) => t.id === kept.token.id)?.status).toBe(
      'active',
    );

    const revoked = await loggedIn();
    const revoke = await runCli(['logout', '--revoke'], { env: revoked.env });
    expect(revoke.code).toBe(0);
    expect(revoke.stderr).toContain(`Revoked token ${revoked.token.masked}`);
    expect((await allTokens(server.url, revoked.user)).find((t) => t.id === revoked.token.id)?.status).toBe(
      'revoked',
    );
  });

  it('says plainly that SKYTELLS_TOKEN is still set', async () => {
    const { user, env } = await loggedIn();
    const ci = await createToken(server.url, user);
    const logout = await runCli(['logout'], { env: { ...env, SKYTELLS_TOKEN: ci.token } });

    expect(logout.code).toBe(0);
    expect(logout.stderr).toContain('SKYTELLS_TOKEN is still set');
  });

  it('says plainly when the server-side revocation failed, exits 1, and still forgets the token', async () => {
    const doomed = await startTestServer();
    const home = makeHome();
    homes.push(home);
    const env = home.env(doomed.url);
    try {
      const user = await signUp(doomed.url);
      const login = startCli(['login', '--web', '--insecure-storage'], { env });
      const [, authorizeUrl] = await login.waitForStderr(/(http:\/\/\S+\/oauth\/authorize\?\S+)/);
      await approveInBrowser(authorizeUrl!, user);
      expect((await login.done).code).toBe(0);
    } finally {
      await doomed.close();
    }

    const logout = await runCli(['logout'], { env });

    expect(logout.code).toBe(1);
    expect(logout.stderr).toMatch(
      /Error: Could not revoke token skt_\S+ on http:\/\/127\.0\.0\.1:\d+: Could not reach/,
    );
    expect(logout.stderr).toContain('revoke it in Settings → Tokens');
    expect(logout.stderr).toContain(`Logged out of ${doomed.url}`);
    const status = await runCli(['auth', 'status'], { env });
    expect(status.code).toBe(4);
  });
});

describe('skytells scopes', () => {
  it('lists the server’s scope catalogue without a login, as a table or as JSON alone on stdout', async () => {
    const home = makeHome();
    homes.push(home);

    const table = await runCli(['scopes'], { env: home.env(server.url) });
    expect(table.code).toBe(0);
    for (const [name, description] of Object.entries(SCOPE_CATALOGUE)) {
      expect(table.stdout).toContain(name);
      expect(table.stdout).toContain(description);
    }

    const json = await runCli(['scopes', '--json'], { env: home.env(server.url) });
    expect(json.code).toBe(0);
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout)).toEqual(
      Object.entries(SCOPE_CATALOGUE).map(([name, description]) => ({ name, description })),
    );
  });
});

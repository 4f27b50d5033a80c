/**
 * The expiry warning (docs/cli.md, "Expiry warning"): a response carrying `Skytells-Token-Expiration`
 * makes `skytells` warn once on stderr, never on stdout, in colour only on a terminal without NO_COLOR.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createToken,
  killRunningClis,
  makeHome,
  runCli,
  signUp,
  startTestServer,
  type CliHome,
  type TestServer,
} from './cli-harness.js';

let server: TestServer;
const homes: CliHome[] = [];

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  killRunningClis();
  for (const made of homes) made.dispose();
  await server.close();
});

/** A CLI home logged in with `--with-token` to a token of `expiresInDays`. */
async function loggedIn(expiresInDays: number) {
  const user = await signUp(server.url);
  const token = await createToken(server.url, user, { expires_in_days: expiresInDays });
  const home = makeHome();
  homes.push(home);
  const env = home.env(server.url, { NO_COLOR: '1' });
  const login = await runCli(['login', '--with-token', '--insecure-storage'], { env, stdin: token.token });
  expect(login.code).toBe(0);
  return { token, env, home };
}

describe.concurrent('the expiry warning', () => {
  it('warns once on stderr about a token that expires in 3 days, naming the date and the rotate command', async () => {
    const { token, env } = await loggedIn(3);
    const day = token.expires_at!.slice(0, 10);

    const listed = await runCli(['tokens', 'list'], { env });
    expect(listed.code).toBe(0);
    expect(listed.stderr).toContain(
      `! Warning: this token expires on ${day} (in 3 days). Rotate it: skytells tokens rotate ${token.id}`,
    );
    expect(listed.stderr.match(/Warning: this token expires/g)).toHaveLength(1);
    expect(listed.stdout).not.toContain('Warning');
    expect(listed.stdout).toContain(token.masked);
    // NO_COLOR: plain text only.
    expect(listed.stderr).not.toContain('\u001b[');

    const json = await runCli(['tokens', 'list', '--json'], { env });
    expect(json.code).toBe(0);
    expect(json.stderr).toContain('Warning: this token expires');
    expect(() => JSON.parse(json.stdout) as unknown).not.toThrow();
    expect(json.stdout).not.toContain('Warning');
  });

  it('tells a SKYTELLS_TOKEN user to rotate it and replace the variable', async () => {
    const user = await signUp(server.url);
    const token = await createToken(server.url, user, { expires_in_days: 2 });
    const home = makeHome();
    homes.push(home);
    const run = await runCli(['tokens', 'list'], {
      env: home.env(server.url, { NO_COLOR: '1', SKYTELLS_TOKEN: token.token }),
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('Warning: this token expires on');
    expect(run.stderr).toContain('(in 2 days)');
    expect(run.stderr).toContain('then replace SKYTELLS_TOKEN');
  });

  it('stays silent about a token with months left', async () => {
    const { env } = await loggedIn(90);
    const listed = await runCli(['tokens', 'list'], { env });
    expect(listed.code).toBe(0);
    expect(listed.stderr).toBe('');
  });
});

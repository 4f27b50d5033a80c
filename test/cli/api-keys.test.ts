import { isWellFormedApiKey } from '@skytells/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  asUser,
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

interface ApiKeyJson {
  id: string;
  name: string;
  masked: string;
  status: string;
  expires_at: string | null;
  replaces: string | null;
  replaced_by: string | null;
}

/** A fresh account, and a CLI environment with a token holding `scopes` in `SKYTELLS_TOKEN`. */
async function loggedIn(scopes = ['api_keys:write']) {
  const user = await signUp(server.url);
  const token = await createToken(server.url, user, { scopes });
  const home = makeHome();
  homes.push(home);
  return { user, env: home.env(server.url, { SKYTELLS_TOKEN: token.token }) };
}

describe.concurrent('skytells api-keys', () => {
  it('create prints the value once: alone on stdout when piped, as the "key" field with --json', async () => {
    const { user, env } = await loggedIn();

    const piped = await runCli(['api-keys', 'create', '--name', 'billing-worker'], { env });
    expect(piped.code).toBe(0);
    const value = piped.stdout.trim();
    expect(isWellFormedApiKey(value)).toBe(true);
    expect(piped.stdout).toBe(`${value}\n`);
    expect(piped.stderr).toContain('Created API key billing-worker');
    expect(piped.stderr).not.toContain(value);

    const json = await runCli(['api-keys', 'create', '--name', 'second', '--json'], { env });
    expect(json.code).toBe(0);
    const issued = JSON.parse(json.stdout) as ApiKeyJson & { key: string };
    expect(isWellFormedApiKey(issued.key)).toBe(true);
    expect(issued).toMatchObject({ name: 'second', status: 'active' });

    const listed = await runCli(['api-keys', 'list', '--json'], { env });
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toContain(value);
    expect(listed.stdout).not.toContain(issued.key);
    const keys = JSON.parse(listed.stdout) as ApiKeyJson[];
    expect(keys.map((key) => key.name)).toEqual(['second', 'billing-worker']);
    const table = await runCli(['api-keys', 'list'], { env });
    expect(table.stdout).toContain(issued.masked);
    const own = await asUser<{ data: ApiKeyJson[] }>(server.url, user, 'GET', '/v1/api-keys');
    expect(own.body.data).toHaveLength(2);
  });

  it('revoke ends a key at once; an unknown id exits 1 and says so', async () => {
    const { user, env } = await loggedIn();
    const created = JSON.parse(
      (await runCli(['api-keys', 'create', '--name', 'x', '--json'], { env })).stdout,
    ) as {
      id: string;
    };

    const revoked = await runCli(['api-keys', 'revoke', created.id], { env });
    expect(revoked.code).toBe(0);
    expect(revoked.stderr).toContain(`Revoked API key ${created.id}`);
    const read = await asUser<ApiKeyJson>(server.url, user, 'GET', `/v1/api-keys/${created.id}`);
    expect(read.body.status).toBe('revoked');

    const unknown = await runCli(['api-keys', 'revoke', 'key_unknown'], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('key_unknown');
  });

  it('roll --grace keeps the old key until the grace ends and prints the new value once', async () => {
    const { user, env } = await loggedIn();
    const old = JSON.parse(
      (await runCli(['api-keys', 'create', '--name', 'w', '--json'], { env })).stdout,
    ) as {
      id: string;
      key: string;
    };

    const rolled = await runCli(['api-keys', 'roll', old.id, '--grace', '3600'], { env });
    expect(rolled.code).toBe(0);
    const value = rolled.stdout.trim();
    expect(isWellFormedApiKey(value)).toBe(true);
    expect(value).not.toBe(old.key);
    expect(rolled.stderr).toContain(`The old key ${old.id} keeps working until`);
    const read = await asUser<ApiKeyJson>(server.url, user, 'GET', `/v1/api-keys/${old.id}`);
    expect(read.body.status).toBe('active');
    expect(read.body.expires_at).not.toBeNull();

    const again = await runCli(['api-keys', 'roll', old.id, '--json'], { env });
    expect(again.code).toBe(1);
  });

  it('bad options are usage errors (exit 2), and a token without the scope is refused', async () => {
    const { env } = await loggedIn(['tokens:read']);
    expect((await runCli(['api-keys', 'roll', 'key_x', '--grace', '604801'], { env })).code).toBe(2);
    expect((await runCli(['api-keys', 'roll', 'key_x', '--grace', 'soon'], { env })).code).toBe(2);
    expect((await runCli(['api-keys', 'create'], { env })).code).toBe(2);
    const refused = await runCli(['api-keys', 'list'], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('api_keys:read');
  });

  it('without a credential, the commands exit 4', async () => {
    const home = makeHome();
    homes.push(home);
    expect((await runCli(['api-keys', 'list'], { env: home.env(server.url) })).code).toBe(4);
  });

  it('refuses an API key on the command line before anything else (exit 2)', async () => {
    const { env } = await loggedIn();
    const key = JSON.parse(
      (await runCli(['api-keys', 'create', '--name', 'x', '--json'], { env })).stdout,
    ) as {
      key: string;
    };
    const run = await runCli(['api-keys', 'revoke', key.key], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).not.toContain(key.key);
  });
});

/**
 * `skytells tokens usage` and `skytells tokens rotate --revoke-old-on-first-use`, as real CLI processes
 * against a real listening server.
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
  type TokenJson,
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

/** The environment of a CLI process using `token` from `SKYTELLS_TOKEN`. */
function envWith(token: string): Record<string, string> {
  const home = makeHome();
  homes.push(home);
  return home.env(server.url, { SKYTELLS_TOKEN: token });
}

describe.concurrent('skytells tokens usage and first-use rotation', () => {
  it('usage says which scopes a token used and suggests the narrower set', async () => {
    const user = await signUp(server.url);
    const worker = await createToken(server.url, user, {
      scopes: ['projects:write', 'billing:read', 'account:read'],
    });
    const admin = await createToken(server.url, user, { scopes: ['tokens:read'] });
    const workerEnv = envWith(worker.token);
    expect((await runCli(['projects', 'list'], { env: workerEnv })).code).toBe(0);
    expect((await runCli(['projects', 'list', '--json'], { env: workerEnv })).code).toBe(0);

    const adminEnv = envWith(admin.token);
    const shown = await runCli(['tokens', 'usage', worker.id], { env: adminEnv });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('Used only projects:read in the last 30 days (2 requests).');
    expect(shown.stdout).toMatch(/Unused\s+account:read projects:write billing:read/);
    expect(shown.stdout).toMatch(/Suggested\s+projects:read/);
    expect(shown.stdout).toMatch(/127\.0\.0\.1\s+2/);
    expect(shown.stderr).toContain(
      `skytells tokens rotate ${worker.id} --scopes projects:read --revoke-old-on-first-use`,
    );

    const json = await runCli(['tokens', 'usage', worker.id, '--days', '7', '--json'], { env: adminEnv });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      window_days: 7,
      requests: 2,
      scopes_used: ['projects:read'],
      unused_scopes: ['account:read', 'projects:write', 'billing:read'],
      suggested_scopes: ['projects:read'],
      ips: [{ ip: '127.0.0.1', requests: 2 }],
    });

    const refused = await runCli(['tokens', 'usage', worker.id, '--days', '91'], { env: adminEnv });
    expect(refused.code).toBe(2);
  });

  it('rotate --revoke-old-on-first-use keeps the old token working until the new one is used', async () => {
    const user = await signUp(server.url);
    const old = await createToken(server.url, user, { scopes: ['account:read', 'tokens:write'] });
    const oldEnv = envWith(old.token);

    const rotated = await runCli(['tokens', 'rotate', old.id, '--revoke-old-on-first-use', '--json'], {
      env: oldEnv,
    });
    expect(rotated.code).toBe(0);
    const fresh = JSON.parse(rotated.stdout) as TokenJson & { token: string };
    const shown = await runCli(['tokens', 'show', old.id, '--json'], { env: oldEnv });
    expect(JSON.parse(shown.stdout)).toMatchObject({ status: 'active', revoke_on_first_use_of: fresh.id });

    expect((await runCli(['whoami'], { env: envWith(fresh.token) })).code).toBe(0);

    const after = await runCli(['whoami'], { env: oldEnv });
    expect(after.code).toBe(4);
    const both = await runCli(
      ['tokens', 'rotate', fresh.id, '--revoke-old-after', '0', '--revoke-old-on-first-use'],
      { env: envWith(fresh.token) },
    );
    expect(both.code).toBe(2);
  });
});

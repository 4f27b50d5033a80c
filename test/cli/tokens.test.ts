import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWellFormedToken } from '../../src/core/token-format.js';
import {
  allTokens,
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
// Tests run concurrently: a CLI left running by a failed test is reaped at the end, not after each.
afterAll(async () => {
  killRunningClis();
  for (const made of homes) made.dispose();
  await server.close();
});

/**
 * A fresh account and a CLI environment holding a token with every scope the commands need: in
 * `SKYTELLS_TOKEN` (as CI does), or stored by `skytells login` with `stored: true`.
 */
async function loggedIn(options: { stored?: boolean; neverExpires?: boolean } = {}) {
  const user = await signUp(server.url);
  const token = await createToken(server.url, user, {
    scopes: ['account:read', 'tokens:write', 'projects:write', 'deployments:write'],
    // Only a token that never expires may create one that never expires.
    ...(options.neverExpires === true ? { expires: 'never', expires_in_days: undefined } : {}),
  });
  const home = makeHome();
  homes.push(home);
  if (options.stored !== true)
    return { user, token, env: home.env(server.url, { SKYTELLS_TOKEN: token.token }) };
  const env = home.env(server.url);
  const login = await runCli(['login', '--with-token', '--insecure-storage'], { env, stdin: token.token });
  expect(login.code).toBe(0);
  return { user, token, env };
}

describe.concurrent('skytells tokens', () => {
  it('create prints the value once: alone on stdout when piped, as a field with --json', async () => {
    const { user, env } = await loggedIn({ neverExpires: true });

    const piped = await runCli(
      [
        'tokens',
        'create',
        '--name',
        'deploy-pipeline',
        '--scopes',
        'projects:read,deployments:write',
        '--expires-in-days',
        '30',
      ],
      { env },
    );
    expect(piped.code).toBe(0);
    const value = piped.stdout.trim();
    expect(isWellFormedToken(value)).toBe(true);
    expect(piped.stdout).toBe(`${value}\n`);
    expect(piped.stderr).toContain('Created token deploy-pipeline');
    expect(piped.stderr).not.toContain(value);

    const json = await runCli(
      [
        'tokens',
        'create',
        '--name',
        'never-ending',
        '--scopes',
        'projects:read',
        '--no-expiration',
        '--json',
      ],
      { env },
    );
    expect(json.code).toBe(0);
    const issued = JSON.parse(json.stdout) as TokenJson & { token: string };
    expect(issued).toMatchObject({
      name: 'never-ending',
      scopes: ['projects:read'],
      expires_at: null,
      status: 'active',
    });
    expect(isWellFormedToken(issued.token)).toBe(true);
    const names = (await allTokens(server.url, user)).map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['deploy-pipeline', 'never-ending']));
  });

  it('create refuses a missing or doubled expiration and an unknown scope as usage errors, before any request', async () => {
    const { env } = await loggedIn();

    const none = await runCli(['tokens', 'create', '--name', 'x', '--scopes', 'projects:read'], { env });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(
      'Choose exactly one of --expires-in-days D, --expires-at TIME and --no-expiration.',
    );

    const both = await runCli(
      [
        'tokens',
        'create',
        '--name',
        'x',
        '--scopes',
        'projects:read',
        '--expires-in-days',
        '3',
        '--no-expiration',
      ],
      { env },
    );
    expect(both.code).toBe(2);

    const unknown = await runCli(
      ['tokens', 'create', '--name', 'x', '--scopes', 'projects:fly', '--expires-in-days', '3'],
      { env },
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown scope "projects:fly"');

    const missing = await runCli(['tokens', 'create', '--scopes', 'projects:read'], { env });
    expect(missing.code).toBe(2);
  });

  it('create explains a name conflict in one sentence with what to do', async () => {
    const { token, env } = await loggedIn();
    const clash = await runCli(
      ['tokens', 'create', '--name', token.name, '--scopes', 'projects:read', '--expires-in-days', '3'],
      { env },
    );

    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain('An active token already has this name. Choose another --name');
  });

  it('list shows a table by default and the Token objects with --json, filtered by --status', async () => {
    const { user, token, env } = await loggedIn();
    const extra = await createToken(server.url, user, { name: 'to-revoke', scopes: ['projects:read'] });
    await runCli(['tokens', 'revoke', extra.id], { env });

    const table = await runCli(['tokens', 'list'], { env });
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(
      /^ID\s+NAME\s+TOKEN\s+SCOPES\s+STATUS\s+EXPIRES\s+LAST USED$/,
    );
    expect(table.stdout).toContain(token.masked);
    expect(table.stdout).not.toContain('to-revoke');

    const revoked = await runCli(['tokens', 'list', '--status', 'revoked', '--json'], { env });
    expect(JSON.parse(revoked.stdout)).toEqual([
      expect.objectContaining({ id: extra.id, status: 'revoked' }),
    ]);

    const bad = await runCli(['tokens', 'list', '--status', 'sideways'], { env });
    expect(bad.code).toBe(2);
  });

  it('show prints one token in detail, and a clear sentence for an unknown ID', async () => {
    const { token, env } = await loggedIn();

    const shown = await runCli(['tokens', 'show', token.id], { env });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`ID\\s+${token.id}`));
    expect(shown.stdout).toMatch(/Status\s+active/);
    expect(shown.stdout).toMatch(/Created\s+.* via console/);
    const json = await runCli(['tokens', 'show', token.id, '--json'], { env });
    expect(JSON.parse(json.stdout)).toMatchObject({ id: token.id, masked: token.masked });

    const unknown = await runCli(['tokens', 'show', 'tok_doesnotexist'], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No token tok_doesnotexist on this account.');
  });

  it('revoke kills a token at once, and warns when it was the one the CLI uses', async () => {
    const { user, token, env } = await loggedIn({ stored: true });
    const other = await createToken(server.url, user, { scopes: ['projects:read'] });

    const revoke = await runCli(['tokens', 'revoke', other.id], { env });
    expect(revoke.code).toBe(0);
    expect(revoke.stderr).toContain(`Revoked token ${other.id}`);
    expect((await allTokens(server.url, user)).find((t) => t.id === other.id)?.status).toBe('revoked');

    const own = await runCli(['tokens', 'revoke', token.id], { env });
    expect(own.code).toBe(0);
    expect(own.stderr).toContain('That was the token this CLI is logged in with.');
    expect((await runCli(['whoami'], { env })).code).toBe(4);
  });

  it('rotate issues a narrower replacement, prints its value once, and revokes the old one when asked', async () => {
    const { user, env } = await loggedIn();
    const old = await createToken(server.url, user, { scopes: ['projects:read', 'deployments:read'] });

    const rotated = await runCli(
      ['tokens', 'rotate', old.id, '--scopes', 'projects:read', '--revoke-old-after', '0', '--json'],
      { env },
    );
    expect(rotated.code).toBe(0);
    const replacement = JSON.parse(rotated.stdout) as TokenJson & { token: string; replaces: string };
    expect(replacement).toMatchObject({ scopes: ['projects:read'], replaces: old.id });
    expect(isWellFormedToken(replacement.token)).toBe(true);
    expect((await allTokens(server.url, user)).find((t) => t.id === old.id)?.status).toBe('revoked');
  });

  it('create and rotate take restrictions, and show prints them', async () => {
    const { env } = await loggedIn();
    const project = await runCli(['projects', 'create', 'restricted-cli', '--json'], { env });
    const projectId = (JSON.parse(project.stdout) as { id: string }).id;

    const created = await runCli(
      [
        'tokens',
        'create',
        '--name',
        'restricted-cli',
        '--scopes',
        'projects:read',
        '--expires-in-days',
        '7',
        '--allowed-ips',
        '10.0.0.0/8, 2001:db8::/32',
        '--rate-limit',
        '100/60',
        '--projects',
        projectId,
        '--json',
      ],
      { env },
    );
    expect(created.code, created.stderr).toBe(0);
    const token = JSON.parse(created.stdout) as TokenJson;
    expect(token).toMatchObject({
      allowed_ips: ['10.0.0.0/8', '2001:db8::/32'],
      rate_limit: { requests: 100, per_seconds: 60 },
      projects: [projectId],
    });

    const shown = await runCli(['tokens', 'show', token.id], { env });
    expect(shown.stdout).toMatch(/Allowed IPs\s+10\.0\.0\.0\/8, 2001:db8::\/32/);
    expect(shown.stdout).toMatch(/Rate limit\s+100 requests per 60 s/);
    expect(shown.stdout).toMatch(new RegExp(`Projects\\s+${projectId}`));

    const rotated = await runCli(
      ['tokens', 'rotate', token.id, '--allowed-ips', '10.1.0.0/16', '--rate-limit', '10/60', '--json'],
      { env },
    );
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(JSON.parse(rotated.stdout)).toMatchObject({
      allowed_ips: ['10.1.0.0/16'],
      rate_limit: { requests: 10, per_seconds: 60 },
      projects: [projectId],
    });

    const badFormat = await runCli(['tokens', 'rotate', token.id, '--rate-limit', 'lots'], { env });
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('--rate-limit must read N/SECONDS');
  });

  it('rotate of the token the CLI itself uses keeps the CLI working with the replacement', async () => {
    const { token, env } = await loggedIn({ stored: true });
    const rotated = await runCli(['tokens', 'rotate', token.id, '--revoke-old-after', '0'], { env });

    expect(rotated.code).toBe(0);
    expect(rotated.stderr).toContain('it now uses the new one');
    const whoami = await runCli(['whoami', '--json'], { env });
    expect(whoami.code).toBe(0);
    expect(JSON.parse(whoami.stdout)).toMatchObject({ token: { id: expect.not.stringMatching(token.id) } });
  });
});

describe.concurrent('skytells projects and deployments', () => {
  it('create, list and delete projects, and deploy them, as tables or JSON', async () => {
    const { env } = await loggedIn();

    const created = await runCli(['projects', 'create', 'website', '--json'], { env });
    expect(created.code).toBe(0);
    const project = JSON.parse(created.stdout) as { id: string; name: string };
    expect(project.name).toBe('website');

    const list = await runCli(['projects', 'list'], { env });
    expect(list.stdout).toMatch(new RegExp(`${project.id}\\s+website`));

    const deploy = await runCli(
      ['deployments', 'create', project.id, '--environment', 'staging', '--ref', 'main'],
      { env },
    );
    expect(deploy.code).toBe(0);
    expect(deploy.stderr).toContain(`Deployed ${project.id} to staging at main`);

    const deployments = await runCli(['deployments', 'list', project.id, '--json'], { env });
    expect(JSON.parse(deployments.stdout)).toEqual([
      expect.objectContaining({ project_id: project.id, environment: 'staging', ref: 'main' }),
    ]);

    const removed = await runCli(['projects', 'delete', project.id], { env });
    expect(removed.code).toBe(0);
    const gone = await runCli(['deployments', 'list', project.id], { env });
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(`No project ${project.id} on this account.`);
  });

  it('names the missing scope and how to get it when the token lacks it', async () => {
    const user = await signUp(server.url);
    const home = makeHome();
    homes.push(home);
    const narrow = await createToken(server.url, user, { scopes: ['projects:read'] });
    const run = await runCli(['projects', 'create', 'nope'], {
      env: home.env(server.url, { SKYTELLS_TOKEN: narrow.token }),
    });

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('This token lacks the "projects:write" scope.');
  });
});

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OidcIssuer, startOidcIssuer } from '../support/oidc-issuer.js';
import {
  argvSeen,
  asUser,
  createToken,
  killRunningClis,
  makeHome,
  runCli,
  signUp,
  startTestServer,
  type CliHome,
  type TestServer,
  type WebUser,
} from './cli-harness.js';

const SUBJECT = 'repo:acme/api:ref:refs/heads/main';
const JOB = { sub: SUBJECT, repository: 'acme/api', ref_name: 'main', run_id: '1234' };
const TOKEN_LIKE = /skt_[0-9A-Za-z]{38}/;

let server: TestServer;
let issuer: OidcIssuer;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  // The local issuer is plain HTTP on loopback (docs/workloads.md, "Issuers").
  server = await startTestServer({ env: { SKYTELLS_WORKLOAD_ALLOW_INSECURE_ISSUER: 'true' } });
  issuer = await startOidcIssuer();
});
afterAll(async () => {
  killRunningClis();
  for (const cleanup of cleanups) cleanup();
  await issuer.close();
  await server.close();
  expect(argvSeen.flat().filter((arg) => TOKEN_LIKE.test(arg))).toEqual([]);
});

/** A fresh CLI home and a fresh job directory (`RUNNER_TEMP` or the system's temporary directory). */
function makeJob(): { home: CliHome; dir: string } {
  const home = makeHome();
  const dir = mkdtempSync(join(tmpdir(), 'skytells-job-'));
  cleanups.push(() => {
    home.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  return { home, dir };
}

let workloads = 0;

/**
 * A signed-up user whose account trusts a workload of the local issuer (audience: the server's URL,
 * subject {@link SUBJECT}, projects:read and projects:write), and holds one project.
 */
async function trustWorkload(): Promise<{ user: WebUser; name: string; id: string; project: string }> {
  const user = await signUp(server.url);
  const admin = await createToken(server.url, user, {
    scopes: ['workloads:write', 'projects:read', 'projects:write'],
  });
  workloads += 1;
  const name = `deploy-api-${workloads}`;
  const response = await fetch(`${server.url}/v1/workloads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name,
      issuer: issuer.url,
      audience: server.url,
      subject: SUBJECT,
      scopes: ['projects:read', 'projects:write'],
      ttl_seconds: 900,
    }),
  });
  const workload = (await response.json()) as { id: string };
  if (response.status !== 201) throw new Error(`workload creation failed: ${JSON.stringify(workload)}`);
  const project = `project-of-${name}`;
  const created = await asUser(server.url, user, 'POST', '/v1/projects', { name: project });
  if (created.status !== 201) throw new Error(`project creation failed: ${JSON.stringify(created.body)}`);
  return { user, name, id: workload.id, project };
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe.concurrent('skytells login --workload', () => {
  it('on GitHub Actions: asks for an ID token, exchanges it, and every later command of the job uses the token; nothing goes to the keychain or the config directory', async () => {
    const { name, id, project } = await trustWorkload();
    const { home, dir } = makeJob();
    const env = home.env(server.url, { ...issuer.actionsEnv(JOB), RUNNER_TEMP: dir });

    const login = await runCli(['login', '--workload', name], { env });

    expect(login.code).toBe(0);
    expect(login.stdout).toBe('');
    expect(login.stderr).toContain(`Logged in to ${server.url} as workload ${name}`);
    expect(login.stderr).toContain(`Workload   ${name}  (${id})`);
    expect(login.stderr).toContain('projects:read projects:write');
    expect(login.stderr).toMatch(/Expires\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC \(in 1[45] minutes\)/);
    const file = join(dir, 'skytells', 'credentials.json');
    expect(login.stderr).toContain(`Stored in  ${file} (mode 0600, this CI job only)`);
    expect(login.stderr).not.toMatch(TOKEN_LIKE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'skytells')).mode & 0o777).toBe(0o700);
    expect(filesUnder(home.configDir)).toEqual([]);

    const list = await runCli(['projects', 'list'], { env });
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(project);

    const whoami = await runCli(['whoami'], { env });
    expect(whoami.code).toBe(0);
    expect(whoami.stdout).toContain(`workload ${name} on ${server.url}`);

    const status = await runCli(['auth', 'status', '--json'], { env });
    expect(status.code).toBe(0);
    const shown = JSON.parse(status.stdout) as {
      source: string;
      storage: string;
      workload: { id: string; name: string };
      token: { created_via: string; scopes: string[] };
    };
    expect(shown).toMatchObject({
      source: 'workload',
      storage: file,
      workload: { id, name },
      token: { created_via: 'workload', scopes: ['projects:read', 'projects:write'] },
    });

    const logout = await runCli(['logout'], { env });
    expect(logout.code).toBe(0);
    expect(logout.stderr).toContain(`Forgot the token of workload ${name}`);
    expect(readFileSync(file, 'utf8')).not.toMatch(TOKEN_LIKE);
    const after = await runCli(['projects', 'list'], { env });
    expect(after.code).toBe(4);
    expect(after.stderr).toContain(`You are not logged in to ${server.url}.`);
    expect(filesUnder(home.configDir)).toEqual([]);
  });

  it('with --id-token-env: reads the ID token from that variable, and keeps the token in a folder of the temporary directory named for CI_JOB_ID', async () => {
    const { name, project } = await trustWorkload();
    const { home, dir } = makeJob();
    const idToken = await issuer.sign({ sub: SUBJECT, aud: server.url, project_path: 'acme/api' });
    const env = home.env(server.url, { CI_JOB_ID: '567', TMPDIR: dir, SKYTELLS_ID_TOKEN: idToken });

    const login = await runCli(['login', '--workload', name, '--id-token-env', 'SKYTELLS_ID_TOKEN'], {
      env,
    });

    expect(login.code).toBe(0);
    const file = join(dir, 'skytells-567', 'credentials.json');
    expect(login.stderr).toContain(`Stored in  ${file} (mode 0600, this CI job only)`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const list = await runCli(['projects', 'list'], { env: { ...env, SKYTELLS_ID_TOKEN: '' } });
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(project);
    expect(filesUnder(home.configDir)).toEqual([]);
  });

  it('prints the description of a refusal by the server and exits 4, keeping nothing', async () => {
    const { name } = await trustWorkload();
    const { home, dir } = makeJob();
    const other = { ...JOB, sub: 'repo:acme/other:ref:refs/heads/main', repository: 'acme/other' };
    const env = home.env(server.url, { ...issuer.actionsEnv(other), RUNNER_TEMP: dir });

    const login = await runCli(['login', '--workload', name], { env });

    expect(login.code).toBe(4);
    expect(login.stderr).toMatch(
      new RegExp(`^Error: ${server.url.replace(/\./g, '\\.')} refused this job's ID token: .*sub`, 'im'),
    );
    expect(login.stderr).toContain('Settings → Workloads');
    expect(filesUnder(dir)).toEqual([]);

    const unknown = await runCli(['login', '--workload', 'no-such-workload'], { env });
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain(`${server.url} has no workload "no-such-workload".`);
  });

  it('says what the job lacks when it has no ID token (exit 2), before asking the server anything', async () => {
    const name = 'deploy-api';
    const { home, dir } = makeJob();

    const none = await runCli(['login', '--workload', name], {
      env: home.env(server.url, { RUNNER_TEMP: dir }),
    });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('This job has no OIDC ID token to log in with.');
    expect(none.stderr).toContain('permissions: id-token: write');
    expect(none.stderr).toContain('--id-token-env VAR');

    const unset = await runCli(['login', '--workload', name, '--id-token-env', 'SKYTELLS_ID_TOKEN'], {
      env: home.env(server.url, { RUNNER_TEMP: dir }),
    });
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain('--id-token-env names SKYTELLS_ID_TOKEN, which is not set or empty.');

    const outsideJob = await runCli(['login', '--workload', name], {
      env: home.env(server.url, issuer.actionsEnv(JOB)),
    });
    expect(outsideJob.code).toBe(2);
    expect(outsideJob.stderr).toContain('neither RUNNER_TEMP nor CI_JOB_ID is set');
    expect(filesUnder(dir)).toEqual([]);
  });

  it('with SKYTELLS_WORKLOAD set, the first command that needs a token logs in by itself, and the next ones reuse that token', async () => {
    const { name, project } = await trustWorkload();
    const { home, dir } = makeJob();
    const env = home.env(server.url, {
      ...issuer.actionsEnv(JOB),
      RUNNER_TEMP: dir,
      SKYTELLS_WORKLOAD: name,
    });

    const first = await runCli(['projects', 'list'], { env });

    expect(first.code).toBe(0);
    expect(first.stderr).toContain(`Logged in to ${server.url} as workload ${name}`);
    expect(first.stdout).toContain(project);
    const stored = readFileSync(join(dir, 'skytells', 'credentials.json'), 'utf8');

    const second = await runCli(['projects', 'list'], { env });
    expect(second.code).toBe(0);
    expect(second.stderr).not.toContain('Logged in');
    expect(second.stdout).toContain(project);
    expect(readFileSync(join(dir, 'skytells', 'credentials.json'), 'utf8')).toBe(stored);
    expect(filesUnder(home.configDir)).toEqual([]);
  });

  it('once the job token has expired, a command says to log in again (exit 4), or logs in again by itself with SKYTELLS_WORKLOAD', async () => {
    const { name, project } = await trustWorkload();
    const { home, dir } = makeJob();
    const env = home.env(server.url, { ...issuer.actionsEnv(JOB), RUNNER_TEMP: dir });
    expect((await runCli(['login', '--workload', name], { env })).code).toBe(0);
    const file = join(dir, 'skytells', 'credentials.json');
    const expire = () => {
      const job = JSON.parse(readFileSync(file, 'utf8')) as {
        logins: Record<string, { expires_at: string }>;
      };
      job.logins[server.url]!.expires_at = new Date(Date.now() - 1000).toISOString();
      writeFileSync(file, JSON.stringify(job));
    };
    expire();

    const expired = await runCli(['projects', 'list'], { env });
    expect(expired.code).toBe(4);
    expect(expired.stderr).toContain(`The workload token of this job expired (workload ${name}).`);
    expect(expired.stderr).toContain(`skytells login --workload ${name}`);

    const again = await runCli(['projects', 'list'], { env: { ...env, SKYTELLS_WORKLOAD: name } });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`Logged in to ${server.url} as workload ${name}`);
    expect(again.stdout).toContain(project);
  });
});

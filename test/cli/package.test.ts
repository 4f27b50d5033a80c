/**
 * The CLI is a package of its own: packed as users get it, installed into an empty directory, it
 * runs without a single server dependency.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE62, TOKEN_PREFIX, TOKEN_RANDOM_LENGTH, tokenChecksum } from '@skytells/contract';
import { REPO_ROOT } from '../support/processes.js';

const SERVER_DEPENDENCIES = ['fastify', 'pg', 'better-sqlite3', 'kysely', 'react', 'react-dom', 'pino'];

const dir = mkdtempSync(join(tmpdir(), 'skytells-cli-package-'));
const project = join(dir, 'project');
const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });

beforeAll(() => {
  const packed = JSON.parse(
    npm(['pack', '--workspace', '@skytells/cli', '--pack-destination', dir, '--json'], REPO_ROOT),
  ) as { filename: string }[];
  const tarball = join(dir, packed[0]!.filename);
  execFileSync('mkdir', ['-p', project]);
  writeFileSync(join(project, 'package.json'), '{"name":"empty","version":"1.0.0","private":true}\n');
  npm(['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], project);
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the CLI package installed on its own', () => {
  it('installs none of the server’s dependencies, nor the contract package it bundles', () => {
    const installed = readdirSync(join(project, 'node_modules'));
    for (const name of SERVER_DEPENDENCIES) expect(installed).not.toContain(name);
    expect(existsSync(join(project, 'node_modules', '@skytells', 'contract'))).toBe(false);
    expect(existsSync(join(project, 'node_modules', '@skytells', 'cli'))).toBe(true);
  });

  it('runs `skytells --version`', () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'cli', 'package.json'), 'utf8')) as {
      version: string;
    };
    const result = spawnSync(join(project, 'node_modules', '.bin', 'skytells'), ['--version'], {
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`skytells ${version}\n`);
    expect(result.status).toBe(0);
  });

  it('finds a checksum-valid token with `skytells scan`, using the contract code bundled inside', () => {
    let body = TOKEN_PREFIX;
    while (body.length < TOKEN_PREFIX.length + TOKEN_RANDOM_LENGTH) body += BASE62[body.length % 62];
    const token = body + tokenChecksum(body);
    writeFileSync(join(dir, 'leak.env'), `DEPLOY_TOKEN=${token}\n`);
    const result = spawnSync(
      join(project, 'node_modules', '.bin', 'skytells'),
      ['scan', join(dir, 'leak.env'), '--json'],
      { encoding: 'utf8', env: { PATH: process.env['PATH'], HOME: dir } },
    );
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('leak.env');
    expect(result.stdout).not.toContain(token);
  });
});

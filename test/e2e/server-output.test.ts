/**
 * What `skytells-server start` tells the person who started it: where the server is and how to sign
 * up, in lines a person reads on a terminal, and in JSON, one object per line, when its output is
 * piped to a file or a log collector.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  childEnv,
  freePort,
  killAllChildren,
  serverCommand,
  startServerProcess,
} from '../support/processes.js';

const E2E_TIMEOUT = { timeout: 120_000 };
const dirs: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'skytells-output-'));
  dirs.push(dir);
  return dir;
};

afterAll(async () => {
  await killAllChildren();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs the server under a pseudo-terminal (util-linux `script`) until it has said how to sign up or
 * `until` appears, and returns what the terminal showed.
 */
async function onTerminal(env: Record<string, string>, until: string): Promise<string> {
  const [node, args] = serverCommand(['start']);
  const quoted = [node, ...args].map((part) => `'${part}'`).join(' ');
  const child = spawn('script', ['--quiet', '--flush', '--command', quoted, '/dev/null'], {
    env: childEnv(env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  try {
    const deadline = Date.now() + 60_000;
    while (!output.includes(until)) {
      if (child.exitCode !== null) throw new Error(`the server exited:\n${output}`);
      if (Date.now() > deadline) throw new Error(`"${until}" never appeared:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return output;
  } finally {
    child.kill('SIGKILL');
  }
}

describe('skytells-server start, what it prints', () => {
  it('on a terminal: readable lines with the address and how to sign up, no JSON', E2E_TIMEOUT, async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const shown = await onTerminal(
      { HOST: '127.0.0.1', PORT: String(port), SKYTELLS_DATA_DIR: dataDir() },
      'to sign up',
    );

    const lines = shown.split(/\r?\n/).filter((line) => line.trim() !== '');
    expect(lines.some((line) => line.trimStart().startsWith('{'))).toBe(false);
    expect(shown).toMatch(new RegExp(`\\d\\d:\\d\\d:\\d\\d\\] INFO: Skytells Access is at ${url}`));
    expect(shown).toContain(`Open ${url}/ in a browser and choose "Create an account" to sign up.`);
  });

  it('on a terminal with sign-up closed: how to create an account instead', E2E_TIMEOUT, async () => {
    const port = await freePort();
    const shown = await onTerminal(
      { HOST: '127.0.0.1', PORT: String(port), SKYTELLS_DATA_DIR: dataDir(), SKYTELLS_SIGNUP: 'closed' },
      'create-account',
    );

    expect(shown).toContain('Sign-up is closed (SKYTELLS_SIGNUP=closed): create an account with');
    expect(shown).toContain('npx skytells-server create-account --email you@example.com');
    expect(shown).not.toContain('to sign up');
  });

  it(
    'piped: one JSON object per line, the address and the sign-up hint among them',
    E2E_TIMEOUT,
    async () => {
      const server = await startServerProcess({ env: { SKYTELLS_DATA_DIR: dataDir() } });
      const response = await fetch(`${server.url}/healthz`);
      expect(response.status).toBe(200);
      await server.stop();

      const lines = server
        .output()
        .split('\n')
        .filter((line) => line.trim() !== '');
      const records = lines.map((line) => JSON.parse(line) as { msg?: string; level?: number });
      expect(records.every((record) => typeof record.level === 'number')).toBe(true);
      const messages = records.map((record) => record.msg);
      expect(messages).toContain(`Skytells Access is at ${server.url}`);
      expect(messages).toContain(
        `Open ${server.url}/ in a browser and choose "Create an account" to sign up.`,
      );
    },
  );
});

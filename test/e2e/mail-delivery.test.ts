/**
 * The server process sends account e-mail by itself: its delivery loop drains the outbox while it
 * runs, and stops with it (docs/configuration.md, "Account e-mail").
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { call, killAllChildren, signUpOn, startServerProcess } from '../support/processes.js';

const dirs: string[] = [];
afterEach(killAllChildren);
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function emlFiles(dir: string): string[] {
  try {
    return readdirSync(join(dir, 'outbox')).filter((name) => name.endsWith('.eml'));
  } catch {
    return [];
  }
}

describe('a running server', () => {
  it(
    'writes the password-changed e-mail to <data dir>/outbox within seconds, and stops cleanly',
    { timeout: 90_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'skytells-mail-e2e-'));
      dirs.push(dir);
      const server = await startServerProcess({
        env: {
          SKYTELLS_DATA_DIR: dir,
          SKYTELLS_SECRET: 'x'.repeat(40),
          SKYTELLS_PUBLIC_URL: 'https://access.example.test',
        },
      });
      const password = 'correct horse battery staple';
      const session = await signUpOn(server, password);
      const changed = await call(server, 'POST', '/v1/account/password', {
        headers: session,
        json: { current_password: password, new_password: 'a different passphrase' },
      });
      expect(changed.status).toBe(204);

      const deadline = Date.now() + 20_000;
      while (emlFiles(dir).length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const files = emlFiles(dir);
      expect(files).toHaveLength(1);
      const message = readFileSync(join(dir, 'outbox', files[0]!), 'utf8');
      expect(message).toMatch(/^Subject: Your Skytells password was changed$/m);
      expect(message).toMatch(/^From: Skytells <no-reply@access\.example\.test>$/m);
      expect(message).not.toContain('a different passphrase');

      expect(await server.stop()).toEqual({ code: 0, signal: null });
      expect(server.output()).not.toContain('a different passphrase');
    },
  );

  it(
    'e-mails the 1-day warning of a token created with hours left within a minute, by itself',
    { timeout: 120_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'skytells-expiry-e2e-'));
      dirs.push(dir);
      const server = await startServerProcess({
        env: {
          SKYTELLS_DATA_DIR: dir,
          SKYTELLS_SECRET: 'x'.repeat(40),
          SKYTELLS_PUBLIC_URL: 'https://access.example.test',
        },
      });
      const session = await signUpOn(server, 'correct horse battery staple');
      const created = await call(server, 'POST', '/v1/tokens', {
        headers: session,
        json: {
          name: 'nightly',
          scopes: ['tokens:read'],
          expires_at: new Date(Date.now() + 12 * 3_600_000).toISOString(),
        },
      });
      expect(created.status).toBe(201);

      // docs/tokens.md: within a minute of crossing the threshold.
      const deadline = Date.now() + 60_000;
      while (emlFiles(dir).length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const files = emlFiles(dir);
      expect(files).toHaveLength(1);
      const message = readFileSync(join(dir, 'outbox', files[0]!), 'utf8');
      // The subject is RFC 2047-encoded for its quotes: "Your Skytells token "nightly" expires in 12 hours".
      const subject = /^Subject: (.*(?:\n .*)*)$/m.exec(message)?.[1] ?? '';
      const decoded = subject
        .replace(/=\?UTF-8\?Q\?|\?=\s*/g, '')
        .replace(/_/g, ' ')
        .replace(/=22/g, '"');
      expect(decoded).toBe('Your Skytells token "nightly" expires in 12 hours');
      expect(await server.stop()).toEqual({ code: 0, signal: null });
    },
  );
});

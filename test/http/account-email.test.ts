/**
 * Account e-mail (docs/configuration.md, "Account e-mail"): written to the outbox in the transaction
 * of the event that causes it, delivered once as an `.eml` file or over SMTP, retried with back-off.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Secret, TOTP } from 'otpauth';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { ManualClock } from '../../src/core/clock.js';
import type { Mailer, OutgoingMail } from '../../src/core/mailer.js';
import { MAIL_LEASE_MS } from '../../src/core/mail-delivery.js';
import { EmlFileMailer } from '../../src/adapters/mail/nodemailer-mailer.js';
import { KyselyMailOutboxStore } from '../../src/adapters/storage/kysely-mail-outbox-store.js';
import { composePlatform, type Platform } from '../../src/main/compose.js';
import {
  type ConsoleUser,
  createTestDatabase,
  createTestPlatform,
  createToken,
  sessionCookie,
  signUpAndSignIn,
  TEST_SCRYPT,
  type TestPlatform,
} from '../support/harness.js';
import { describeEachDialect } from '../support/http.js';

const PUBLIC_URL = 'https://access.example.test';

/** A fresh data directory, removed after the test file. */
const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'skytells-mail-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A parsed `.eml` file: its headers and its decoded text. */
interface Eml {
  file: string;
  raw: string;
  header(name: string): string | undefined;
  /** The message with quoted-printable soft breaks and escapes undone. */
  decoded: string;
}

/** Quoted-printable `text` (RFC 2045 §6.7) as UTF-8: escapes are bytes, soft line breaks vanish. */
function decodeQuotedPrintable(text: string): string {
  return decodeURIComponent(
    text
      .replace(/=\r?\n/g, '')
      .replace(/%/g, '%25')
      .replace(/=([0-9A-F]{2})/gi, '%$1'),
  );
}

/** A header value with its RFC 2047 encoded words decoded, as a mail client shows it. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?[^?]+\?([QqBb])\?([^?]*)\?=/g, (_match, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    );
}

function readEml(file: string): Eml {
  const raw = readFileSync(file, 'utf8');
  const head = raw.slice(0, raw.indexOf('\n\n')).replace(/\n[ \t]+/g, ' ');
  const decoded = decodeQuotedPrintable(raw);
  return {
    file,
    raw,
    decoded,
    header: (name) => {
      const value = new RegExp(`^${name}: (.*)$`, 'im').exec(head)?.[1];
      return value === undefined ? undefined : decodeWords(value);
    },
  };
}

function outboxFiles(dir: string): Eml[] {
  let names: string[];
  try {
    names = readdirSync(join(dir, 'outbox'));
  } catch {
    return [];
  }
  return names
    .filter((name) => name.endsWith('.eml'))
    .sort()
    .map((name) => readEml(join(dir, 'outbox', name)));
}

async function signIn(
  app: FastifyInstance,
  user: ConsoleUser,
  ip: string,
): Promise<{ headers: Record<string, string>; cookie: string }> {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/sessions',
    payload: { email: user.email, password: user.password },
    remoteAddress: ip,
    headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0' },
  });
  expect(response.statusCode).toBe(201);
  const cookie = sessionCookie(response);
  return { cookie, headers: { cookie, 'x-csrf-token': response.json<{ csrf_token: string }>().csrf_token } };
}

/** The outbox rows of `accountId`, oldest first. */
async function outboxRows(platform: Platform, accountId: string) {
  return platform.database.db
    .selectFrom('mail_outbox')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .execute();
}

describeEachDialect('account e-mail written as .eml files', (dialect) => {
  let platform: TestPlatform;
  let dir: string;
  beforeAll(async () => {
    dir = dataDir();
    platform = await createTestPlatform({
      dialect,
      env: { SKYTELLS_DATA_DIR: dir, SKYTELLS_PUBLIC_URL: PUBLIC_URL },
    });
  });
  afterAll(async () => platform.close());
  afterEach(() => rmSync(join(dir, 'outbox'), { recursive: true, force: true }));

  it('tells the owner of a sign-in from an address no earlier sign-in came from, once', async () => {
    const user = await signUpAndSignIn(platform.app);
    await signIn(platform.app, user, '127.0.0.1');
    expect(await outboxRows(platform, user.accountId)).toEqual([]);

    const fromNew = await signIn(platform.app, user, '198.51.100.77');
    await signIn(platform.app, user, '198.51.100.77');
    const rows = await outboxRows(platform, user.accountId);
    expect(rows.map((row) => row.kind)).toEqual(['new_sign_in']);
    // Committed with the sign-in, before any delivery ran.
    expect(rows[0]).toMatchObject({ sent_at: null, recipient: user.email });

    expect(await platform.mail.deliverDue()).toEqual({ sent: 1, failed: 0 });
    const [mail, ...others] = outboxFiles(dir);
    expect(others).toEqual([]);
    expect(mail!.header('To')).toBe(user.email);
    expect(mail!.header('Subject')).toBe('New sign-in to your Skytells account');
    expect(mail!.header('From')).toBe('Skytells <no-reply@access.example.test>');
    expect(mail!.header('Content-Type')).toMatch(/^multipart\/alternative/);
    expect(mail!.raw).toMatch(/Content-Type: text\/plain/);
    expect(mail!.raw).toMatch(/Content-Type: text\/html/);
    expect(mail!.decoded).toContain('198.51.100.77');
    expect(mail!.decoded).toContain('Firefox 133 on Linux');
    expect(mail!.decoded).toContain(`${PUBLIC_URL}/settings/security`);
    expect(mail!.raw).not.toContain(fromNew.cookie.split('=')[1]);
    expect(mail!.raw).not.toContain(user.password);
    expect((await outboxRows(platform, user.accountId))[0]!.sent_at).not.toBeNull();
    expect(await platform.mail.deliverDue()).toEqual({ sent: 0, failed: 0 });
  });

  it('tells the owner that the password changed, without the password', async () => {
    const user = await signUpAndSignIn(platform.app);
    const newPassword = 'the brand new passphrase';
    const response = await platform.app.inject({
      method: 'POST',
      url: '/v1/account/password',
      headers: user.headers,
      payload: { current_password: user.password, new_password: newPassword },
      remoteAddress: '203.0.113.44',
    });
    expect(response.statusCode).toBe(204);
    await platform.mail.deliverDue();

    const mails = outboxFiles(dir).filter((mail) => mail.header('To') === user.email);
    expect(mails.map((mail) => mail.header('Subject'))).toEqual(['Your Skytells password was changed']);
    expect(mails[0]!.decoded).toContain('203.0.113.44');
    expect(mails[0]!.decoded).toContain(`${PUBLIC_URL}/settings/security`);
    expect(mails[0]!.raw).not.toContain(newPassword);
    expect(mails[0]!.raw).not.toContain(user.password);
  });

  it('tells the owner that a token was revoked because it leaked, naming it by its masked id only', async () => {
    const user = await signUpAndSignIn(platform.app);
    const leaked = await createToken(platform.app, user, { name: 'ci deploy' });
    const reported = await platform.app.inject({
      method: 'POST',
      url: '/v1/credentials/revoke',
      payload: { credentials: [leaked.token] },
      remoteAddress: '192.0.2.99',
    });
    expect(reported.json()).toEqual({ revoked: 1 });
    await platform.mail.deliverDue();

    const mails = outboxFiles(dir).filter((mail) => mail.header('To') === user.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.header('Subject')).toBe('Your Skytells token "ci deploy" was revoked because it leaked');
    expect(mails[0]!.decoded).toContain(leaked.masked);
    expect(mails[0]!.decoded).toContain('192.0.2.99');
    expect(mails[0]!.decoded).toContain(`${PUBLIC_URL}/settings/tokens/${leaked.id}`);
    expect(mails[0]!.raw).not.toContain(leaked.token);
    expect(mails[0]!.raw).not.toContain(leaked.token.slice(4, 36));

    // Reporting it again revokes nothing and writes nothing.
    await platform.app.inject({
      method: 'POST',
      url: '/v1/credentials/revoke',
      payload: { credentials: [leaked.token] },
      remoteAddress: '192.0.2.99',
    });
    expect(await outboxRows(platform, user.accountId)).toHaveLength(1);
  });

  it('tells the owner when an authenticator app is added, when a recovery code signs in, and when 2FA is turned off', async () => {
    const user = await signUpAndSignIn(platform.app);
    const subjects = async () => {
      await platform.mail.deliverDue();
      return outboxFiles(dir)
        .filter((mail) => mail.header('To') === user.email)
        .map((mail) => mail.header('Subject'));
    };

    const started = await platform.app.inject({
      method: 'POST',
      url: '/v1/account/2fa/totp',
      headers: user.headers,
    });
    const { secret } = started.json<{ secret: string }>();
    // A pending enrolment is not a factor yet: nothing is written.
    expect(await outboxRows(platform, user.accountId)).toEqual([]);
    const confirmed = await platform.app.inject({
      method: 'POST',
      url: '/v1/account/2fa/totp/confirm',
      headers: user.headers,
      payload: { code: TOTP.generate({ secret: Secret.fromBase32(secret) }) },
      remoteAddress: '203.0.113.61',
    });
    expect(confirmed.statusCode).toBe(200);
    const codes = confirmed.json<{ recovery_codes: string[] }>().recovery_codes;
    // Committed with the confirmation, before any delivery ran.
    expect((await outboxRows(platform, user.accountId)).map((row) => row.kind)).toEqual([
      'second_factor_added',
    ]);
    expect(await subjects()).toEqual(['An authenticator app was added to your Skytells account']);
    const [added] = outboxFiles(dir);
    expect(added!.decoded).toContain('203.0.113.61');
    expect(added!.decoded).toContain(`${PUBLIC_URL}/settings/security`);
    expect(added!.raw).not.toContain(secret);
    rmSync(join(dir, 'outbox'), { recursive: true, force: true });

    const withCode = await platform.app.inject({
      method: 'POST',
      url: '/v1/sessions',
      payload: { email: user.email, password: user.password, recovery_code: codes[0] },
    });
    expect(withCode.statusCode).toBe(201);
    expect(await subjects()).toEqual(['A recovery code was used to sign in to your Skytells account']);
    const [used] = outboxFiles(dir);
    expect(used!.decoded).toMatch(/Recovery codes left: +9/);
    for (const code of codes) expect(used!.raw).not.toContain(code);
    // A code that does not sign in e-mails nothing.
    const reused = await platform.app.inject({
      method: 'POST',
      url: '/v1/sessions',
      payload: { email: user.email, password: user.password, recovery_code: codes[0] },
    });
    expect(reused.statusCode).toBe(401);
    rmSync(join(dir, 'outbox'), { recursive: true, force: true });
    expect(await subjects()).toEqual([]);

    const disabled = await platform.app.inject({
      method: 'DELETE',
      url: '/v1/account/2fa',
      headers: user.headers,
    });
    expect(disabled.statusCode).toBe(204);
    expect(await subjects()).toEqual(['Two-factor authentication was turned off for your Skytells account']);
    // Turning it off again changes nothing and writes nothing.
    await platform.app.inject({ method: 'DELETE', url: '/v1/account/2fa', headers: user.headers });
    expect((await outboxRows(platform, user.accountId)).map((row) => row.kind)).toEqual([
      'second_factor_added',
      'recovery_code_used',
      'second_factor_removed',
    ]);
  });
});

/** Records every message handed to the inner mailer, slowly, so that concurrent runs overlap. */
class RecordingMailer implements Mailer {
  readonly sent: string[] = [];
  failuresLeft = 0;
  constructor(private readonly inner: Mailer) {}
  async send(mail: OutgoingMail): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new Error('421 try again later');
    }
    await this.inner.send(mail);
    this.sent.push(mail.id);
  }
  close(): void {
    this.inner.close();
  }
}

describeEachDialect('the mail outbox under crashes and concurrency', (dialect) => {
  const clock = new ManualClock('2026-05-01T08:00:00.000Z');
  let dir: string;
  let first: Platform;
  let second: Platform;
  let firstMailer: RecordingMailer;
  let secondMailer: RecordingMailer;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    dir = dataDir();
    const database = await createTestDatabase(dialect);
    const config = loadConfig({
      SKYTELLS_SECRET: randomBytes(32).toString('hex'),
      SKYTELLS_DATA_DIR: dir,
      SKYTELLS_PUBLIC_URL: PUBLIC_URL,
    });
    const outbox = new EmlFileMailer(join(dir, 'outbox'));
    firstMailer = new RecordingMailer(outbox);
    secondMailer = new RecordingMailer(outbox);
    // Two server processes' worth of services on one database.
    const compose = (mailer: Mailer) =>
      composePlatform({ config, target: database.target, logger: false, scrypt: TEST_SCRYPT, clock, mailer });
    first = await compose(firstMailer);
    second = await compose(secondMailer);
    dispose = async () => {
      for (const platform of [first, second]) {
        await platform.app.close();
        await platform.database.close();
      }
      await database.dispose();
    };
  });
  afterAll(async () => dispose());

  it('delivers each message exactly once when two instances and repeated runs drain the outbox together', async () => {
    const user = await signUpAndSignIn(first.app);
    for (let i = 1; i <= 12; i += 1)
      await signIn(i % 2 === 0 ? first.app : second.app, user, `198.51.100.${i}`);
    expect(await outboxRows(first, user.accountId)).toHaveLength(12);

    const runs = await Promise.all([
      first.mail.deliverDue(),
      second.mail.deliverDue(),
      first.mail.deliverDue(),
      second.mail.deliverDue(),
    ]);
    expect(runs.reduce((sum, run) => sum + run.sent, 0)).toBe(12);
    const sent = [...firstMailer.sent, ...secondMailer.sent];
    expect(new Set(sent).size).toBe(12);
    expect(sent).toHaveLength(12);
    expect(outboxFiles(dir).filter((mail) => mail.header('To') === user.email)).toHaveLength(12);
    expect(await first.mail.deliverDue()).toEqual({ sent: 0, failed: 0 });
  });

  it('leaves a message claimed by a process that crashed alone until its lease ends, then sends it once', async () => {
    const user = await signUpAndSignIn(first.app);
    await signIn(first.app, user, '203.0.113.200');
    const [row] = await outboxRows(first, user.accountId);
    // A process claims it and dies before sending.
    const store = new KyselyMailOutboxStore(first.database.db, first.database.dialect);
    const now = clock.now();
    const claimed = await store.claim({
      now,
      leaseUntil: new Date(now.getTime() + MAIL_LEASE_MS),
      claimId: 'crashed',
      limit: 100,
    });
    expect(claimed.map((mail) => mail.id)).toContain(row!.id);

    const before = firstMailer.sent.length + secondMailer.sent.length;
    await first.mail.deliverDue();
    await second.mail.deliverDue();
    expect(firstMailer.sent.length + secondMailer.sent.length).toBe(before);

    clock.advance(MAIL_LEASE_MS);
    await Promise.all([first.mail.deliverDue(), second.mail.deliverDue()]);
    expect([...firstMailer.sent, ...secondMailer.sent].filter((id) => id === row!.id)).toHaveLength(1);
    // The crashed process cannot mark it afterwards.
    expect(await store.markSent(row!.id, 'crashed', clock.now())).toBe(false);
  });

  it('keeps a message whose sending failed and retries it after a back-off', async () => {
    const user = await signUpAndSignIn(first.app);
    await signIn(first.app, user, '203.0.113.201');
    firstMailer.failuresLeft = 1;
    expect(await first.mail.deliverDue()).toEqual({ sent: 0, failed: 1 });
    const [failed] = await outboxRows(first, user.accountId);
    expect(failed).toMatchObject({ sent_at: null, attempts: 1, last_error: '421 try again later' });

    expect(await first.mail.deliverDue()).toEqual({ sent: 0, failed: 0 });
    clock.advance(30_000);
    expect(await first.mail.deliverDue()).toEqual({ sent: 1, failed: 0 });
    const [sent] = await outboxRows(first, user.accountId);
    expect(sent).toMatchObject({ attempts: 2, last_error: null });
    expect(sent!.sent_at).not.toBeNull();
  });

  it('writes no message when the transaction of its event rolls back', async () => {
    const user = await signUpAndSignIn(first.app);
    const store = (db: typeof first.database.db) => new KyselyMailOutboxStore(db, first.database.dialect);
    await expect(
      first.database.db.transaction().execute(async (trx) => {
        await store(trx).enqueue({
          id: 'msg_rolled_back',
          accountId: user.accountId,
          kind: 'password_changed',
          recipient: user.email,
          subject: 'never sent',
          text: 'never sent',
          html: '<p>never sent</p>',
          createdAt: clock.now(),
        });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await outboxRows(first, user.accountId)).toEqual([]);
  });
});

describe('account e-mail over SMTP', () => {
  let smtp: SMTPServer;
  let port: number;
  const received: { from: string | undefined; to: string[]; data: string }[] = [];
  let platform: TestPlatform;

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom === false ? undefined : session.envelope.mailFrom.address,
            to: session.envelope.rcptTo.map((address) => address.address),
            data: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    smtp.listen(0, '127.0.0.1');
    await once(smtp.server, 'listening');
    port = (smtp.server.address() as AddressInfo).port;
    platform = await createTestPlatform({
      env: {
        SKYTELLS_DATA_DIR: dataDir(),
        SKYTELLS_PUBLIC_URL: PUBLIC_URL,
        SKYTELLS_SMTP_URL: `smtp://127.0.0.1:${port}`,
      },
    });
  });
  afterAll(async () => {
    await platform.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it('hands the password-changed notice to the SMTP server with the right recipient and subject', async () => {
    const user = await signUpAndSignIn(platform.app);
    const response = await platform.app.inject({
      method: 'POST',
      url: '/v1/account/password',
      headers: user.headers,
      payload: { current_password: user.password, new_password: 'an entirely new passphrase' },
    });
    expect(response.statusCode).toBe(204);
    expect(await platform.mail.deliverDue()).toEqual({ sent: 1, failed: 0 });

    expect(received).toHaveLength(1);
    expect(received[0]!.to).toEqual([user.email]);
    expect(received[0]!.from).toBe('no-reply@access.example.test');
    expect(received[0]!.data).toMatch(/^Subject: Your Skytells password was changed$/m);
    expect(received[0]!.data).toMatch(new RegExp(`^To: ${user.email.replace('.', '\\.')}$`, 'm'));
    expect(received[0]!.data).not.toContain('an entirely new passphrase');
  });
});

import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type { Mailer, OutgoingMail } from '../../core/mailer.js';

/** Time-outs of an SMTP exchange, well inside the outbox lease (core/mail-delivery.ts). */
const SMTP_TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 };

/** The nodemailer message for `mail`; its `Message-ID` derives from the outbox id, so a resend is recognisable. */
function messageOf(mail: OutgoingMail, idDomain: string): SendMailOptions {
  return {
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    date: mail.date,
    messageId: `<${mail.id}@${idDomain}>`,
  };
}

/** The domain of a `From` address such as `Skytells <no-reply@example.com>`. */
function domainOf(from: string): string {
  return /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
}

/** {@link Mailer} over SMTP: `smtp://` (STARTTLS when offered) or `smtps://` (TLS from the start). */
export class SmtpMailer implements Mailer {
  readonly #transport: Transporter;

  /** @param url an `smtp://` or `smtps://` URL, with credentials in its user-info when needed. */
  constructor(url: string) {
    const parsed = new URL(url);
    this.#transport = nodemailer.createTransport({
      host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: parsed.port === '' ? (parsed.protocol === 'smtps:' ? 465 : 587) : Number(parsed.port),
      secure: parsed.protocol === 'smtps:',
      ...(parsed.username === ''
        ? {}
        : {
            auth: {
              user: decodeURIComponent(parsed.username),
              pass: decodeURIComponent(parsed.password),
            },
          }),
      ...SMTP_TIMEOUTS,
    });
  }

  async send(mail: OutgoingMail): Promise<void> {
    await this.#transport.sendMail(messageOf(mail, domainOf(mail.from)));
  }

  close(): void {
    this.#transport.close();
  }
}

/**
 * {@link Mailer} for a server without SMTP: each message is written as `<id>.eml` (RFC 5322, with
 * plain-text and HTML parts) into `dir`, for any mail client to open. The file appears whole
 * (written aside, then renamed), and writing the same message again replaces it.
 */
export class EmlFileMailer implements Mailer {
  readonly #dir: string;
  readonly #transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  constructor(dir: string) {
    this.#dir = dir;
  }

  async send(mail: OutgoingMail): Promise<void> {
    const info = await this.#transport.sendMail(messageOf(mail, domainOf(mail.from)));
    if (!Buffer.isBuffer(info.message)) throw new Error('nodemailer did not build the message as a buffer');
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    const file = join(this.#dir, `${mail.id}.eml`);
    const draft = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(draft, info.message, { mode: 0o600, flag: 'wx' });
      await rename(draft, file);
    } finally {
      await rm(draft, { force: true });
    }
  }

  close(): void {
    this.#transport.close();
  }
}

/** One account e-mail ready to hand to a transport. */
export interface OutgoingMail {
  /** The outbox id; also the base of the `Message-ID`, so that a resend can be recognised. */
  id: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** When the event happened: the `Date` header. */
  date: Date;
}

/** Hands account e-mail to SMTP, or writes it where an operator can open it. */
export interface Mailer {
  /**
   * Sends `mail`. Sending the same `id` again replaces a written file, or sends again over SMTP.
   * @throws whatever the transport throws; the outbox retries later.
   */
  send(mail: OutgoingMail): Promise<void>;
  /** Releases connections; nothing is sent afterwards. */
  close(): void;
}

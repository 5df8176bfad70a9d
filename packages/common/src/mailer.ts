import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** What the message is for (`reset_password`, `digest`); kept in the local outbox's .json twin. */
  kind: string;
  /** Extra headers: List-Unsubscribe (RFC 2369) and List-Unsubscribe-Post (RFC 8058 one-click). */
  headers?: Record<string, string>;
  /** A stable Message-ID, so a retried send is recognisably the same mail. */
  messageId?: string;
  /** Structured data (links, tokens) for the local outbox's .json twin. */
  data?: Record<string, unknown>;
}

/**
 * The mail port every service that sends mail uses (auth-service: verification, reset and
 * invitation mail; notification-service: notifications and digests), with two adapters.
 * Import it as `@eduspry/common/mailer`, so services that send no mail never load nodemailer.
 */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/**
 * The embedded default: every message becomes `<time>-<id>.eml` (openable in any mail client)
 * plus a `.json` twin in a local folder, so `npm start` needs no mail server.
 */
export function createOutboxMailer(dir: string, from: string): Mailer {
  return {
    async send(message) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const name = `${new Date().toISOString().replaceAll(':', '-')}-${randomUUID().slice(0, 8)}`;
      const eml = [
        `From: ${from}`,
        `To: ${message.to}`,
        `Subject: ${message.subject}`,
        `Date: ${new Date().toUTCString()}`,
        ...(message.messageId ? [`Message-ID: <${message.messageId}>`] : []),
        ...Object.entries(message.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        '',
        message.text,
      ].join('\r\n');
      await writeFile(join(dir, `${name}.eml`), eml, { mode: 0o600 });
      await writeFile(join(dir, `${name}.json`), JSON.stringify({ from, ...message }, null, 2), {
        mode: 0o600,
      });
    },
  };
}

/** Production: SMTP through nodemailer, with timeouts so a slow relay cannot hold a request or a worker. */
export function createSmtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url, {
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  } as never);
  return {
    async send(message) {
      await transport.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.messageId ? { messageId: `<${message.messageId}>` } : {}),
        ...(message.headers ? { headers: message.headers } : {}),
      });
    },
  };
}

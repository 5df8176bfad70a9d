import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { sendDueMessages } from '../src/domain/delivery.ts';
import { type Harness, harness } from './helpers.ts';

// A real SMTP server (the smtp-server package) on 127.0.0.1 receives what nodemailer sends.
const received: { to: string[]; raw: string }[] = [];
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      received.push({
        to: session.envelope.rcptTo.map((r) => r.address),
        raw: Buffer.concat(chunks).toString('utf8'),
      });
      callback();
    });
  },
});
let h: Harness;
before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  h = await harness({ SMTP_URL: `smtp://127.0.0.1:${port}` });
});
after(async () => {
  await h.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('with SMTP_URL set, notification mail goes out over SMTP with the one-click unsubscribe headers', async () => {
  const student = await h.user();
  await h.enroll(student, randomUUID());
  while ((await sendDueMessages(h.ctx)) > 0) {}
  const mail = received.find((m) => m.to.includes(student.email));
  assert.ok(mail, 'the SMTP server received the mail');
  // Long headers arrive folded (RFC 5322): unfold before matching.
  mail.raw = mail.raw.replace(/\r\n[ \t]+/g, ' ');
  assert.match(mail.raw, /^Subject: You were enrolled in a course/m);
  assert.match(mail.raw, /^List-Unsubscribe: ?<http:\/\/127\.0\.0\.1:4007\/unsubscribe\?token=/m);
  assert.match(mail.raw, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m);
  assert.match(mail.raw, /^Message-ID: <notification-[0-9a-f-]+@eduspry>/m);
  assert.equal((await h.mails()).length, 0, 'nothing was written to the local outbox');
});

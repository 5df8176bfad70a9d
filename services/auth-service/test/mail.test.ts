import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { createWorld, type Harness, startAuth } from './helpers.ts';

/** A real SMTP server on 127.0.0.1 that keeps what it receives. */
const received: { to: string[]; raw: string }[] = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, session, callback) {
    let raw = '';
    stream.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8');
    });
    stream.on('end', () => {
      received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
      callback();
    });
  },
});
let h: Harness;

before(async () => {
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const { port } = smtp.server.address() as { port: number };
  h = await startAuth({ SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'EduSpry <no-reply@eduspry.test>' });
});
after(async () => {
  await h.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

test('with SMTP_URL set, reset mail goes out over SMTP and nothing lands in the local outbox', async () => {
  const { tenant, student } = await createWorld(h.admin);
  const response = await h.app.inject({
    method: 'POST',
    url: '/recover',
    payload: { tenant: tenant.slug, email: student.email },
  });
  assert.equal(response.statusCode, 202);
  const mail = received.find((m) => m.to.includes(student.email));
  assert.ok(mail, 'the SMTP server received the mail');
  assert.match(mail.raw, /From: EduSpry <no-reply@eduspry\.test>/);
  assert.match(mail.raw, /reset-password\?token=/);
  assert.deepEqual(await readdir(h.mailDir), []);
});

test('the local outbox writes an .eml a mail client opens and a .json twin', async () => {
  const local = await startAuth();
  try {
    const { tenant, student } = await createWorld(local.admin);
    await local.app.inject({
      method: 'POST',
      url: '/recover',
      payload: { tenant: tenant.slug, email: student.email },
    });
    const files = (await readdir(local.mailDir)).sort();
    assert.equal(files.length, 2);
    const eml = await readFile(join(local.mailDir, files.find((f) => f.endsWith('.eml'))!), 'utf8');
    assert.match(eml, new RegExp(`To: ${student.email}`));
    assert.match(eml, /Subject: Reset your .* password/);
  } finally {
    await local.close();
  }
});

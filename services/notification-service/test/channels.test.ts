import assert from 'node:assert/strict';
import { createECDH, randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import webpush from 'web-push';
import type { SmsSender } from '../src/channels/sms.ts';
import { sendDueMessages } from '../src/domain/delivery.ts';
import { type Harness, harness, type Receiver, startReceiver } from './helpers.ts';

const ece = createRequire(import.meta.url)('http_ece') as {
  decrypt(buffer: Buffer, params: { version: string; privateKey: unknown; authSecret: string }): Buffer;
};

/** Sends everything due now, as the channel worker would, until nothing is left. */
async function drain(h: Harness): Promise<void> {
  while ((await sendDueMessages(h.ctx)) > 0) {}
}

describe('channels, preferences, quiet hours and digests', () => {
  let h: Harness;
  let pushService: Receiver;
  // SMS: a real provider cannot run here, so this test double stands behind the SmsSender port.
  const texts: { to: string; text: string; id: string }[] = [];
  const smsDouble: SmsSender = {
    async send(message) {
      texts.push(message);
    },
  };
  const vapid = webpush.generateVAPIDKeys();

  before(async () => {
    // A local HTTP receiver plays the browser vendor's push service (RFC 8030 endpoint).
    pushService = await startReceiver();
    pushService.respond = (_request, response) => {
      response.writeHead(201).end();
    };
    h = await harness(
      {
        WEBHOOK_ALLOW_PRIVATE: `127.0.0.1:${pushService.port}`,
        VAPID_PUBLIC_KEY: vapid.publicKey,
        VAPID_PRIVATE_KEY: vapid.privateKey,
      },
      { sms: smsDouble },
    );
  });
  after(async () => {
    await h.close();
    await pushService.close();
  });

  test('an immediate email carries the notification and a signed one-click unsubscribe link that works', async () => {
    const student = await h.user();
    await h.enroll(student, randomUUID());
    await drain(h);
    const [mail] = await h.mails(student.email);
    assert.ok(mail, 'a mail was written');
    assert.equal(mail.subject, 'You were enrolled in a course');
    assert.equal(mail.headers['List-Unsubscribe-Post'], 'List-Unsubscribe=One-Click');
    const link = mail.headers['List-Unsubscribe'].slice(1, -1);
    const url = new URL(link);
    assert.equal(url.pathname, '/unsubscribe');
    // A forged or altered token is refused.
    const forged = await h.call(
      undefined,
      'POST',
      `/unsubscribe?token=${url.searchParams.get('token')!.slice(0, -2)}xx`,
    );
    assert.equal(forged.status, 400);
    // RFC 8058: the mail client POSTs List-Unsubscribe=One-Click to the link.
    const response = await h.app.inject({
      method: 'POST',
      url: `/unsubscribe?${url.searchParams}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { category: 'enrollment', channel: 'email', frequency: 'never' });
    const prefs = (await h.call(student, 'GET', '/preferences')).body.preferences;
    assert.equal(
      prefs.find(
        (p: { category: string; channel: string }) => p.category === 'enrollment' && p.channel === 'email',
      ).frequency,
      'never',
    );
    await h.enroll(student, randomUUID());
    await drain(h);
    assert.equal((await h.mails(student.email)).length, 1, 'no second mail after unsubscribing');
    assert.equal(
      (await h.call(student, 'GET', '/notifications')).body.items.length,
      2,
      'the inbox still fills',
    );
  });

  test('"never" sends nothing on that channel; a tenant default applies until the user chooses', async () => {
    const admin = await h.user(['tenant_admin']);
    const student = await h.user();
    const put = await h.call(admin, 'PUT', '/preferences/tenant-defaults', {
      preferences: [{ category: 'announcement', channel: 'email', frequency: 'never' }],
    });
    assert.equal(put.status, 200);
    assert.equal(
      (await h.call(student, 'PUT', '/preferences/tenant-defaults', { preferences: [] })).status,
      403,
    );
    const courseId = randomUUID();
    await h.call(student, 'PUT', '/preferences', {
      preferences: [{ category: 'enrollment', channel: 'email', frequency: 'never' }],
    });
    await h.enroll(student, courseId);
    await drain(h);
    const before = (await h.mails(student.email)).length;
    await h.call(admin, 'POST', `/courses/${courseId}/announcements`, {
      title: 'No mail for this',
      body: '',
    });
    await drain(h);
    assert.equal((await h.mails(student.email)).length, before, 'tenant default never: no mail');
    await h.call(student, 'PUT', '/preferences', {
      preferences: [{ category: 'announcement', channel: 'email', frequency: 'immediately' }],
    });
    await h.call(admin, 'POST', `/courses/${courseId}/announcements`, { title: 'Mail for this', body: 'x' });
    await drain(h);
    const mails = await h.mails(student.email);
    assert.deepEqual(
      mails.map((m) => m.subject),
      ['Mail for this'],
      "the user's own choice wins",
    );
    // Another tenant's defaults never leak here.
    const other = await h.newTenant();
    const otherAdmin = await h.user(['tenant_admin'], other);
    const theirs = (await h.call(otherAdmin, 'GET', '/preferences/tenant-defaults')).body.preferences;
    assert.equal(
      theirs.find(
        (p: { category: string; channel: string }) => p.category === 'announcement' && p.channel === 'email',
      ).frequency,
      'immediately',
    );
  });

  test('quiet hours in the user’s time zone hold mail until they end', async () => {
    const student = await h.user();
    // 23:30 in Tokyo = 14:30 UTC; quiet 22:00–07:00 local → due at 22:00 UTC.
    h.clock.set(new Date('2026-12-01T14:30:00Z'));
    try {
      const saved = await h.call(student, 'PUT', '/preferences', {
        settings: { timeZone: 'Asia/Tokyo', quietHoursStart: '22:00', quietHoursEnd: '07:00' },
      });
      assert.equal(saved.status, 200);
      assert.equal(saved.body.settings.quietHoursStart, '22:00');
      await h.enroll(student, randomUUID());
      await drain(h);
      assert.equal((await h.mails(student.email)).length, 0, 'held during quiet hours');
      h.clock.set(new Date('2026-12-01T22:00:01Z'));
      await drain(h);
      assert.equal((await h.mails(student.email)).length, 1, 'sent when they end');
      const bad = await h.call(student, 'PUT', '/preferences', { settings: { timeZone: 'Mars/Olympus' } });
      assert.equal(bad.status, 400);
      assert.equal(
        (await h.call(student, 'PUT', '/preferences', { settings: { quietHoursStart: '25:00' } })).status,
        400,
      );
    } finally {
      h.clock.set(new Date());
    }
  });

  test('a daily digest sends one mail per user per period, however many notifications and senders', async () => {
    const student = await h.user();
    h.clock.set(new Date('2026-12-02T09:00:00Z'));
    try {
      await h.call(student, 'PUT', '/preferences', {
        preferences: [{ category: 'enrollment', channel: 'email', frequency: 'daily' }],
      });
      for (let i = 0; i < 4; i++) await h.enroll(student, randomUUID());
      await drain(h);
      assert.equal((await h.mails(student.email)).length, 0, 'nothing before the day ends');
      h.clock.set(new Date('2026-12-03T00:00:05Z'));
      await Promise.all([drain(h), drain(h), drain(h)]);
      const mails = await h.mails(student.email);
      assert.equal(mails.length, 1);
      assert.equal(mails[0].kind, 'digest');
      assert.match(mails[0].subject, /daily EduSpry digest: 4 notifications/);
      await drain(h);
      assert.equal((await h.mails(student.email)).length, 1);
    } finally {
      h.clock.set(new Date());
    }
  });

  test('web push goes to the subscribed endpoint, VAPID-signed and encrypted for that browser only', async () => {
    const student = await h.user();
    const browser = createECDH('prime256v1');
    browser.generateKeys();
    const authSecret = randomBytes(16).toString('base64url');
    const subscribed = await h.call(student, 'POST', '/push-subscriptions', {
      endpoint: `${pushService.url}/push/${randomUUID()}`,
      keys: { p256dh: browser.getPublicKey().toString('base64url'), auth: authSecret },
    });
    assert.equal(subscribed.status, 201);
    const refused = await h.call(student, 'POST', '/push-subscriptions', {
      endpoint: 'http://169.254.169.254/latest/meta-data',
      keys: { p256dh: 'x', auth: 'y' },
    });
    assert.equal(refused.status, 422);
    pushService.requests.length = 0;
    await h.enroll(student, randomUUID());
    await drain(h);
    const [request] = pushService.requests;
    assert.ok(request, 'the push service was called');
    assert.match(String(request.headers.authorization), /^vapid t=[\w-]+\.[\w-]+\.[\w-]+, k=/);
    assert.equal(request.headers['content-encoding'], 'aes128gcm');
    const clear = JSON.parse(
      ece.decrypt(request.raw, { version: 'aes128gcm', privateKey: browser, authSecret }).toString(),
    );
    assert.equal(clear.title, 'You were enrolled in a course');
  });

  test('SMS goes through the provider port when the user opted in and has a number', async () => {
    const student = await h.user();
    await h.call(student, 'PUT', '/preferences', {
      preferences: [{ category: 'enrollment', channel: 'sms', frequency: 'immediately' }],
      settings: { phone: '+15551234567' },
    });
    await h.enroll(student, randomUUID());
    await drain(h);
    const mine = texts.filter((text) => text.to === '+15551234567');
    assert.equal(mine.length, 1);
    assert.match(mine[0]!.text, /You were enrolled/);
    assert.equal((await h.call(student, 'PUT', '/preferences', { settings: { phone: '555' } })).status, 400);
  });
});

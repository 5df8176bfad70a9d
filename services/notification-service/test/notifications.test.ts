import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { BROADCAST_MAX_MESSAGES, createRealtimeClient } from '@eduspry/common';
import { createEvent } from '@eduspry/contracts';
import { createEventBus } from '@eduspry/event-bus';
import { subscribeToDomainEvents } from '../src/consumers/domain-events.ts';
import { pushLiveBatch } from '../src/domain/delivery.ts';
import { type Harness, harness, type Receiver, startReceiver, until } from './helpers.ts';

const REALTIME_KEY = 'test-realtime-key-0123456789';

describe('notifications core', () => {
  let h: Harness;
  let realtime: Receiver;
  before(async () => {
    // A tiny local HTTP receiver stands in for realtime-service's POST /api/broadcast (built in parallel).
    realtime = await startReceiver();
    realtime.respond = (_request, response) => {
      response.writeHead(202).end();
    };
    h = await harness({
      REALTIME_SERVICE_URL: realtime.url,
      REALTIME_SERVICE_KEY: REALTIME_KEY,
      REALTIME_TIMEOUT_MS: '2000',
    });
  });
  after(async () => {
    await h.close();
    await realtime.close();
  });

  test('an enrollment event notifies the enrolled user exactly once, however often it arrives', async () => {
    const student = await h.user();
    const courseId = randomUUID();
    const event = await h.enroll(student, courseId);
    // Redelivery bypassing the bus's processed_events: the (user, cause) key still holds.
    assert.equal(await h.apply(event), 0);
    assert.equal(await h.apply(event), 0);
    const inbox = await h.call(student, 'GET', '/notifications');
    assert.equal(inbox.status, 200);
    assert.equal(inbox.body.items.length, 1);
    assert.equal(inbox.body.items[0].category, 'enrollment');
    assert.equal(inbox.body.items[0].link, `/courses/${courseId}`);
    assert.equal(inbox.body.unread, 1);
  });

  test('events published on the bus reach the inbox through the consumer, once', async () => {
    const bus = createEventBus({ sql: h.sql, service: 'notification-service', kafkaBrokers: '' });
    const subscriptions = await subscribeToDomainEvents(bus, h.ctx);
    try {
      const student = await h.user();
      const courseId = randomUUID();
      const event = createEvent('course.management.enrollment_changed', {
        tenantId: h.tenant.id,
        data: { userId: student.id, courseId, action: 'enrolled', timestamp: new Date().toISOString() },
      });
      const record = { topic: 'eduspry.course', key: courseId, event, headers: {} };
      await bus.publish([record]);
      await bus.publish([record]); // a relay that crashed after publishing publishes again
      await until(async () => (await h.call(student, 'GET', '/notifications')).body.items.length === 1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal((await h.call(student, 'GET', '/notifications/unread-count')).body.unread, 1);
    } finally {
      await Promise.all(subscriptions.map((subscription) => subscription.stop()));
      await bus.close();
    }
  });

  test('a user sees and marks only their own notifications', async () => {
    const [alice, bob] = [await h.user(), await h.user()];
    await h.enroll(alice, randomUUID());
    const [mine] = (await h.call(alice, 'GET', '/notifications')).body.items;
    assert.equal((await h.call(bob, 'GET', '/notifications')).body.items.length, 0);
    assert.equal((await h.call(bob, 'POST', `/notifications/${mine.id}/read`)).status, 404);
    assert.equal((await h.call(bob, 'GET', '/notifications/unread-count')).body.unread, 0);
    const marked = await h.call(alice, 'POST', `/notifications/${mine.id}/read`);
    assert.equal(marked.status, 200);
    assert.equal(marked.body.unread, 0);
    const again = await h.call(alice, 'GET', '/notifications');
    assert.ok(again.body.items[0].readAt);
  });

  test("RLS keeps another tenant's notifications out even of a query without a user filter", async () => {
    const other = await h.newTenant();
    const outsider = await h.user(['student'], other);
    await h.enroll(outsider, randomUUID());
    const me = await h.user();
    const { withTenant } = await import('@eduspry/common');
    const rows = await withTenant(h.sql, me.claims, (tx) => tx`select id from notification.notifications`);
    assert.equal(rows.length, 0);
    const theirs = await withTenant(
      h.sql,
      outsider.claims,
      (tx) => tx`select id from notification.notifications`,
    );
    assert.equal(theirs.length, 1);
  });

  test('mark all read, paging and bad input answer as problems, never 5xx', async () => {
    const student = await h.user();
    for (let i = 0; i < 3; i++) await h.enroll(student, randomUUID());
    const page = await h.call(student, 'GET', '/notifications?limit=2');
    assert.equal(page.body.items.length, 2);
    assert.ok(page.body.nextBefore);
    assert.equal((await h.call(student, 'POST', '/notifications/read-all')).body.marked, 3);
    for (const url of [
      '/notifications?limit=0',
      '/notifications?before=yesterday',
      '/notifications/not-a-uuid/read',
    ]) {
      const response = await h.call(student, url.endsWith('read') ? 'POST' : 'GET', url);
      assert.equal(response.status, 400, url);
      assert.match(String(response.headers['content-type']), /problem\+json/);
    }
    assert.equal((await h.call(undefined, 'GET', '/notifications')).status, 401);
  });

  test('new inbox entries are pushed live to user:<id> through realtime-service, with the key', async () => {
    const student = await h.user();
    await h.enroll(student, randomUUID());
    // As the worker loop does, a failed push (e.g. a slow answer on a loaded machine) is retried.
    await until(async () => {
      await pushLiveBatch(h.ctx).catch(() => 0);
      return realtime.requests.some((request) => request.body.includes(`user:${student.id}`));
    });
    const request = realtime.requests.find((r) => r.body.includes(`user:${student.id}`))!;
    assert.equal(request.url, '/api/broadcast');
    assert.equal(request.headers.authorization, `Bearer ${REALTIME_KEY}`);
    const { messages } = JSON.parse(request.body);
    const mine = messages.find((m: { topic: string }) => m.topic === `user:${student.id}`);
    assert.equal(mine.event, 'notification');
    assert.equal(mine.private, true);
    assert.equal(mine.payload.category, 'enrollment');
    assert.equal(mine.payload.unread, 1);
  });

  test('a backlog larger than one broadcast request goes out in requests realtime-service accepts', async () => {
    // The stand-in refuses more than the real endpoint takes, as realtime-service answers 400.
    realtime.respond = (_request, response, body) => {
      const { messages } = JSON.parse(body);
      response.writeHead(messages.length > BROADCAST_MAX_MESSAGES ? 400 : 202).end();
    };
    realtime.requests.length = 0;
    const port = createRealtimeClient({ url: realtime.url, key: REALTIME_KEY, timeoutMs: 2000 });
    const messages = Array.from({ length: 2 * BROADCAST_MAX_MESSAGES + 50 }, (_, i) => ({
      topic: `user:${randomUUID()}`,
      event: 'notification',
      private: true,
      payload: { i },
    }));
    await port.broadcast(messages);
    const sent = realtime.requests.flatMap((request) => JSON.parse(request.body).messages);
    assert.equal(realtime.requests.length, 3);
    assert.deepEqual(
      sent.map((m: { payload: { i: number } }) => m.payload.i),
      messages.map((m) => m.payload.i),
    );
    realtime.respond = (_request, response) => {
      response.writeHead(202).end();
    };
  });

  test('realtime-service down: the inbox still fills and the push goes out when it is back', async () => {
    realtime.respond = (_request, response) => {
      response.writeHead(503).end();
    };
    const student = await h.user();
    await h.enroll(student, randomUUID());
    await assert.rejects(() => pushLiveBatch(h.ctx));
    assert.equal((await h.call(student, 'GET', '/notifications')).body.items.length, 1);
    realtime.respond = (_request, response) => {
      response.writeHead(202).end();
    };
    realtime.requests.length = 0;
    await until(async () => {
      await pushLiveBatch(h.ctx);
      return realtime.requests.some((request) => request.body.includes(`user:${student.id}`));
    });
  });

  test('staff announce to their course: every member but the author gets it, others are refused', async () => {
    const courseId = randomUUID();
    const teacher = await h.user(['instructor']);
    await h.enroll(teacher, courseId);
    const students = await Promise.all([h.user(), h.user(), h.user()]);
    for (const student of students) await h.enroll(student, courseId);
    const outsider = await h.user(['instructor']);
    const body = { title: 'Quiz moved to Friday', body: 'See the course page.' };
    assert.equal((await h.call(outsider, 'POST', `/courses/${courseId}/announcements`, body)).status, 403);
    assert.equal((await h.call(students[0], 'POST', `/courses/${courseId}/announcements`, body)).status, 403);
    const created = await h.call(teacher, 'POST', `/courses/${courseId}/announcements`, body);
    assert.equal(created.status, 201);
    assert.equal(created.body.recipients, 3);
    for (const student of students) {
      const inbox = (await h.call(student, 'GET', '/notifications?unread=true')).body.items;
      assert.ok(
        inbox.some(
          (item: { title: string; category: string }) =>
            item.title === body.title && item.category === 'announcement',
        ),
      );
    }
    const teacherInbox = (await h.call(teacher, 'GET', '/notifications')).body.items;
    assert.ok(!teacherInbox.some((item: { category: string }) => item.category === 'announcement'));
    const nul = await h.call(teacher, 'POST', `/courses/${courseId}/announcements`, {
      title: 'a\u0000b',
      body: '',
    });
    assert.equal(nul.status, 400);
    const huge = await h.call(teacher, 'POST', `/courses/${courseId}/announcements`, {
      title: 'x',
      body: 'y'.repeat(30_000),
    });
    assert.equal(huge.status, 400);
  });

  test('an unenrolled student no longer receives course announcements', async () => {
    const courseId = randomUUID();
    const admin = await h.user(['tenant_admin']);
    const [stays, leaves] = [await h.user(), await h.user()];
    await h.enroll(stays, courseId);
    await h.enroll(leaves, courseId);
    await h.enroll(leaves, courseId, 'unenrolled');
    const created = await h.call(admin, 'POST', `/courses/${courseId}/announcements`, {
      title: 'Hello',
      body: '',
    });
    assert.equal(created.body.recipients, 1);
    assert.equal(
      (await h.call(leaves, 'GET', '/notifications?unread=true')).body.items.filter(
        (i: { category: string }) => i.category === 'announcement',
      ).length,
      0,
    );
  });

  test('future event types (grade_posted) notify by the same rule, once per cause', async () => {
    const student = await h.user();
    const event = {
      eventId: randomUUID(),
      tenantId: h.tenant.id,
      timestamp: new Date().toISOString(),
      eventType: 'assessment.grading.grade_posted',
      version: 1,
      data: { userId: student.id, courseId: randomUUID(), assessmentId: randomUUID() },
    };
    assert.equal(await h.apply(event), 1);
    assert.equal(await h.apply(event), 0);
    const [item] = (await h.call(student, 'GET', '/notifications')).body.items;
    assert.equal(item.category, 'grade');
  });
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { adminDb } from '@eduspry/common/testing';
import { createEvent } from '@eduspry/contracts';
import { createEventBus, topicFor } from '@eduspry/event-bus';
import { consumeEnrollments } from '../src/consumers/enrollments.ts';
import {
  client,
  SERVICE_KEY,
  sleep,
  startServer,
  subscribed,
  subscribeOutcome,
  testAuth,
  waitFor,
} from './helpers.ts';

const admin = adminDb();
const auth = await testAuth();
const server = await startServer(auth);
// course-service's side of the contract: enrolment events on the Postgres event log.
const producer = createEventBus({ sql: admin, service: 'course-service', kafkaBrokers: '' });
const consumer = createEventBus({ sql: server.sql, service: 'realtime-service', kafkaBrokers: '' });
const enrollments = await consumeEnrollments(consumer);
const clients: { disconnect(): unknown }[] = [];
after(async () => {
  for (const c of clients) c.disconnect();
  await enrollments.stop();
  await consumer.close();
  await producer.close();
  await server.close();
  await admin.end();
});
const connect = (token: string) => {
  const c = client(server, token);
  clients.push(c);
  return c;
};

async function enrollmentChanged(
  tenantId: string,
  courseId: string,
  userId: string,
  action: 'enrolled' | 'unenrolled',
  role: string | null = null,
) {
  const event = createEvent('course.management.enrollment_changed', {
    tenantId,
    data: { userId, courseId, action, timestamp: new Date().toISOString(), role },
  });
  await producer.publish([{ topic: topicFor(event.eventType), key: courseId, event, headers: {} }]);
}

async function memberRow(courseId: string, userId: string): Promise<boolean> {
  const rows =
    await admin`select 1 from live.course_members where course_id = ${courseId} and user_id = ${userId}`;
  return rows.length > 0;
}

const serverBroadcast = (messages: unknown[]) =>
  server.realtime.app.inject({
    method: 'POST',
    url: '/api/broadcast',
    headers: { authorization: `Bearer ${SERVICE_KEY}` },
    payload: { messages },
  });

test("a subscriber never receives another tenant's broadcast or presence on a topic of the same name", async () => {
  const [riverside, lakeside] = [randomUUID(), randomUUID()];
  const room = `room-${randomUUID()}`;
  const ours = connect(await auth.tokenFor(riverside));
  const theirs = connect(await auth.tokenFor(lakeside));
  const got: unknown[] = [];
  const mine = ours.channel(room, { config: { presence: { key: 'river' } } });
  mine.on('broadcast', { event: 'msg' }, (message) => got.push(message));
  mine.on('presence', { event: 'sync' }, () => {});
  const other = theirs.channel(room, { config: { presence: { key: 'lake' } } });
  other.on('presence', { event: 'sync' }, () => {});
  await Promise.all([subscribed(mine), subscribed(other)]);
  await other.track({ secret: 'lakeside' });
  await other.send({ type: 'broadcast', event: 'msg', payload: { from: 'lakeside' } });
  assert.equal(
    (
      await serverBroadcast([
        { topic: room, event: 'msg', payload: { from: 'lake-service' }, tenant_id: lakeside },
      ])
    ).statusCode,
    202,
  );
  await mine.track({ here: true });
  await waitFor('own presence arrives', () => (mine.presenceState() as Record<string, unknown>).river);
  await sleep(200);
  assert.deepEqual(got, []);
  assert.deepEqual(Object.keys(mine.presenceState()), ['river']);
  assert.deepEqual(Object.keys(other.presenceState()), ['lake']);
});

test('user:<id> is private to that user: another user, and a public join, are refused', async () => {
  const tenantId = randomUUID();
  const userId = randomUUID();
  const topic = `user:${userId}`;
  const owner = connect(await auth.tokenFor(tenantId, ['student'], userId));
  const got: unknown[] = [];
  const own = owner.channel(topic, { config: { private: true } });
  own.on('broadcast', { event: 'notification' }, (message) => got.push(message));
  await subscribed(own);

  const snoop = connect(await auth.tokenFor(tenantId, ['tenant_admin']));
  assert.match(
    await subscribeOutcome(snoop.channel(topic, { config: { private: true } })),
    /CHANNEL_ERROR: Unauthorized: You do not have permissions to read/,
  );
  const publicJoin = connect(await auth.tokenFor(tenantId, ['tenant_admin']));
  assert.match(await subscribeOutcome(publicJoin.channel(topic)), /must be joined as a private channel/);
  const sameIdOtherTenant = connect(await auth.tokenFor(randomUUID(), ['student'], randomUUID()));
  assert.match(
    await subscribeOutcome(sameIdOtherTenant.channel(topic, { config: { private: true } })),
    /Unauthorized/,
  );

  assert.equal(
    (await serverBroadcast([{ topic, event: 'notification', payload: { title: 'Graded' }, private: true }]))
      .statusCode,
    202,
  );
  await waitFor('the owner gets the notification', () => got.length === 1);
  assert.deepEqual((got[0] as { payload: unknown }).payload, { title: 'Graded' });
});

test('course:<id> admits the members course-service enrolled (from its events), not others, until unenrolled', async () => {
  const [tenantId, otherTenant] = [randomUUID(), randomUUID()];
  const courseId = randomUUID();
  const [student, outsider] = [randomUUID(), randomUUID()];
  await enrollmentChanged(tenantId, courseId, student, 'enrolled');
  const deadline = Date.now() + 8000;
  while (!(await memberRow(courseId, student))) {
    if (Date.now() > deadline) throw new Error('the enrolment event was not consumed');
    await sleep(50);
  }
  const topic = `course:${courseId}`;
  const member = connect(await auth.tokenFor(tenantId, ['student'], student));
  const got: unknown[] = [];
  const channel = member.channel(topic, { config: { private: true, presence: { key: student } } });
  channel.on('broadcast', { event: 'announcement' }, (message) => got.push(message));
  channel.on('presence', { event: 'sync' }, () => {});
  await subscribed(channel);
  await channel.track({ role: 'student' });

  const stranger = connect(await auth.tokenFor(tenantId, ['student'], outsider));
  assert.match(
    await subscribeOutcome(stranger.channel(topic, { config: { private: true } })),
    /Unauthorized/,
  );
  // The enrolled user's id with a token of another tenant: membership is per tenant.
  const crossTenant = connect(await auth.tokenFor(otherTenant, ['student'], student));
  assert.match(
    await subscribeOutcome(crossTenant.channel(topic, { config: { private: true } })),
    /Unauthorized/,
  );

  assert.equal(
    (await serverBroadcast([{ topic, event: 'announcement', payload: { text: 'Quiz moved' } }])).statusCode,
    202,
  );
  await waitFor('the member gets the announcement', () => got.length === 1);

  await enrollmentChanged(tenantId, courseId, student, 'unenrolled');
  const gone = Date.now() + 8000;
  while (await memberRow(courseId, student)) {
    if (Date.now() > gone) throw new Error('the unenrolment event was not consumed');
    await sleep(50);
  }
  const later = connect(await auth.tokenFor(tenantId, ['student'], student));
  assert.match(await subscribeOutcome(later.channel(topic, { config: { private: true } })), /Unauthorized/);
});

test('a policy added in the database decides who may send on a private channel', async () => {
  const tenantId = randomUUID();
  const topic = `readonly-${randomUUID()}`;
  // A deployment's own rule, Supabase-style: on this topic only tenant admins may write.
  await admin.unsafe(`
    create policy readonly_topic_${topic.slice(9, 17)} on live.messages as restrictive for insert to authenticated
    with check (topic <> '${topic}' or (select eduspry.has_role('tenant_admin')))`);
  const reader = connect(await auth.tokenFor(tenantId, ['student']));
  const writer = connect(await auth.tokenFor(tenantId, ['tenant_admin']));
  const got: unknown[] = [];
  const r = reader.channel(topic, { config: { private: true, broadcast: { ack: true } } });
  r.on('broadcast', { event: 'm' }, (message) => got.push(message));
  const w = writer.channel(topic, { config: { private: true, broadcast: { ack: true } } });
  await Promise.all([subscribed(r), subscribed(w)]);
  assert.equal(await r.send({ type: 'broadcast', event: 'm', payload: { from: 'student' } }), 'error');
  assert.equal(await w.send({ type: 'broadcast', event: 'm', payload: { from: 'admin' } }), 'ok');
  await waitFor('the admin message arrives', () => got.length === 1);
  await sleep(100);
  assert.deepEqual(
    got.map((m) => (m as { payload: unknown }).payload),
    [{ from: 'admin' }],
  );
});

test('the tenant’s presence privacy decides who shows on course:<id>: everyone, its staff only, or nobody', async () => {
  const [tenantId, otherTenant] = [randomUUID(), randomUUID()];
  const courseId = randomUUID();
  const [teacher, student] = [randomUUID(), randomUUID()];
  await enrollmentChanged(tenantId, courseId, teacher, 'enrolled', 'teacher');
  await enrollmentChanged(tenantId, courseId, student, 'enrolled', 'student');
  const deadline = Date.now() + 8000;
  while (!(await memberRow(courseId, teacher)) || !(await memberRow(courseId, student))) {
    if (Date.now() > deadline) throw new Error('the enrolment events were not consumed');
    await sleep(50);
  }
  const topic = `course:${courseId}`;
  const settings = (token: string, method: 'GET' | 'PUT', payload?: unknown) =>
    server.realtime.app.inject({
      method,
      url: '/settings/presence',
      headers: { authorization: `Bearer ${token}` },
      ...(payload === undefined ? {} : { payload: payload as never }),
    });
  const [adminToken, studentToken, teacherToken] = await Promise.all([
    auth.tokenFor(tenantId, ['tenant_admin']),
    auth.tokenFor(tenantId, ['student'], student),
    auth.tokenFor(tenantId, ['instructor'], teacher),
  ]);
  /** A fresh join of the course channel: the privacy is decided at join. */
  const join = async (token: string, key: string) => {
    const channel = connect(token).channel(topic, { config: { private: true, presence: { key } } });
    channel.on('presence', { event: 'sync' }, () => {});
    await subscribed(channel);
    return channel;
  };

  assert.deepEqual((await settings(studentToken, 'GET')).json(), { coursePresence: 'everyone' });
  const everyone = await join(studentToken, 'student');
  assert.equal(await everyone.track({ name: 'Sam' }), 'ok');
  await everyone.untrack();

  assert.equal((await settings(studentToken, 'PUT', { coursePresence: 'off' })).statusCode, 403);
  assert.equal((await settings(adminToken, 'PUT', { coursePresence: 'hidden' })).statusCode, 400);
  assert.equal((await settings(adminToken, 'PUT', { coursePresence: 'staff' })).statusCode, 200);
  assert.deepEqual((await settings(studentToken, 'GET')).json(), { coursePresence: 'staff' });
  const elsewhere = await auth.tokenFor(otherTenant, ['tenant_admin']);
  assert.deepEqual((await settings(elsewhere, 'GET')).json(), { coursePresence: 'everyone' });

  const watching = await join(studentToken, 'student');
  assert.equal(await watching.track({ name: 'Sam' }), 'error');
  const staff = await join(teacherToken, 'teacher');
  assert.equal(await staff.track({ name: 'Ms Rivera' }), 'ok');
  // The student still sees the staff who are here; nobody sees the student.
  await waitFor('the student sees the teacher', () =>
    Object.keys(watching.presenceState()).includes('teacher'),
  );
  assert.deepEqual(Object.keys(staff.presenceState()), ['teacher']);

  assert.equal((await settings(adminToken, 'PUT', { coursePresence: 'off' })).statusCode, 200);
  const hidden = await join(teacherToken, 'teacher-again');
  assert.equal(await hidden.track({ name: 'Ms Rivera' }), 'error');
});

test("course-staff:<id> admits the course's teachers and TAs and the tenant's admins, never its students", async () => {
  const [tenantId, otherTenant] = [randomUUID(), randomUUID()];
  const courseId = randomUUID();
  const [teacher, ta, student] = [randomUUID(), randomUUID(), randomUUID()];
  await enrollmentChanged(tenantId, courseId, teacher, 'enrolled', 'teacher');
  await enrollmentChanged(tenantId, courseId, ta, 'enrolled', 'ta');
  await enrollmentChanged(tenantId, courseId, student, 'enrolled', 'student');
  const deadline = Date.now() + 8000;
  while (!(await Promise.all([teacher, ta, student].map((id) => memberRow(courseId, id)))).every(Boolean)) {
    if (Date.now() > deadline) throw new Error('the enrolment events were not consumed');
    await sleep(50);
  }
  const topic = `course-staff:${courseId}`;
  const join = async (token: string) => {
    const got: unknown[] = [];
    const channel = connect(token).channel(topic, { config: { private: true } });
    channel.on('broadcast', { event: 'quiz_progress' }, (message) => got.push(message.payload));
    return { outcome: await subscribeOutcome(channel), got };
  };
  const admitted = await Promise.all([
    join(await auth.tokenFor(tenantId, ['instructor'], teacher)),
    join(await auth.tokenFor(tenantId, ['instructor'], ta)),
    join(await auth.tokenFor(tenantId, ['tenant_admin'])),
  ]);
  for (const { outcome } of admitted) assert.equal(outcome, 'SUBSCRIBED');
  const refused = [
    // A student of the course, an instructor of the tenant who does not teach it, another
    // tenant's admin, and a public join.
    await auth.tokenFor(tenantId, ['student'], student),
    await auth.tokenFor(tenantId, ['instructor']),
    await auth.tokenFor(otherTenant, ['tenant_admin']),
  ];
  const refusedGot: unknown[][] = [];
  for (const token of refused) {
    const { outcome, got } = await join(token);
    assert.match(outcome, /Unauthorized/);
    refusedGot.push(got);
  }
  assert.match(
    await subscribeOutcome(connect(await auth.tokenFor(tenantId, ['student'], student)).channel(topic)),
    /must be joined as a private channel/,
  );

  const progress = { quizId: randomUUID(), attempts: [{ userId: student, position: 2 }] };
  const sent = await serverBroadcast([{ topic, event: 'quiz_progress', payload: progress, private: true }]);
  assert.equal(sent.statusCode, 202);
  await waitFor('every member of staff gets the progress', () => admitted.every((a) => a.got.length === 1));
  for (const { got } of admitted) assert.deepEqual(got, [progress]);
  await sleep(200);
  assert.deepEqual(refusedGot, [[], [], []]);
});

// The instructor's live view of a running quiz, end to end: assessment-service broadcasts each
// attempt's progress through the real realtime-service (in process, its HTTP broadcast API and
// WebSocket), and the course's teacher reads it with the official @supabase/realtime-js client
// on the staff channel, which a student of the same course cannot join.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createRealtimeClient } from '@eduspry/common';
import { serviceDb } from '@eduspry/common/testing';
import { createLogger } from '@eduspry/logging';
import { RealtimeClient } from '@supabase/realtime-js';
import { buildApp as buildRealtimeApp, type RealtimeApp } from '../../realtime-service/src/app.ts';
import { memoryBus } from '../../realtime-service/src/cluster/bus.ts';
import { liveFeed } from '../src/domain/live.ts';
import { bankWith, rightAnswer } from './fixtures.ts';
import {
  courseWith,
  expectOk,
  type Harness,
  harness,
  type Json,
  placeQuiz,
  testVerifier,
} from './helpers.ts';

const SERVICE_KEY = 'live-test-service-key-0123456789';
const realtimeSql = serviceDb('realtime-service');
let realtime: RealtimeApp;
let realtimeUrl: string;
let h: Harness;
const sockets: RealtimeClient[] = [];
before(async () => {
  realtime = await buildRealtimeApp({
    sql: realtimeSql,
    logger: createLogger({ service: 'realtime-service', level: 'silent' }),
    tokenVerifier: testVerifier(),
    bus: memoryBus(),
    serviceKey: SERVICE_KEY,
  });
  await realtime.app.listen({ host: '127.0.0.1', port: 0 });
  realtimeUrl = `http://127.0.0.1:${(realtime.app.server.address() as AddressInfo).port}`;
  h = await harness({
    live: liveFeed({
      realtime: createRealtimeClient({ url: realtimeUrl, key: SERVICE_KEY, timeoutMs: 2000 }),
      intervalMs: 50,
      log: { warn: () => {} },
    }),
  });
});
after(async () => {
  for (const socket of sockets) socket.disconnect();
  await h.ctx.live.close();
  await h.close();
  await realtime.close();
  await realtimeSql.end();
});

/** Who is in the course as realtime-service knows it (its enrolment consumer is tested there). */
async function membersKnown(tenantId: string, courseId: string, members: [string, string][]) {
  for (const [userId, role] of members)
    await h.admin`
      insert into live.course_members (tenant_id, course_id, user_id, role)
      values (${tenantId}, ${courseId}, ${userId}, ${role})`;
}

function join(token: string, topic: string) {
  const socket = new RealtimeClient(`${realtimeUrl.replace('http', 'ws')}/realtime/v1`, {
    params: { apikey: 'unused' },
    timeout: 5000,
  });
  sockets.push(socket);
  void socket.setAuth(token);
  const got: Json[] = [];
  const channel = socket.channel(topic, { config: { private: true } });
  channel.on('broadcast', { event: 'quiz_progress' }, (message) => got.push(message.payload));
  const outcome = new Promise<string>((resolve) =>
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') resolve(status);
      else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') resolve(`${status}: ${error?.message}`);
    }),
  );
  return { outcome, got };
}

async function until<T>(what: string, check: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The newest progress of an attempt among the broadcasts received. */
const latest = (got: Json[], attemptId: string) =>
  got
    .flatMap((message) => message.attempts)
    .filter((a: Json) => a.attemptId === attemptId)
    .at(-1);

test('the teacher watches a running quiz live: who started, the question saved last, time left, submitted', async () => {
  const course = await courseWith(h, 2);
  const [ada, ben] = course.students as [Json, Json];
  const bank = await bankWith(h, course.teacher, course.courseId);
  const quiz = expectOk(
    await h.call(course.teacher, 'POST', `/courses/${course.courseId}/quizzes`, {
      title: 'Live quiz',
      timeLimitSeconds: 600,
      sections: [{ kind: 'fixed', questionIds: bank.questionIds.slice(0, 3) }],
    }),
    201,
  );
  await placeQuiz(h, course, quiz.id);
  await membersKnown(h.tenant.id, course.courseId, [
    [course.teacher.id, 'teacher'],
    [ada.id, 'student'],
    [ben.id, 'student'],
  ]);
  const topic = `course-staff:${course.courseId}`;
  const staff = join(course.teacher.token, topic);
  const snoop = join(ada.token, topic);
  assert.equal(await staff.outcome, 'SUBSCRIBED');
  assert.match(await snoop.outcome, /Unauthorized/, "a student cannot join the course's staff channel");

  const started = expectOk(await h.call(ada, 'POST', `/quizzes/${quiz.id}/attempts`, {}), 201);
  const onStart = await until('the start arrives', () => latest(staff.got, started.id));
  assert.equal(onStart.userId, ada.id);
  assert.equal(onStart.status, 'in_progress');
  assert.equal(onStart.questionCount, 3);
  assert.equal(onStart.position, null);
  assert.equal(onStart.deadlineAt, started.deadlineAt);

  const review = expectOk(await h.call(course.teacher, 'GET', `/attempts/${started.id}/review`));
  for (const position of [1, 2])
    expectOk(
      await h.call(ada, 'PUT', `/attempts/${started.id}/answers/${position}`, {
        answer: rightAnswer(review.questions[position]),
      }),
    );
  const onSave = await until('the saves arrive', () => {
    const update = latest(staff.got, started.id);
    return update?.position === 2 ? update : undefined;
  });
  assert.equal(onSave.answered, true);
  assert.ok(onSave.savedAt);

  // The snapshot a page starts from says the same, with which questions hold an answer.
  const snapshot = expectOk(await h.call(course.teacher, 'GET', `/quizzes/${quiz.id}/live`));
  assert.deepEqual(snapshot.channel, { topic, event: 'quiz_progress', private: true });
  const [row] = snapshot.attempts;
  assert.equal(snapshot.attempts.length, 1);
  assert.equal(row.attemptId, started.id);
  assert.equal(row.position, 2);
  assert.deepEqual(row.answeredPositions, [1, 2]);
  assert.equal(row.deadlineAt, started.deadlineAt);

  expectOk(await h.call(ada, 'POST', `/attempts/${started.id}/submit`));
  const onSubmit = await until('the submit arrives', () => {
    const update = latest(staff.got, started.id);
    return update?.status === 'submitted' ? update : undefined;
  });
  assert.equal(onSubmit.position, 2);
  assert.ok(onSubmit.submittedAt);

  // Progress is positions and times: no answer, score or key ever travels on the channel.
  const wire = JSON.stringify(staff.got);
  for (const secret of ['KEYSHAKESPEARE', 'answer"', 'score', 'correct', 'Paris'])
    assert.ok(!wire.includes(secret), secret);
  assert.deepEqual(snoop.got, []);

  // Staff only, and only this tenant's.
  assert.equal((await h.call(ben, 'GET', `/quizzes/${quiz.id}/live`)).status, 403);
  const stranger = await h.user(['instructor'], await h.newTenant());
  assert.equal((await h.call(stranger, 'GET', `/quizzes/${quiz.id}/live`)).status, 404);
});

/** One attempt's progress, for the feed's own tests (attemptId and position vary). */
const base = {
  quizId: 'q1',
  courseId: 'c1',
  userId: 'u1',
  number: 1,
  status: 'in_progress' as const,
  startedAt: new Date(0),
  deadlineAt: null,
  questionCount: 5,
  answered: true,
  savedAt: new Date(1),
  submittedAt: null,
  autoSubmitted: false,
};

test('saves coalesce per attempt: a burst of saves is one message per quiz per interval', async () => {
  const sent: Json[][] = [];
  const feed = liveFeed({
    realtime: {
      async broadcast(messages) {
        sent.push(messages);
      },
    },
    intervalMs: 60_000,
    log: { warn: () => {} },
  });
  for (let position = 0; position < 5; position++)
    for (const attemptId of ['a1', 'a2']) feed.progress({ ...base, attemptId, position });
  // a2 clears its first answer again: the page's answered count must lose it.
  feed.progress({ ...base, attemptId: 'a2', position: 0, answered: false });
  feed.progress({ ...base, attemptId: 'a3', quizId: 'q2', position: 0 });
  await feed.close();
  assert.equal(sent.length, 1);
  const [messages] = sent as [Json[]];
  assert.deepEqual(
    messages.map((m) => [
      m.topic,
      m.payload.quizId,
      m.payload.attempts.map((a: Json) => [a.attemptId, a.position]),
    ]),
    [
      [
        'course-staff:c1',
        'q1',
        [
          ['a1', 4],
          ['a2', 0],
        ],
      ],
      ['course-staff:c1', 'q2', [['a3', 0]]],
    ],
  );
  // Every save coalesced into the message is in `saved`, so none is lost to the page.
  const saved = (i: number) => messages[0].payload.attempts[i].saved;
  assert.deepEqual(
    saved(0),
    [0, 1, 2, 3, 4].map((position) => ({ position, answered: true })),
  );
  assert.deepEqual(saved(1), [
    { position: 0, answered: false },
    ...[1, 2, 3, 4].map((position) => ({ position, answered: true })),
  ]);
});

test('realtime-service down: progress waits and is delivered when it is back; saves never wait for it', async () => {
  let up = false;
  const delivered: Json[] = [];
  const feed = liveFeed({
    realtime: {
      async broadcast(messages) {
        if (!up) throw new Error('connection refused');
        delivered.push(...messages);
      },
    },
    intervalMs: 20,
    log: { warn: () => {} },
  });
  feed.progress({ ...base, attemptId: 'a1', position: 0 });
  await new Promise((resolve) => setTimeout(resolve, 100));
  feed.progress({ ...base, attemptId: 'a1', position: 3 });
  feed.progress({ ...base, attemptId: 'a2', position: 1 });
  up = true;
  await until('delivery once back', () => (delivered.length ? delivered : undefined));
  await feed.close();
  assert.deepEqual(
    delivered.flatMap((m) => m.payload.attempts.map((a: Json) => [a.attemptId, a.position, a.saved.length])),
    [
      ['a1', 3, 2],
      ['a2', 1, 1],
    ],
    'the newest state, and the saves of the failed send too',
  );
});

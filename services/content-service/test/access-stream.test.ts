// content-service asks many access questions at once over course-service's CheckAccessStream,
// and falls back to unary CheckAccess when the stream is not there (an older course-service).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { courseAccessService, loadCourseProto } from '../../course-service/src/grpc/server.ts';
import { authenticate } from '../../course-service/test/helpers.ts';
import { createCourseAccess } from '../src/clients/course-access.ts';
import { courseWithItems, type Harness, harness, PDF } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await harness();
});
after(() => h.close());

/** course-service's real handlers on a free port, counting calls; `withoutStream` drops the rpc. */
async function courseService(withoutStream = false) {
  const calls = { CheckAccess: 0, CheckAccessStream: 0 };
  const real = courseAccessService({ sql: h.course.sql, authenticate });
  const counted: grpc.UntypedServiceImplementation = {
    ...real,
    CheckAccess: ((call, callback) => {
      calls.CheckAccess++;
      (real.CheckAccess as grpc.handleUnaryCall<unknown, unknown>)(call, callback);
    }) satisfies grpc.handleUnaryCall<unknown, unknown>,
    CheckAccessStream: ((call) => {
      calls.CheckAccessStream++;
      (real.CheckAccessStream as grpc.handleBidiStreamingCall<unknown, unknown>)(call);
    }) satisfies grpc.handleBidiStreamingCall<unknown, unknown>,
  };
  if (withoutStream) delete counted.CheckAccessStream;
  const server = new grpc.Server();
  server.addService(loadCourseProto().CourseAccess.service, counted);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  const access = createCourseAccess({
    address: `127.0.0.1:${port}`,
    deadlineMs: 3000,
    cacheMs: 0,
    breakerThreshold: 5,
  });
  return {
    calls,
    access,
    close: () => {
      access.close();
      server.forceShutdown();
    },
  };
}

test('many checks go over one CheckAccessStream, and without the stream the same answers come unary', async () => {
  const { course, student, openItem, hiddenItem, lockedItem } = await courseWithItems(h);
  const targets = [
    { courseId: course.id, itemId: openItem.id },
    { courseId: course.id, itemId: lockedItem.id },
    { courseId: course.id, itemId: hiddenItem.id },
    { courseId: course.id, itemId: crypto.randomUUID() },
    { courseId: course.id },
    { courseId: course.id, itemId: openItem.id }, // asked twice: one check
  ];
  const expected = [
    { allowed: true, reason: 'enrolled' },
    { allowed: false, reason: 'locked-until-date' },
    { allowed: false, reason: 'item-not-published' },
    { allowed: false, reason: 'not-found' },
    { allowed: true, reason: 'enrolled' },
    { allowed: true, reason: 'enrolled' },
  ];

  const current = await courseService();
  assert.deepEqual(await current.access.checkMany(student, targets), expected);
  assert.deepEqual(current.calls, { CheckAccess: 0, CheckAccessStream: 1 });
  // One target is no stream: a plain CheckAccess.
  await current.access.checkMany(student, targets.slice(0, 1));
  assert.deepEqual(current.calls, { CheckAccess: 1, CheckAccessStream: 1 });
  current.close();

  const older = await courseService(true);
  assert.deepEqual(await older.access.checkMany(student, targets), expected);
  assert.equal(older.calls.CheckAccess, 5, 'each distinct check unary');
  // Refused once, the client stays on unary calls instead of asking for the stream every time.
  assert.deepEqual(await older.access.checkMany(student, targets), expected);
  assert.equal(older.calls.CheckAccess, 10);
  older.close();
});

test('a stream refused for the token is a 401, not a fallback', async () => {
  const { course } = await courseWithItems(h);
  const current = await courseService();
  const claims = {
    sub: crypto.randomUUID(),
    role: 'authenticated' as const,
    app_metadata: { tenant_id: crypto.randomUUID(), roles: [] },
  };
  await assert.rejects(
    current.access.checkMany({ token: 'not-a-token', claims }, [
      { courseId: course.id },
      { courseId: crypto.randomUUID() },
    ]),
    { code: 'unauthorized' },
  );
  assert.equal(current.calls.CheckAccess, 0);
  current.close();
});

test('listing a course’s files asks about all its items at once and shows only the open ones', async () => {
  const { course, teacher, student, openItem, hiddenItem, lockedItem } = await courseWithItems(h);
  for (const item of [openItem, hiddenItem, lockedItem]) {
    const uploaded = await h.upload(teacher, `/courses/${course.id}/files?itemId=${item.id}`, {
      name: 'notes.pdf',
      bytes: PDF(item.id),
    });
    assert.equal(uploaded.status, 201, JSON.stringify(uploaded.body));
  }
  const listed = await h.call(
    student,
    'GET',
    `/courses/${course.id}/files?itemIds=${openItem.id},${hiddenItem.id},${lockedItem.id}`,
  );
  assert.equal(listed.status, 200);
  assert.deepEqual(
    listed.body.files.map((file: { itemId: string }) => file.itemId),
    [openItem.id],
  );
  const asStaff = await h.call(teacher, 'GET', `/courses/${course.id}/files`);
  assert.equal(asStaff.body.files.length, 3);
});

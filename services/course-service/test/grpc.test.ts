import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createDb, HttpProblem, type Sql } from '@eduspry/common';
import * as grpc from '@grpc/grpc-js';
import { loadCourseProto, startGrpcServer, toGrpcError } from '../src/grpc/server.ts';
import { authenticate, type Harness, harness, type Json, publishedCourse, type User } from './helpers.ts';

let h: Harness;
let grpcSql: Sql;
let server: { port: number; close: () => Promise<void> };
type UnaryCall = (
  request: object,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (error: grpc.ServiceError | null, response: Json) => void,
) => void;
let client: grpc.Client & Record<'CheckAccess' | 'GetEnrollment', UnaryCall>;

before(async () => {
  h = await harness();
  // Its own pool, so the deadline test can find exactly the gRPC server's queries.
  grpcSql = createDb(process.env.COURSE_SERVICE_DATABASE_URL!, {
    applicationName: 'eduspry-test-course-grpc',
    max: 4,
  });
  server = await startGrpcServer({ sql: grpcSql, authenticate, host: '127.0.0.1', port: 0 });
  const { CourseAccess } = loadCourseProto();
  client = new CourseAccess(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure()) as never;
});
after(async () => {
  client.close();
  await server.close();
  await grpcSql.end();
  await h.close();
});

function rpc(
  method: 'CheckAccess' | 'GetEnrollment',
  user: User | undefined,
  request: object,
  deadlineMs = 5000,
) {
  const metadata = new grpc.Metadata();
  if (user) metadata.set('authorization', `Bearer ${user.token}`);
  return new Promise<{ error: grpc.ServiceError | null; response: Json }>((resolve) => {
    client[method](
      request,
      metadata,
      { deadline: Date.now() + deadlineMs },
      (error: grpc.ServiceError | null, response: Json) => resolve({ error, response }),
    );
  });
}

async function lockedCourse() {
  const { course, teacher } = await publishedCourse(h);
  const open = await h.call(teacher, 'POST', `/courses/${course.id}/modules`, {
    title: 'Open',
    published: true,
  });
  const later = await h.call(teacher, 'POST', `/courses/${course.id}/modules`, {
    title: 'Later',
    published: true,
    unlockAt: new Date(Date.now() + 86_400_000).toISOString(),
  });
  const item = (moduleId: string) =>
    h.call(teacher, 'POST', `/courses/${course.id}/modules/${moduleId}/items`, {
      kind: 'file',
      title: 'Handout',
      fileId: crypto.randomUUID(),
      published: true,
    });
  const openItem = (await item(open.body.id)).body;
  const lockedItem = (await item(later.body.id)).body;
  const student = await h.user();
  await h.call(student, 'POST', `/courses/${course.id}/enrollments`, {});
  return { course, teacher, student, openItem, lockedItem };
}

test('CheckAccess over a real channel: enrolled students open open items, never locked ones', async () => {
  const { course, student, teacher, openItem, lockedItem } = await lockedCourse();
  const open = await rpc('CheckAccess', student, { course_id: course.id, item_id: openItem.id });
  assert.equal(open.error, null);
  assert.deepEqual(open.response, { allowed: true, reason: 'enrolled' });
  const locked = await rpc('CheckAccess', student, { course_id: course.id, item_id: lockedItem.id });
  assert.deepEqual(locked.response, { allowed: false, reason: 'locked-until-date' });
  const whole = await rpc('CheckAccess', student, { course_id: course.id });
  assert.deepEqual(whole.response, { allowed: true, reason: 'enrolled' });

  const stranger = await h.user();
  const notEnrolled = await rpc('CheckAccess', stranger, { course_id: course.id, item_id: openItem.id });
  assert.deepEqual(notEnrolled.response, { allowed: false, reason: 'not-enrolled' });

  // Staff ask about a student; the student's own enrolment decides.
  const asked = await rpc('CheckAccess', teacher, {
    user_id: student.id,
    course_id: course.id,
    item_id: lockedItem.id,
  });
  assert.deepEqual(asked.response, { allowed: false, reason: 'locked-until-date' });
  const staff = await rpc('CheckAccess', teacher, { course_id: course.id, item_id: lockedItem.id });
  assert.deepEqual(staff.response, { allowed: true, reason: 'staff' });
});

test('CheckAccess maps errors to gRPC status codes', async () => {
  const { course, student, openItem } = await lockedCourse();
  const noToken = await rpc('CheckAccess', undefined, { course_id: course.id });
  assert.equal(noToken.error?.code, grpc.status.UNAUTHENTICATED);
  const badId = await rpc('CheckAccess', student, { course_id: 'nope' });
  assert.equal(badId.error?.code, grpc.status.INVALID_ARGUMENT);
  const unknown = await rpc('CheckAccess', student, { course_id: crypto.randomUUID() });
  assert.equal(unknown.error?.code, grpc.status.NOT_FOUND);
  const unknownItem = await rpc('CheckAccess', student, {
    course_id: course.id,
    item_id: crypto.randomUUID(),
  });
  assert.equal(unknownItem.error?.code, grpc.status.NOT_FOUND);
  const other = await h.user();
  const aboutOther = await rpc('CheckAccess', student, {
    user_id: other.id,
    course_id: course.id,
    item_id: openItem.id,
  });
  assert.equal(aboutOther.error?.code, grpc.status.PERMISSION_DENIED);
  const expired = await rpc('CheckAccess', student, { course_id: course.id }, -1);
  assert.equal(expired.error?.code, grpc.status.DEADLINE_EXCEEDED);
});

test('CheckAccess never reveals another tenant’s course', async () => {
  const { course, openItem } = await lockedCourse();
  const other = await h.newTenant();
  const foreignAdmin = await h.user(['tenant_admin'], other);
  const answer = await rpc('CheckAccess', foreignAdmin, { course_id: course.id, item_id: openItem.id });
  assert.equal(answer.error?.code, grpc.status.NOT_FOUND);
  const enrollment = await rpc('GetEnrollment', foreignAdmin, {
    course_id: course.id,
    user_id: crypto.randomUUID(),
  });
  assert.equal(enrollment.error?.code, grpc.status.NOT_FOUND);
});

test('over gRPC too, drafts do not exist for students and a full course only waitlists', async () => {
  const teacher = await h.user(['instructor']);
  const draft = await h.call(teacher, 'POST', '/courses', { code: `G-${Date.now()}`, title: 'Draft' });
  const student = await h.user();
  assert.equal(
    (await rpc('CheckAccess', student, { course_id: draft.body.id })).error?.code,
    grpc.status.NOT_FOUND,
  );
  assert.deepEqual((await rpc('CheckAccess', teacher, { course_id: draft.body.id })).response, {
    allowed: true,
    reason: 'staff',
  });

  const { course } = await publishedCourse(h, { capacity: 1 });
  const [first, second] = [await h.user(), await h.user()];
  await h.call(first, 'POST', `/courses/${course.id}/enrollments`, {});
  await h.call(second, 'POST', `/courses/${course.id}/enrollments`, {});
  assert.deepEqual((await rpc('CheckAccess', first, { course_id: course.id })).response, {
    allowed: true,
    reason: 'enrolled',
  });
  assert.deepEqual((await rpc('CheckAccess', second, { course_id: course.id })).response, {
    allowed: false,
    reason: 'waitlisted',
  });
  assert.equal((await rpc('GetEnrollment', second, { course_id: course.id })).response.status, 'waitlisted');
});

test('GetEnrollment returns the caller’s enrolment, or NOT_FOUND', async () => {
  const { course, student, teacher } = await lockedCourse();
  const mine = await rpc('GetEnrollment', student, { course_id: course.id });
  assert.equal(mine.error, null);
  assert.equal(mine.response.user_id, student.id);
  assert.equal(mine.response.role, 'student');
  assert.equal(mine.response.status, 'active');
  const byStaff = await rpc('GetEnrollment', teacher, { course_id: course.id, user_id: student.id });
  assert.equal(byStaff.response.id, mine.response.id);
  const stranger = await h.user();
  assert.equal(
    (await rpc('GetEnrollment', stranger, { course_id: course.id })).error?.code,
    grpc.status.NOT_FOUND,
  );
});

test('the caller’s deadline bounds the database work, not only the wait', async () => {
  const { course, student } = await lockedCourse();
  await h.admin.begin(async (tx) => {
    // Block every read of courses: the CheckAccess query waits until its deadline-derived timeout.
    await tx`lock table course.courses in access exclusive mode`;
    const answer = await rpc('CheckAccess', student, { course_id: course.id }, 400);
    assert.equal(answer.error?.code, grpc.status.DEADLINE_EXCEEDED);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const waiting = await h.admin`
      select count(*)::int as n from pg_stat_activity
      where application_name = 'eduspry-test-course-grpc' and state = 'active' and wait_event_type = 'Lock'`;
    assert.equal(waiting[0]!.n, 0, 'the query was cancelled when the deadline passed');
  });
});

test('server-side failures map to stable codes', () => {
  assert.equal(
    toGrpcError(Object.assign(new Error('canceling statement'), { code: '57014' })).code,
    grpc.status.DEADLINE_EXCEEDED,
  );
  assert.equal(
    toGrpcError(new HttpProblem(409, 'conflict', 'Conflict')).code,
    grpc.status.FAILED_PRECONDITION,
  );
  const internal = toGrpcError(new Error('password=hunter2'));
  assert.equal(internal.code, grpc.status.INTERNAL);
  assert.doesNotMatch(String(internal.details), /hunter2/);
});

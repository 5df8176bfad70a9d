import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { type Harness, harness, publishedCourse } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await harness();
});
after(() => h.close());

test('a student self-enrols where the course allows it, and each enrolment emits exactly one event', async () => {
  const { course } = await publishedCourse(h);
  const student = await h.user();
  const first = await h.call(student, 'POST', `/courses/${course.id}/enrollments`, {});
  assert.equal(first.status, 201);
  assert.equal(first.body.status, 'active');
  const again = await h.call(student, 'POST', `/courses/${course.id}/enrollments`, {});
  assert.equal(again.status, 200, 'enrolling twice changes nothing');
  const events = (await h.events()).filter((e) => e.courseId === course.id && e.userId === student.id);
  assert.deepEqual(events, [{ userId: student.id, courseId: course.id, action: 'enrolled' }]);
});

test('self-enrolment into a course that does not allow it is refused and changes nothing', async () => {
  const { course, teacher } = await publishedCourse(h, { selfEnrollment: false });
  const student = await h.user();
  await h.call(teacher, 'POST', `/courses/${course.id}/enrollments`, {
    userId: student.id,
    role: 'observer',
  });
  const refused = await h.call(student, 'POST', `/courses/${course.id}/enrollments`, {});
  assert.equal(refused.status, 403);
  const other = await h.user();
  assert.equal((await h.call(other, 'POST', `/courses/${course.id}/enrollments`, {})).status, 404);
  const roster = await h.call(teacher, 'GET', `/courses/${course.id}/enrollments`);
  assert.deepEqual(
    roster.body.map((e: { userId: string; role: string }) => [e.userId, e.role]).sort(),
    [
      [student.id, 'observer'],
      [teacher.id, 'teacher'],
    ].sort(),
  );
});

test('a student cannot enrol someone else, and cannot see the roster', async () => {
  const { course } = await publishedCourse(h);
  const student = await h.user();
  const victim = await h.user();
  await h.call(student, 'POST', `/courses/${course.id}/enrollments`, {});
  assert.equal(
    (await h.call(student, 'POST', `/courses/${course.id}/enrollments`, { userId: victim.id })).status,
    403,
  );
  assert.equal((await h.call(student, 'GET', `/courses/${course.id}/enrollments`)).status, 403);
  assert.equal(
    (await h.call(student, 'DELETE', `/courses/${course.id}/enrollments/${victim.id}`)).status,
    403,
  );
});

test('past capacity students go to the waitlist, and a freed seat goes to the longest waiting', async () => {
  const { course, teacher } = await publishedCourse(h, { capacity: 2 });
  const [a, b, c, d] = await Promise.all([h.user(), h.user(), h.user(), h.user()]);
  const statuses = [];
  for (const student of [a!, b!, c!, d!]) {
    const response = await h.call(student, 'POST', `/courses/${course.id}/enrollments`, {});
    assert.equal(response.status, 201);
    statuses.push(response.body.status);
  }
  assert.deepEqual(statuses, ['active', 'active', 'waitlisted', 'waitlisted']);
  // The teacher does not take a seat.
  const active = await h.call(teacher, 'GET', `/courses/${course.id}/enrollments?status=active`);
  assert.equal(active.body.filter((e: { role: string }) => e.role === 'student').length, 2);

  assert.equal((await h.call(a!, 'DELETE', `/courses/${course.id}/enrollments/${a!.id}`)).status, 204);
  const cNow = await h.call(teacher, 'GET', `/courses/${course.id}/enrollments`);
  const byUser = new Map(cNow.body.map((e: { userId: string; status: string }) => [e.userId, e.status]));
  assert.equal(byUser.get(c!.id), 'active', 'longest-waiting student promoted');
  assert.equal(byUser.get(d!.id), 'waitlisted');
  assert.equal(byUser.has(a!.id), false);

  const events = (await h.events()).filter((e) => e.courseId === course.id && e.userId !== teacher.id);
  assert.deepEqual(events, [
    { userId: a!.id, courseId: course.id, action: 'enrolled' },
    { userId: b!.id, courseId: course.id, action: 'enrolled' },
    { userId: a!.id, courseId: course.id, action: 'unenrolled' },
    { userId: c!.id, courseId: course.id, action: 'enrolled' },
  ]);

  // Raising the capacity lets the rest of the waitlist in.
  await h.call(teacher, 'PATCH', `/courses/${course.id}`, { capacity: 10 });
  const dNow = await h.call(d!, 'GET', `/courses/${course.id}`);
  assert.deepEqual(dNow.body.myEnrollment, { role: 'student', status: 'active' });
});

test('concurrent self-enrolments never exceed capacity', async () => {
  const { course, teacher } = await publishedCourse(h, { capacity: 3 });
  const students = await Promise.all(Array.from({ length: 8 }, () => h.user()));
  const results = await Promise.all(
    students.map((s) => h.call(s, 'POST', `/courses/${course.id}/enrollments`, {})),
  );
  assert.ok(results.every((r) => r.status === 201));
  const active = await h.call(teacher, 'GET', `/courses/${course.id}/enrollments?status=active`);
  assert.equal(active.body.filter((e: { role: string }) => e.role === 'student').length, 3);
});

test('unenrolling someone who is not enrolled is a 404 and emits nothing', async () => {
  const { course, teacher } = await publishedCourse(h);
  const stranger = await h.user();
  const before = (await h.events()).length;
  const response = await h.call(teacher, 'DELETE', `/courses/${course.id}/enrollments/${stranger.id}`);
  assert.equal(response.status, 404);
  assert.equal((await h.events()).length, before);
});

test('enrolment in another tenant’s course is impossible', async () => {
  const other = await h.newTenant();
  const foreignTeacher = await h.user(['instructor'], other);
  const created = await h.call(foreignTeacher, 'POST', '/courses', {
    code: 'X1',
    title: 'x',
    selfEnrollment: true,
  });
  await h.call(foreignTeacher, 'PATCH', `/courses/${created.body.id}`, { state: 'published' });
  const student = await h.user();
  const tenantAdmin = await h.user(['tenant_admin']);
  assert.equal((await h.call(student, 'POST', `/courses/${created.body.id}/enrollments`, {})).status, 404);
  assert.equal(
    (await h.call(tenantAdmin, 'POST', `/courses/${created.body.id}/enrollments`, { userId: student.id }))
      .status,
    404,
  );
  const [row] =
    await h.admin`select count(*)::int as n from course.enrollments where course_id = ${created.body.id}`;
  assert.equal(row!.n, 1, 'only the foreign teacher');
});

const csv = (lines: string[]) => `${lines.join('\n')}\n`;
async function bulk(
  user: Awaited<ReturnType<Harness['user']>>,
  body: string,
  contentType = 'text/csv',
  idempotencyKey?: string,
) {
  const response = await h.app.inject({
    method: 'POST',
    url: '/enrollments/bulk',
    headers: {
      authorization: `Bearer ${user.token}`,
      'content-type': contentType,
      ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
    },
    payload: body,
  });
  return { status: response.statusCode, body: response.json() };
}

test('a roster sent again under its idempotency key is answered again, not applied again', async () => {
  const tenant = await h.newTenant();
  const admin = await h.user(['tenant_admin'], tenant);
  const course = await h.call(admin, 'POST', '/courses', { code: 'ONCE-1', title: 'Once' });
  const student = await h.user(['student'], tenant);
  const roster = csv(['sourcedId,class,user,role', `e1,ONCE-1,${student.id},student`]);
  const key = `delivery-${randomUUID()}`;
  const first = await bulk(admin, roster, 'text/csv', key);
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.equal(first.body.replayed, undefined);
  // Staff drop the student; then the SIS's redelivery of the old roster arrives.
  const [enrollment] = await h.admin`
    update course.enrollments set status = 'dropped' where course_id = ${course.body.id} and user_id = ${student.id}
    returning status`;
  assert.equal(enrollment?.status, 'dropped');
  const [again, concurrent] = await Promise.all([
    bulk(admin, roster, 'text/csv', key),
    bulk(admin, roster, 'text/csv', key),
  ]);
  for (const repeat of [again, concurrent]) {
    assert.equal(repeat.status, 200);
    assert.deepEqual(repeat.body, { ...first.body, replayed: true });
  }
  const [after] = await h.admin`
    select status from course.enrollments where course_id = ${course.body.id} and user_id = ${student.id}`;
  assert.equal(after?.status, 'dropped', 'the redelivery did not enrol the dropped student again');

  // The key is the tenant's: another tenant's roster under the same key applies.
  const other = await h.newTenant();
  const otherAdmin = await h.user(['tenant_admin'], other);
  await h.call(otherAdmin, 'POST', '/courses', { code: 'ONCE-1', title: 'Once' });
  const otherStudent = await h.user(['student'], other);
  const theirs = await bulk(
    otherAdmin,
    csv(['sourcedId,class,user,role', `e1,ONCE-1,${otherStudent.id},student`]),
    'text/csv',
    key,
  );
  assert.equal(theirs.body.replayed, undefined);
  assert.equal(theirs.body.rows[0].outcome, 'enrolled');

  // An invalid roster keeps no key: corrected, the same delivery id applies.
  const fixKey = `delivery-${randomUUID()}`;
  const invalid = await bulk(
    admin,
    csv(['sourcedId,class,user,role', `e1,NOPE,${student.id},student`]),
    'text/csv',
    fixKey,
  );
  assert.equal(invalid.status, 422);
  const other2 = await h.user(['student'], tenant);
  const fixed = await bulk(
    admin,
    csv(['sourcedId,class,user,role', `e1,ONCE-1,${other2.id},student`]),
    'text/csv',
    fixKey,
  );
  assert.equal(fixed.status, 200);
  assert.equal(fixed.body.rows[0].outcome, 'enrolled');

  const hostile = await bulk(admin, roster, 'text/csv', 'x'.repeat(201));
  assert.equal(hostile.status, 400, 'an over-long key is a 400 problem');
});

test('a CSV roster applies every row in one go and reports each', async () => {
  const tenant = await h.newTenant();
  const admin = await h.user(['tenant_admin'], tenant);
  const course = await h.call(admin, 'POST', '/courses', { code: 'ROSTER-1', title: 'Roster', capacity: 2 });
  const users = await Promise.all(Array.from({ length: 4 }, () => h.user(['student'], tenant)));
  const result = await bulk(
    admin,
    csv([
      'sourcedId,class,user,role',
      `e1,ROSTER-1,${users[0]!.id},student`,
      `e2,${course.body.id},${users[1]!.id},student`,
      `e3,ROSTER-1,${users[2]!.id},student`,
      `e4,ROSTER-1,${users[3]!.id},teacher`,
    ]),
  );
  assert.equal(result.status, 200, JSON.stringify(result.body));
  assert.deepEqual(
    result.body.rows.map((r: { sourcedId: string; outcome: string }) => [r.sourcedId, r.outcome]),
    [
      ['e1', 'enrolled'],
      ['e2', 'enrolled'],
      ['e3', 'waitlisted'],
      ['e4', 'enrolled'],
    ],
  );
  assert.equal((await h.events(tenant.id)).length, 3);
});

test('a CSV with bad rows reports every bad row and applies none', async () => {
  const tenant = await h.newTenant();
  const admin = await h.user(['tenant_admin'], tenant);
  await h.call(admin, 'POST', '/courses', { code: 'ROSTER-2', title: 'Roster' });
  const good = await h.user(['student'], tenant);
  const result = await bulk(
    admin,
    csv([
      'sourcedId,classSourcedId,userSourcedId,role',
      `ok1,ROSTER-2,${good.id},student`,
      'bad1,ROSTER-2,not-a-uuid,student',
      `bad2,NO-SUCH-CLASS,${good.id},student`,
      `bad3,ROSTER-2,${crypto.randomUUID()},principal`,
      `ok1,ROSTER-2,${crypto.randomUUID()},student`,
    ]),
  );
  assert.equal(result.status, 422);
  assert.equal(result.body.type, 'https://eduspry.dev/problems/invalid-roster');
  assert.deepEqual(
    result.body.rows.filter((r: { error?: string }) => r.error).map((r: { row: number }) => r.row),
    [2, 3, 4, 5],
  );
  assert.match(result.body.rows[1].error, /not a user id/);
  assert.match(result.body.rows[2].error, /not a course/);
  assert.match(result.body.rows[3].error, /role/);
  assert.match(result.body.rows[4].error, /more than once/);
  const [row] =
    await h.admin`select count(*)::int as n from course.enrollments where tenant_id = ${tenant.id}`;
  assert.equal(row!.n, 0, 'nothing applied');
  assert.equal((await h.events(tenant.id)).length, 0);
});

test('an instructor may roster only the courses they teach', async () => {
  const { course, teacher } = await publishedCourse(h);
  const { course: foreignCourse } = await publishedCourse(h);
  const student = await h.user();
  const result = await bulk(
    teacher,
    csv([
      'sourcedId,class,user,role',
      `a,${course.id},${student.id},student`,
      `b,${foreignCourse.id},${student.id},student`,
    ]),
  );
  assert.equal(result.status, 422);
  assert.match(result.body.rows[1].error, /not an instructor/);
  const [row] =
    await h.admin`select count(*)::int as n from course.enrollments where user_id = ${student.id}`;
  assert.equal(row!.n, 0);
});

test('malformed or oversized CSV is a 4xx and changes nothing', async () => {
  const admin = await h.user(['tenant_admin']);
  const student = await h.user();
  const before = (await h.events()).length;
  const unbalanced = await bulk(admin, 'sourcedId,class,user,role\n"a,ROSTER,x,student\n');
  assert.equal(unbalanced.status, 400);
  assert.match(unbalanced.body.detail, /malformed CSV/);
  const ragged = await bulk(admin, `sourcedId,class,user,role\na,b,${student.id}\n`);
  assert.equal(ragged.status, 400);
  const noColumns = await bulk(admin, 'id,name\n1,2\n');
  assert.match(noColumns.body.detail, /lacks the column/);
  assert.equal((await bulk(admin, '')).status, 400);
  const asJson = await bulk(admin, JSON.stringify({ rows: [] }), 'application/json');
  assert.equal(asJson.status, 400);
  const asText = await bulk(admin, 'sourcedId,class,user,role\n', 'text/plain');
  assert.equal(asText.status, 415);
  const huge = await bulk(admin, `sourcedId,class,user,role\n${'x,y,z,student\n'.repeat(800_000)}`);
  assert.equal(huge.status, 413);
  const student2 = await h.user();
  assert.equal((await bulk(student2, `sourcedId,class,user,role\na,b,${student.id},student\n`)).status, 403);
  assert.equal((await h.events()).length, before);
});

// OneRoster 1.1 enrolments (issue #22): a dry run shows what would be enrolled, changed and
// dropped; applying does exactly that, refuses when the tenant changed meanwhile, and drops only
// when the admin says so. Users come from course-service's directory (registered through the
// consumer's use case, test/helpers.ts), matched by the email users.csv gives them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestTenant } from '@eduspry/common/testing';
import { type Harness, harness, type Json, type User } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await harness();
});
after(() => h.close());

const PROBLEM = 'https://eduspry.dev/problems/';
const email = (user: User) => `${user.id}@example.org`;
const csv = (rows: string[][]) => `${rows.map((row) => row.join(',')).join('\r\n')}\r\n`;

/** A tenant of its own with an admin, a teacher, two students and two published courses (one seat in the first). */
async function district() {
  const tenant: TestTenant = await h.newTenant();
  const [admin, teacher, ana, ben] = [
    await h.user(['tenant_admin'], tenant),
    await h.user(['instructor'], tenant),
    await h.user(['student'], tenant),
    await h.user(['student'], tenant),
  ];
  const course = async (capacity: number | null) => {
    const code = `C-${Math.random().toString(36).slice(2, 8)}`;
    const created = await h.call(teacher, 'POST', '/courses', {
      code,
      title: code,
      capacity,
      selfEnrollment: true,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await h.call(teacher, 'PATCH', `/courses/${created.body.id}`, { state: 'published' });
    return { id: created.body.id as string, code };
  };
  const [physics, history] = [await course(1), await course(null)];
  const users = csv([
    ['sourcedId', 'status', 'enabledUser', 'role', 'givenName', 'familyName', 'email'],
    ['t1', 'active', 'true', 'teacher', 'Tess', 'Teacher', email(teacher)],
    ['s1', 'active', 'true', 'student', 'Ana', 'A', email(ana)],
    ['s2', 'active', 'true', 'student', 'Ben', 'B', email(ben)],
    ['s3', 'active', 'true', 'student', 'New', 'Comer', 'not-yet-imported@example.org'],
  ]);
  const classes = csv([
    ['sourcedId', 'status', 'title', 'classCode', 'schoolSourcedId'],
    ['c1', 'active', 'Physics', physics.code, 'sch1'],
    ['c2', 'active', 'History', history.code, 'sch1'],
    ['c9', 'active', 'Gone', 'NO-SUCH-COURSE', 'sch1'],
  ]);
  return { tenant, admin, teacher, ana, ben, physics, history, users, classes };
}

const enrollments = (rows: string[][]) =>
  csv([['sourcedId', 'status', 'classSourcedId', 'schoolSourcedId', 'userSourcedId', 'role'], ...rows]);

async function roles(courseId: string) {
  const rows = await h.admin<{ user_id: string; role: string; status: string }[]>`
    select user_id, role, status from course.enrollments where course_id = ${courseId} order by created_at`;
  return new Map(rows.map((row) => [row.user_id, `${row.role}/${row.status}`]));
}

test('the dry run shows the plan and changes nothing; applying enrols exactly that, once', async () => {
  const d = await district();
  const file = {
    users: d.users,
    classes: d.classes,
    enrollments: enrollments([
      ['e1', 'active', 'c1', 'sch1', 't1', 'teacher'],
      ['e2', 'active', 'c1', 'sch1', 's1', 'student'],
      ['e3', 'active', 'c1', 'sch1', 's2', 'student'],
      ['e4', 'active', 'c2', 'sch1', 's2', 'student'],
      ['e5', 'active', 'c9', 'sch1', 's1', 'student'],
      ['e6', 'active', 'c2', 'sch1', 's3', 'student'],
      ['e7', 'active', 'c2', 'sch1', 'nobody', 'student'],
      ['e8', 'active', 'c2', 'sch1', 's1', 'principal'],
      ['e2', 'active', 'c2', 'sch1', 's1', 'student'],
    ]),
  };
  const before = (await h.events(d.tenant.id)).length;
  const dry = await h.call(d.admin, 'POST', '/roster-imports', file);
  assert.equal(dry.status, 201, JSON.stringify(dry.body));
  // The teacher made the courses, so their row is unchanged; the other four errors are per row.
  assert.deepEqual(dry.body.counts, { enrols: 3, changes: 0, removals: 0, unchanged: 1, errors: 5 });
  assert.deepEqual(
    dry.body.enrols.map((e: Json) => [e.line, e.courseCode, e.userId, e.role]),
    [
      [3, d.physics.code, d.ana.id, 'student'],
      [4, d.physics.code, d.ben.id, 'student'],
      [5, d.history.code, d.ben.id, 'student'],
    ],
  );
  assert.deepEqual(
    dry.body.errors.map((e: Json) => [e.file, e.line]),
    [
      ['enrollments.csv', 6],
      ['enrollments.csv', 7],
      ['enrollments.csv', 8],
      ['enrollments.csv', 9],
      ['enrollments.csv', 10],
    ],
  );
  assert.match(dry.body.errors[0].reason, /not a course of this tenant/);
  assert.match(dry.body.errors[1].reason, /not a user of this tenant yet/);
  assert.match(dry.body.errors[2].reason, /not a user of users\.csv/);
  assert.match(dry.body.errors[3].reason, /role "principal"/);
  assert.match(dry.body.errors[4].reason, /sourcedId e2 is also on line 3/);
  assert.equal((await roles(d.physics.id)).size, 1, 'only the teacher, as before');
  assert.equal((await h.events(d.tenant.id)).length, before, 'a dry run emits nothing');

  const page = await h.call(d.admin, 'GET', `/roster-imports/${dry.body.id}?list=errors&offset=3&limit=2`);
  assert.equal(page.status, 200);
  assert.equal(page.body.total, 5);
  assert.deepEqual(
    page.body.items.map((e: Json) => e.line),
    [9, 10],
  );

  const applied = await h.call(d.admin, 'POST', `/roster-imports/${dry.body.id}/apply`, {
    hash: dry.body.hash,
    remove: false,
  });
  assert.equal(applied.status, 200, JSON.stringify(applied.body));
  // Physics has one seat: Ana takes it, Ben waits.
  assert.deepEqual(applied.body.result, {
    enrolled: 2,
    waitlisted: 1,
    changed: 0,
    removed: 0,
    removalsSkipped: 0,
  });
  const physics = await roles(d.physics.id);
  assert.equal(physics.get(d.ana.id), 'student/active');
  assert.equal(physics.get(d.ben.id), 'student/waitlisted');
  assert.equal((await roles(d.history.id)).get(d.ben.id), 'student/active');
  const enrolled = (await h.events(d.tenant.id)).slice(before).filter((e) => e.action === 'enrolled');
  assert.equal(enrolled.length, 2, 'one enrollment_changed per seat taken');

  const again = await h.call(d.admin, 'POST', `/roster-imports/${dry.body.id}/apply`, {
    hash: dry.body.hash,
    remove: false,
  });
  assert.equal(again.status, 409);
  assert.equal(again.body.type, `${PROBLEM}conflict`);
});

test('applying refuses a plan the tenant no longer matches, and nothing of it happens', async () => {
  const d = await district();
  const dry = await h.call(d.admin, 'POST', '/roster-imports', {
    users: d.users,
    classes: d.classes,
    enrollments: enrollments([
      ['e1', 'active', 'c2', 'sch1', 's1', 'student'],
      ['e2', 'active', 'c2', 'sch1', 's2', 'student'],
    ]),
  });
  assert.equal(dry.status, 201, JSON.stringify(dry.body));
  // Ben enrols himself meanwhile: the plan's second enrolment would no longer be one.
  assert.equal((await h.call(d.ben, 'POST', `/courses/${d.history.id}/enrollments`, {})).status, 201);
  const wrongHash = await h.call(d.admin, 'POST', `/roster-imports/${dry.body.id}/apply`, {
    hash: '0'.repeat(64),
    remove: false,
  });
  assert.equal(wrongHash.status, 409);
  assert.equal(wrongHash.body.type, `${PROBLEM}roster-changed`);
  const changed = await h.call(d.admin, 'POST', `/roster-imports/${dry.body.id}/apply`, {
    hash: dry.body.hash,
    remove: false,
  });
  assert.equal(changed.status, 409);
  assert.equal(changed.body.type, `${PROBLEM}roster-changed`);
  assert.equal((await roles(d.history.id)).has(d.ana.id), false, 'Ana was not enrolled by a refused plan');
});

test('a tobedeleted row is dropped only when the admin ticks it; another role is a change', async () => {
  const d = await district();
  for (const student of [d.ana, d.ben])
    assert.equal((await h.call(student, 'POST', `/courses/${d.history.id}/enrollments`, {})).status, 201);
  const file = {
    users: d.users,
    classes: d.classes,
    enrollments: enrollments([
      ['e1', 'tobedeleted', 'c2', 'sch1', 's1', 'student'],
      ['e2', 'active', 'c2', 'sch1', 's2', 'aide'],
    ]),
  };
  const kept = await h.call(d.admin, 'POST', '/roster-imports', file);
  assert.deepEqual(kept.body.counts, { enrols: 0, changes: 1, removals: 1, unchanged: 0, errors: 0 });
  assert.deepEqual(kept.body.changes[0].before, { role: 'student', status: 'active' });
  const first = await h.call(d.admin, 'POST', `/roster-imports/${kept.body.id}/apply`, {
    hash: kept.body.hash,
    remove: false,
  });
  assert.deepEqual(first.body.result, {
    enrolled: 0,
    waitlisted: 0,
    changed: 1,
    removed: 0,
    removalsSkipped: 1,
  });
  let history = await roles(d.history.id);
  assert.equal(history.get(d.ana.id), 'student/active', 'not dropped without the tick');
  assert.equal(history.get(d.ben.id), 'ta/active');

  const drop = await h.call(d.admin, 'POST', '/roster-imports', file);
  assert.deepEqual(drop.body.counts, { enrols: 0, changes: 0, removals: 1, unchanged: 1, errors: 0 });
  const second = await h.call(d.admin, 'POST', `/roster-imports/${drop.body.id}/apply`, {
    hash: drop.body.hash,
    remove: true,
  });
  assert.equal(second.body.result.removed, 1);
  history = await roles(d.history.id);
  assert.equal(history.get(d.ana.id), 'student/dropped');
});

test('only a tenant admin imports, and only their own tenant’s imports are visible', async () => {
  const d = await district();
  const file = { users: d.users, classes: d.classes, enrollments: enrollments([]) };
  const byTeacher = await h.call(d.teacher, 'POST', '/roster-imports', file);
  assert.equal(byTeacher.status, 403);
  const mine = await h.call(d.admin, 'POST', '/roster-imports', file);
  assert.equal(mine.status, 201, JSON.stringify(mine.body));
  const other = await h.user(['tenant_admin'], await h.newTenant());
  assert.equal((await h.call(other, 'GET', `/roster-imports/${mine.body.id}`)).status, 404);
  const apply = await h.call(other, 'POST', `/roster-imports/${mine.body.id}/apply`, {
    hash: mine.body.hash,
    remove: false,
  });
  assert.equal(apply.status, 404);
  assert.equal((await h.call(undefined, 'POST', '/roster-imports', file)).status, 401);
});

test('files that are not OneRoster CSVs, and hostile bodies, are 4xx problems', async () => {
  const d = await district();
  const ok = { users: d.users, classes: d.classes, enrollments: enrollments([]) };
  const cases: [string, unknown, number, string?][] = [
    // The kit refuses NUL bytes and lone surrogates in any JSON string before the route runs.
    ['NUL bytes', { ...ok, enrollments: 'sourcedId\u0000,role\n' }, 400, 'validation'],
    ['a lone surrogate', { ...ok, classes: 'sourcedId,classCode\nc1,\ud800\n' }, 400],
    ['a missing column', { ...ok, enrollments: 'sourcedId,role\ne1,student\n' }, 400, 'invalid-roster-file'],
    ['an unclosed quote', { ...ok, users: 'sourcedId,email\n"s1,a@b.c\n' }, 400, 'invalid-roster-file'],
    ['an empty file', { ...ok, classes: '' }, 400],
    ['a file missing', { users: d.users, classes: d.classes }, 400],
    ['an unknown field', { ...ok, extra: 1 }, 400],
    ['deep nesting', { ...ok, users: JSON.parse(`${'['.repeat(500)}${']'.repeat(500)}`) }, 400],
    ['10 MB', { ...ok, enrollments: 'x'.repeat(10 * 1024 * 1024) }, 413],
  ];
  for (const [name, body, status, type] of cases) {
    const answer = await h.call(d.admin, 'POST', '/roster-imports', body);
    assert.equal(answer.status, status, `${name}: ${JSON.stringify(answer.body).slice(0, 300)}`);
    assert.match(String(answer.headers['content-type']), /application\/problem\+json/, name);
    if (type) assert.equal(answer.body.type, `${PROBLEM}${type}`, name);
  }
  const [row] = await h.admin<{ n: number }[]>`
    select count(*)::int as n from course.roster_imports where tenant_id = ${d.tenant.id}`;
  assert.equal(row!.n, 0, 'no refused file left a dry run behind');
  const notUuid = await h.call(d.admin, 'GET', '/roster-imports/not-a-uuid');
  assert.equal(notUuid.status, 400);
});

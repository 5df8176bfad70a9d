import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { OPERATIONS } from '@eduspry/contracts/graphql-operations';
import { type Json, type Platform, startPlatform } from './helpers.ts';

let p: Platform;
before(async () => {
  p = await startPlatform();
});
after(() => p.close());

async function instructorWithCourses(tenant: Awaited<ReturnType<Platform['tenant']>>, count: number) {
  const teacher = await p.user(tenant, ['instructor']);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const created = await p.graphql(teacher.token, OPERATIONS.CreateCourse, {
      input: { code: `GW-${i}-${Math.random().toString(36).slice(2, 7)}`, title: `Course ${i}` },
    });
    assert.equal(created.body.errors, undefined, JSON.stringify(created.body.errors));
    const id = created.body.data.createCourse.id;
    await p.graphql(teacher.token, OPERATIONS.SetCourseState, { courseId: id, state: 'published' });
    ids.push(id);
  }
  return { teacher, ids };
}

test('a dashboard of 20 courses with progress costs at most 3 upstream calls', async () => {
  const tenant = await p.tenant();
  const { ids } = await instructorWithCourses(tenant, 20);
  const student = await p.user(tenant);
  for (const courseId of ids) {
    const enrolled = await p.graphql(student.token, OPERATIONS.Enroll, { courseId });
    assert.equal(enrolled.body.data.enroll.status, 'active');
  }
  const dashboard = await p.graphql(student.token, OPERATIONS.Dashboard);
  assert.equal(dashboard.status, 200);
  assert.equal(dashboard.body.errors, undefined, JSON.stringify(dashboard.body.errors));
  const courses: Json[] = dashboard.body.data.me.courses;
  assert.equal(courses.length, 20);
  assert.deepEqual(new Set(courses.map((c) => c.id)), new Set(ids));
  assert.ok(
    courses.every((c) => c.progress && c.progress.percent === 0 && c.myEnrollment.role === 'student'),
  );
  assert.ok(dashboard.upstreamCalls <= 3, `made ${dashboard.upstreamCalls} upstream calls`);
});

test('the course page shows locked modules with the reason, and progress moves when an item is completed', async () => {
  const tenant = await p.tenant();
  const { teacher, ids } = await instructorWithCourses(tenant, 1);
  const courseId = ids[0]!;
  const first = await p.graphql(teacher.token, OPERATIONS.AddModule, {
    courseId,
    title: 'Week 1',
    published: true,
  });
  const moduleId = first.body.data.addModule.id;
  const item = await p.graphql(teacher.token, OPERATIONS.AddItem, {
    courseId,
    moduleId,
    input: { kind: 'page', title: 'Welcome', body: 'Hello' },
  });
  await p.graphql(teacher.token, OPERATIONS.AddModule, {
    courseId,
    title: 'Week 2 (draft)',
    published: false,
  });
  const student = await p.user(tenant);
  await p.graphql(student.token, OPERATIONS.Enroll, { courseId });

  const page = await p.graphql(student.token, OPERATIONS.CoursePage, { id: courseId });
  assert.equal(page.body.errors, undefined, JSON.stringify(page.body.errors));
  const modules: Json[] = page.body.data.course.modules;
  assert.deepEqual(
    modules.map((m) => [m.title, m.locked]),
    [['Week 1', false]],
    'students do not see unpublished modules',
  );
  const itemId = item.body.data.addItem.id;
  const done = await p.graphql(student.token, OPERATIONS.CompleteItem, { courseId, itemId });
  assert.equal(done.body.data?.completeItem, true, JSON.stringify(done.body));
  const after = await p.graphql(student.token, OPERATIONS.CoursePage, { id: courseId });
  assert.equal(after.body.data.course.progress.percent, 100);

  // Staff see the draft module; a locked one carries a reason and words for it.
  const staffView = await p.graphql(teacher.token, OPERATIONS.CoursePage, { id: courseId });
  assert.equal(staffView.body.data.course.modules.length, 2);
  const other = await p.user(tenant);
  const outsider = await p.graphql(other.token, OPERATIONS.CoursePage, { id: courseId });
  const locked = outsider.body.data.course.modules[0];
  assert.equal(locked.locked, true);
  assert.equal(locked.lockReason, 'not-enrolled');
  assert.match(locked.lockExplanation, /Enrol/);
  const opened = await p.graphql(other.token, OPERATIONS.ItemPage, { courseId, itemId });
  assert.equal(opened.body.errors[0].extensions.code, 'LOCKED');
});

test('a course of another tenant is null to its users, never its data', async () => {
  const { ids } = await instructorWithCourses(await p.tenant(), 1);
  const stranger = await p.user(await p.tenant());
  const answer = await p.graphql(stranger.token, OPERATIONS.CoursePage, { id: ids[0] });
  assert.equal(answer.body.data.course, null);
  const catalog = await p.graphql(stranger.token, OPERATIONS.Catalog, {});
  assert.ok(!catalog.body.data.courses.items.some((c: Json) => c.id === ids[0]));
});

test('private data without a token is UNAUTHENTICATED and calls no upstream', async () => {
  for (const query of [OPERATIONS.Dashboard, OPERATIONS.Catalog, '{ course(id: "x") { id } }']) {
    const answer = await p.graphql(undefined, query);
    assert.equal(answer.body.errors[0].extensions.code, 'UNAUTHENTICATED', query);
    assert.equal(answer.upstreamCalls, 0);
  }
  const forged = await p.graphql('not.a.token', OPERATIONS.Dashboard);
  assert.equal(forged.body.errors[0].extensions.code, 'UNAUTHENTICATED');
  assert.match(forged.body.errors[0].message, /not valid/);
});

test('bad GraphQL is a clear error before any upstream call', async () => {
  const student = await p.user(await p.tenant());
  const cases: [string, RegExp][] = [
    ['{ me { id ', /Syntax Error/],
    ['{ me { password } }', /Cannot query field "password"/],
    ['{ courses(first: 100) { items { modules { items { id } } roster { userId } } } }', /too complex/],
    [
      `{ a: courses(first: 100) { items { id } } b: courses(first: 100) { items { id } } c: courses(first: 100) { items { id } } d: courses(first: 100) { items { id } } e: courses(first: 100) { items { id } } f: courses(first: 100) { items { id } } }`,
      /too complex/,
    ],
  ];
  for (const [query, message] of cases) {
    const answer = await p.graphql(student.token, query);
    assert.equal(answer.status, 400, `${query}: ${JSON.stringify(answer.body)}`);
    assert.match(answer.body.errors[0].message, message);
    assert.equal(answer.upstreamCalls, 0, query);
  }
  const tooDeep = await p.graphql(
    student.token,
    '{ me { courses { myEnrollment { course { myEnrollment { course { myEnrollment { course { id } } } } } } } } }',
  );
  assert.equal(tooDeep.status, 400, JSON.stringify(tooDeep.body));
  assert.match(tooDeep.body.errors[0].message, /depth/);
  assert.equal(tooDeep.upstreamCalls, 0);
});

test('a failing upstream error keeps its meaning: a student creating a course is FORBIDDEN', async () => {
  const student = await p.user(await p.tenant());
  const answer = await p.graphql(student.token, OPERATIONS.CreateCourse, {
    input: { code: 'NOPE', title: 'No' },
  });
  assert.equal(answer.body.errors[0].extensions.code, 'FORBIDDEN');
  assert.match(answer.body.errors[0].message, /instructors/);
});

test('a tenant admin invites a user and finds them in the user list', async () => {
  const tenant = await p.tenant();
  const admin = await p.user(tenant, ['tenant_admin']);
  const email = `new-${Math.random().toString(36).slice(2, 8)}@gateway.test`;
  const invited = await p.graphql(admin.token, OPERATIONS.InviteUser, {
    email,
    displayName: 'New Student',
    roles: ['student'],
  });
  assert.equal(invited.body.errors, undefined, JSON.stringify(invited.body.errors));
  assert.equal(invited.body.data.inviteUser.status, 'invited');
  const users = await p.graphql(admin.token, OPERATIONS.Users, { search: 'new-' });
  assert.ok(users.body.data.users.items.some((u: Json) => u.email === email));
  const student = await p.user(tenant);
  const refused = await p.graphql(student.token, OPERATIONS.Users, {});
  assert.equal(refused.body.errors[0].extensions.code, 'FORBIDDEN');
});

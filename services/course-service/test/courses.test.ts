import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Harness, harness, publishedCourse } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await harness();
});
after(() => h.close());

test('requests without a valid bearer token get 401 problem+json', async () => {
  const none = await h.call(undefined, 'GET', '/courses');
  assert.equal(none.status, 401);
  assert.equal(none.body.type, 'https://eduspry.dev/problems/unauthorized');
  const student = await h.user();
  const forged = await h.call({ ...student, token: `${student.token.slice(0, -4)}AAAA` }, 'GET', '/courses');
  assert.equal(forged.status, 401);
});

test('a student sees published courses but never drafts or another tenant’s courses', async () => {
  const { course: open } = await publishedCourse(h, { title: 'Open algebra' });
  const teacher = await h.user(['instructor']);
  const draft = await h.call(teacher, 'POST', '/courses', { code: `D-${Date.now()}`, title: 'Secret draft' });
  assert.equal(draft.status, 201);
  assert.equal(draft.body.state, 'draft');
  assert.deepEqual(draft.body.instructorIds, [teacher.id]);

  const other = await h.newTenant();
  const foreignTeacher = await h.user(['instructor'], other);
  const foreign = await h.call(foreignTeacher, 'POST', '/courses', {
    code: 'FOREIGN',
    title: 'Foreign',
    selfEnrollment: true,
  });
  await h.call(foreignTeacher, 'PATCH', `/courses/${foreign.body.id}`, { state: 'published' });

  const student = await h.user();
  const list = await h.call(student, 'GET', '/courses?limit=100');
  assert.equal(list.status, 200);
  const ids = list.body.items.map((c: { id: string }) => c.id);
  assert.ok(ids.includes(open.id));
  assert.ok(!ids.includes(draft.body.id), 'draft listed to a student');
  assert.ok(!ids.includes(foreign.body.id), 'another tenant’s course listed');
  assert.equal((await h.call(student, 'GET', `/courses/${draft.body.id}`)).status, 404);
  assert.equal((await h.call(student, 'GET', `/courses/${foreign.body.id}`)).status, 404);

  // Its instructor and the tenant admin see the draft; another instructor does not.
  assert.equal((await h.call(teacher, 'GET', `/courses/${draft.body.id}`)).status, 200);
  const tenantAdmin = await h.user(['tenant_admin']);
  assert.equal((await h.call(tenantAdmin, 'GET', `/courses/${draft.body.id}`)).status, 200);
  const otherInstructor = await h.user(['instructor']);
  assert.equal((await h.call(otherInstructor, 'GET', `/courses/${draft.body.id}`)).status, 404);
});

test('super_admin lists every tenant’s courses; a tenant admin only their own', async () => {
  const marker = `M${Date.now()}`;
  const { course: home } = await publishedCourse(h, { title: `${marker} home` });
  const other = await h.newTenant();
  const away = await h.call(await h.user(['instructor'], other), 'POST', '/courses', {
    code: `A-${marker}`,
    title: `${marker} away`,
  });
  assert.equal(away.status, 201);
  const titles = async (roles: string[]) => {
    const list = await h.call(await h.user(roles), 'GET', `/courses?q=${marker}`);
    assert.equal(list.status, 200);
    return list.body.items.map((c: { id: string }) => c.id).sort();
  };
  assert.deepEqual(await titles(['tenant_admin']), [home.id]);
  assert.deepEqual(await titles(['super_admin']), [home.id, away.body.id].sort());

  // Codes are unique per tenant: another tenant's code is free here, even for super_admin.
  const superAdmin = await h.user(['super_admin']);
  const renamed = await h.call(superAdmin, 'PATCH', `/courses/${home.id}`, { code: `A-${marker}` });
  assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
});

test('a published course closed to self-enrolment is listed only to those enrolled in it', async () => {
  const { course, teacher } = await publishedCourse(h, { selfEnrollment: false });
  const outsider = await h.user();
  const member = await h.user();
  assert.equal((await h.call(outsider, 'GET', `/courses/${course.id}`)).status, 404);
  assert.equal(
    (await h.call(teacher, 'POST', `/courses/${course.id}/enrollments`, { userId: member.id })).status,
    201,
  );
  const mine = await h.call(member, 'GET', '/courses?enrolled=true');
  assert.deepEqual(
    mine.body.items.map((c: { id: string }) => c.id),
    [course.id],
  );
  assert.deepEqual(mine.body.items[0].myEnrollment, { role: 'student', status: 'active' });
});

test('the catalog searches, filters by term and state, and pages with a cursor', async () => {
  const tenant = await h.newTenant();
  const admin = await h.user(['tenant_admin'], tenant);
  for (const [code, title, term] of [
    ['BIO-1', 'Biology basics', '2026-fall'],
    ['BIO-2', 'Advanced biology', '2027-spring'],
    ['CHEM-1', 'Chemistry', '2026-fall'],
    ['GEO-1', 'Geography', '2026-fall'],
  ]) {
    const created = await h.call(admin, 'POST', '/courses', { code, title, term });
    assert.equal(created.status, 201);
  }
  const biology = await h.call(admin, 'GET', '/courses?q=biology');
  assert.deepEqual(
    biology.body.items.map((c: { code: string }) => c.code),
    ['BIO-1', 'BIO-2'],
  );
  const fall = await h.call(admin, 'GET', '/courses?term=2026-fall&state=draft');
  assert.deepEqual(
    fall.body.items.map((c: { code: string }) => c.code),
    ['BIO-1', 'CHEM-1', 'GEO-1'],
  );
  const wildcard = await h.call(admin, 'GET', `/courses?q=${encodeURIComponent('%')}`);
  assert.deepEqual(wildcard.body.items, [], 'a % in the search is a literal character');

  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { body: { items: { code: string }[]; nextCursor: string | null } } = await h.call(
      admin,
      'GET',
      `/courses?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
    );
    assert.ok(page.body.items.length <= 3);
    seen.push(...page.body.items.map((c) => c.code));
    cursor = page.body.nextCursor;
  } while (cursor);
  assert.deepEqual(seen, ['BIO-1', 'BIO-2', 'CHEM-1', 'GEO-1']);
  assert.equal((await h.call(admin, 'GET', '/courses?cursor=bm90LWEtY3Vyc29y')).status, 400);
});

test('a course moves draft → published → archived and never back', async () => {
  const teacher = await h.user(['instructor']);
  const created = await h.call(teacher, 'POST', '/courses', { code: `S-${Date.now()}`, title: 'States' });
  const url = `/courses/${created.body.id}`;
  assert.equal((await h.call(teacher, 'PATCH', url, { state: 'published' })).body.state, 'published');
  assert.equal((await h.call(teacher, 'PATCH', url, { state: 'draft' })).status, 409);
  assert.equal((await h.call(teacher, 'PATCH', url, { state: 'archived' })).body.state, 'archived');
  assert.equal((await h.call(teacher, 'PATCH', url, { state: 'published' })).status, 409);
});

test('only instructors and admins create courses, and only a course’s staff change it', async () => {
  const student = await h.user();
  assert.equal((await h.call(student, 'POST', '/courses', { code: 'NOPE', title: 'No' })).status, 403);
  const { course } = await publishedCourse(h);
  const otherInstructor = await h.user(['instructor']);
  assert.equal(
    (await h.call(otherInstructor, 'PATCH', `/courses/${course.id}`, { title: 'Mine now' })).status,
    403,
  );
  assert.equal((await h.call(student, 'PATCH', `/courses/${course.id}`, { title: 'Mine now' })).status, 403);
  const unchanged = await h.call(student, 'GET', `/courses/${course.id}`);
  assert.equal(unchanged.body.title, 'A course');
});

test('bad input gets a clear 4xx and changes nothing', async () => {
  const teacher = await h.user(['instructor']);
  const before =
    await h.admin`select count(*)::int as n from course.courses where tenant_id = ${h.tenant.id}`;
  const cases: [string, string, unknown, number][] = [
    ['POST', '/courses', { code: 'X', title: { text: 'x' } }, 400],
    ['POST', '/courses', { code: 'X', title: 'x', capacity: 'lots' }, 400],
    ['POST', '/courses', { code: 'X', title: 'x', unknownField: true }, 400],
    ['POST', '/courses', { code: 'X', title: 'x', startsOn: '2026-09-01', endsOn: '2026-01-01' }, 400],
    ['POST', '/courses', { code: 'X', title: 'x', startsOn: 'tomorrow' }, 400],
    ['GET', '/courses/not-a-uuid', undefined, 400],
    ['GET', '/courses/6a2f41a3-c54c-4f1c-9e0a-9b8e7f6d5c4b', undefined, 404],
    ['PATCH', '/courses/6a2f41a3-c54c-4f1c-9e0a-9b8e7f6d5c4b', { title: 'x' }, 404],
    ['GET', '/courses?limit=1000', undefined, 400],
  ];
  for (const [method, url, payload, status] of cases) {
    const response = await h.call(teacher, method as 'GET', url, payload);
    assert.equal(response.status, status, `${method} ${url} ${JSON.stringify(payload)}`);
    assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  }
  const huge = await h.app.inject({
    method: 'POST',
    url: '/courses',
    headers: { authorization: `Bearer ${teacher.token}`, 'content-type': 'application/json' },
    payload: JSON.stringify({ code: 'BIG', title: 'x', description: 'x'.repeat(10 * 1024 * 1024) }),
  });
  assert.equal(huge.statusCode, 413);
  const after = await h.admin`select count(*)::int as n from course.courses where tenant_id = ${h.tenant.id}`;
  assert.equal(after[0]!.n, before[0]!.n);
  const code = `DUP-${Date.now()}`;
  assert.equal((await h.call(teacher, 'POST', '/courses', { code, title: 'x' })).status, 201);
  assert.equal((await h.call(teacher, 'POST', '/courses', { code, title: 'y' })).status, 409);
});

test('the OpenAPI document describes every route, including the CSV upload', async () => {
  const response = await h.app.inject('/openapi.json');
  assert.equal(response.statusCode, 200);
  const paths = Object.keys(response.json().paths);
  for (const path of ['/courses', '/courses/{courseId}/modules/{moduleId}', '/enrollments/bulk'])
    assert.ok(paths.includes(path), `${path} missing from ${paths.join(', ')}`);
  assert.ok(response.json().paths['/enrollments/bulk'].post.requestBody.content['text/csv']);
});

// Issue #14 finding 6: every user id a request names is a user of the caller's tenant who exists
// and is active, as course-service's user directory (course.users) knows it from auth-service's
// events. Users here are registered through the consumer's own use case (test/helpers.ts).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { createEvent } from '@eduspry/contracts';
import { applyUserEvent } from '../src/domain/users.ts';
import { outboxEvents } from '../src/events.ts';
import { type Harness, harness, publishedCourse } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await harness();
});
after(() => h.close());

const PROBLEM = 'https://eduspry.dev/problems/';

test('POST /courses refuses an instructor of another tenant and one that exists nowhere, naming the field', async () => {
  const teacher = await h.user(['instructor']);
  const colleague = await h.user(['instructor']);
  const foreign = await h.user(['instructor'], await h.newTenant());
  const code = `DIR-${Date.now()}`;

  const cross = await h.call(teacher, 'POST', '/courses', {
    code,
    title: 'Cross-tenant staff',
    instructorIds: [colleague.id, foreign.id],
  });
  assert.equal(cross.status, 422, JSON.stringify(cross.body));
  assert.equal(cross.body.type, `${PROBLEM}unknown-user`);
  assert.equal(cross.body.field, 'body.instructorIds.1');
  assert.match(cross.headers['content-type'] as string, /application\/problem\+json/);

  const nowhere = await h.call(teacher, 'POST', '/courses', {
    code,
    title: 'Phantom staff',
    instructorIds: [randomUUID()],
  });
  assert.equal(nowhere.status, 422);
  assert.equal(nowhere.body.field, 'body.instructorIds.0');

  const [none] = await h.admin`select count(*)::int as n from course.courses where code = ${code}`;
  assert.equal(none!.n, 0, 'a refused course is not created');

  const ok = await h.call(teacher, 'POST', '/courses', {
    code,
    title: 'Real staff',
    instructorIds: [colleague.id],
  });
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  assert.deepEqual([...ok.body.instructorIds].sort(), [teacher.id, colleague.id].sort());
});

test('enrolling someone else needs a user of the course’s tenant; a deactivated user cannot be newly enrolled', async () => {
  const { course, teacher } = await publishedCourse(h);
  const foreign = await h.user(['student'], await h.newTenant());
  const url = `/courses/${course.id}/enrollments`;

  const cross = await h.call(teacher, 'POST', url, { userId: foreign.id });
  assert.equal(cross.status, 422);
  assert.equal(cross.body.type, `${PROBLEM}unknown-user`);
  assert.equal(cross.body.field, 'body.userId');
  assert.equal((await h.call(teacher, 'POST', url, { userId: randomUUID() })).status, 422);

  const student = await h.user();
  await h.deactivate(student);
  const gone = await h.call(teacher, 'POST', url, { userId: student.id });
  assert.equal(gone.status, 422);
  assert.equal(gone.body.type, `${PROBLEM}user-deactivated`);
  // Their still-unexpired token does not let them enrol themselves either.
  assert.equal((await h.call(student, 'POST', url, {})).status, 422);

  const [rows] =
    await h.admin`select count(*)::int as n from course.enrollments where course_id = ${course.id}`;
  assert.equal(rows!.n, 1, 'only the teacher');
  assert.equal((await h.call(teacher, 'POST', url, { userId: (await h.user()).id })).status, 201);
  // Reactivated by an admin, they may be enrolled again.
  await h.reactivate(student);
  assert.equal((await h.call(teacher, 'POST', url, { userId: student.id })).status, 201);
});

test('a caller whose registration has not reached course-service yet may still enrol themselves', async () => {
  const { course, teacher } = await publishedCourse(h);
  const early = await h.unregisteredUser();
  assert.equal((await h.call(early, 'POST', `/courses/${course.id}/enrollments`, {})).status, 201);
  // …but nobody else may name them until the directory knows them.
  const other = await h.unregisteredUser();
  assert.equal(
    (await h.call(teacher, 'POST', `/courses/${course.id}/enrollments`, { userId: other.id })).status,
    422,
  );
});

test('section instructors are users of the tenant', async () => {
  const { course, teacher } = await publishedCourse(h);
  const foreign = await h.user(['instructor'], await h.newTenant());
  const sections = `/courses/${course.id}/sections`;
  const refused = await h.call(teacher, 'POST', sections, {
    name: 'P1',
    instructorIds: [teacher.id, foreign.id],
  });
  assert.equal(refused.status, 422);
  assert.equal(refused.body.field, 'body.instructorIds.1');
  const made = await h.call(teacher, 'POST', sections, { name: 'P1', instructorIds: [teacher.id] });
  assert.equal(made.status, 201);
  const patched = await h.call(teacher, 'PATCH', `${sections}/${made.body.id}`, {
    instructorIds: [randomUUID()],
  });
  assert.equal(patched.status, 422);
  assert.equal(patched.body.type, `${PROBLEM}unknown-user`);
});

test('a roster row naming a foreign, unknown or deactivated user is rejected and nothing applies', async () => {
  const tenant = await h.newTenant();
  const admin = await h.user(['tenant_admin'], tenant);
  await h.call(admin, 'POST', '/courses', { code: 'DIR-ROSTER', title: 'Roster' });
  const good = await h.user(['student'], tenant);
  const gone = await h.user(['student'], tenant);
  await h.deactivate(gone);
  const foreign = await h.user(['student']);
  const response = await h.app.inject({
    method: 'POST',
    url: '/enrollments/bulk',
    headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'text/csv' },
    payload: [
      'sourcedId,class,user,role',
      `e1,DIR-ROSTER,${good.id},student`,
      `e2,DIR-ROSTER,${foreign.id},student`,
      `e3,DIR-ROSTER,${randomUUID()},student`,
      `e4,DIR-ROSTER,${gone.id},student`,
    ].join('\n'),
  });
  const body = response.json();
  assert.equal(response.statusCode, 422);
  assert.deepEqual(
    body.rows.map((row: { outcome: string }) => row.outcome),
    ['unchanged', 'rejected', 'rejected', 'rejected'],
  );
  assert.match(body.rows[1].error, /not a user of this tenant/);
  assert.match(body.rows[3].error, /deactivated/);
  const [rows] =
    await h.admin`select count(*)::int as n from course.enrollments where tenant_id = ${tenant.id}`;
  assert.equal(rows!.n, 0);
});

test('user events apply idempotently and an older fact never overwrites a newer one', async () => {
  const tenantId = h.tenant.id;
  const userId = randomUUID();
  const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds)).toISOString();
  const registered = createEvent('user.authentication.user_registered', {
    tenantId,
    data: { userId, tenantId, email: 'a@example.org', roles: ['student'], registeredAt: at(0) },
  });
  const promoted = createEvent('user.authentication.user_role_changed', {
    tenantId,
    data: { userId, tenantId, roles: ['instructor'], previousRoles: ['student'], changedAt: at(10) },
  });
  const deactivated = createEvent('user.authentication.user_deactivated', {
    tenantId,
    data: { userId, tenantId, deactivatedAt: at(20) },
  });
  // Out of order and twice over: the directory ends where the newest facts say.
  for (const event of [deactivated, promoted, registered, registered, promoted])
    await h.sql.begin((tx) => applyUserEvent(tx, outboxEvents, event));
  const [row] = await h.admin`
    select roles, active, email from course.users where tenant_id = ${tenantId} and user_id = ${userId}`;
  assert.deepEqual(row, { roles: ['instructor'], active: false, email: 'a@example.org' });
});

test('a registration brings the display name; an event without one (older producers) keeps it', async () => {
  const tenantId = h.tenant.id;
  const userId = randomUUID();
  const registered = (displayName?: string) =>
    createEvent('user.authentication.user_registered', {
      tenantId,
      data: {
        userId,
        tenantId,
        email: 'ada@example.org',
        roles: ['student'],
        registeredAt: new Date().toISOString(),
        ...(displayName && { displayName }),
      },
    });
  const nameOf = async () => {
    const [row] = await h.admin`
      select display_name from course.users where tenant_id = ${tenantId} and user_id = ${userId}`;
    return row?.display_name;
  };
  await h.sql.begin((tx) => applyUserEvent(tx, outboxEvents, registered('Ada Lovelace')));
  assert.equal(await nameOf(), 'Ada Lovelace');
  await h.sql.begin((tx) => applyUserEvent(tx, outboxEvents, registered()));
  assert.equal(await nameOf(), 'Ada Lovelace', 'a missing name erases nothing');
});

test('a rename reaches the directory; a redelivered older name or registration does not bring it back', async () => {
  const tenantId = h.tenant.id;
  const userId = randomUUID();
  const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds)).toISOString();
  const registered = createEvent('user.authentication.user_registered', {
    tenantId,
    data: {
      userId,
      tenantId,
      email: 'g@example.org',
      roles: ['student'],
      registeredAt: at(0),
      displayName: 'Grace',
    },
  });
  const renamed = (displayName: string, seconds: number) =>
    createEvent('user.authentication.user_profile_changed', {
      tenantId,
      data: { userId, tenantId, displayName, previousDisplayName: 'Grace', changedAt: at(seconds) },
    });
  const nameOf = async () => {
    const [row] = await h.admin`
      select display_name from course.users where tenant_id = ${tenantId} and user_id = ${userId}`;
    return row?.display_name;
  };
  await h.sql.begin((tx) => applyUserEvent(tx, outboxEvents, renamed('Nobody yet', 5)));
  assert.equal(await nameOf(), undefined, 'a rename creates no directory entry');
  for (const event of [registered, renamed('Grace Hopper', 10), renamed('Grace B. Hopper', 5), registered])
    await h.sql.begin((tx) => applyUserEvent(tx, outboxEvents, event));
  assert.equal(await nameOf(), 'Grace Hopper');
});

test('the roster names each member from the directory, null where it has no name', async () => {
  const { course, teacher } = await publishedCourse(h);
  const tenantId = h.tenant.id;
  const named = await h.unregisteredUser();
  await h.sql.begin((tx) =>
    applyUserEvent(
      tx,
      outboxEvents,
      createEvent('user.authentication.user_registered', {
        tenantId,
        data: {
          userId: named.id,
          tenantId,
          email: `${named.id}@example.org`,
          roles: ['student'],
          registeredAt: new Date().toISOString(),
          displayName: 'Grace Hopper',
        },
      }),
    ),
  );
  const unnamed = await h.user();
  const early = await h.unregisteredUser();
  for (const student of [named, unnamed, early])
    assert.equal((await h.call(student, 'POST', `/courses/${course.id}/enrollments`, {})).status, 201);

  const roster = await h.call(teacher, 'GET', `/courses/${course.id}/enrollments`);
  assert.equal(roster.status, 200, JSON.stringify(roster.body));
  const names = new Map(
    roster.body.map((e: { userId: string; displayName: string | null }) => [e.userId, e.displayName]),
  );
  assert.equal(names.get(named.id), 'Grace Hopper');
  assert.equal(names.get(unnamed.id), null, 'registered without a name');
  assert.equal(names.get(early.id), null, 'registration not arrived yet');
});

test('the directory is under RLS: a tenant’s claims see only its own users', async () => {
  const mine = await h.user();
  const other = await h.user(['student'], await h.newTenant());
  const { withTenant } = await import('@eduspry/common');
  const seen = await withTenant(
    h.sql,
    mine.claims,
    (tx) =>
      tx<
        { userId: string }[]
      >`select user_id as "userId" from course.users where user_id in (${mine.id}, ${other.id})`,
  );
  assert.deepEqual(
    seen.map((row) => row.userId),
    [mine.id],
  );
});

test('a freed seat skips a waitlisted user who was deactivated; reactivated, they are next again', async () => {
  const { course, teacher } = await publishedCourse(h, { capacity: 1 });
  const [seated, gone, waiting] = [await h.user(), await h.user(), await h.user()];
  for (const student of [seated, gone, waiting])
    assert.equal((await h.call(student, 'POST', `/courses/${course.id}/enrollments`, {})).status, 201);
  await h.deactivate(gone);
  const statusOf = async () => {
    const roster = await h.call(teacher, 'GET', `/courses/${course.id}/enrollments`);
    return new Map(roster.body.map((e: { userId: string; status: string }) => [e.userId, e.status]));
  };

  assert.equal(
    (await h.call(seated, 'DELETE', `/courses/${course.id}/enrollments/${seated.id}`)).status,
    204,
  );
  let now = await statusOf();
  assert.equal(now.get(waiting.id), 'active', 'the seat went past the deactivated user');
  assert.equal(now.get(gone.id), 'waitlisted', 'who keeps their place');

  await h.reactivate(gone);
  assert.equal(
    (await h.call(waiting, 'DELETE', `/courses/${course.id}/enrollments/${waiting.id}`)).status,
    204,
  );
  now = await statusOf();
  assert.equal(now.get(gone.id), 'active');
});

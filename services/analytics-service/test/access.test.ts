import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { Harness, type Person, track } from './harness.ts';

const h = new Harness();
before(() => h.start());
after(() => h.stop());

const minutesAgo = (m: number) => new Date(h.now.getTime() - m * 60_000);

/** A tenant with a course, its teacher, two students with activity and grades. */
async function school() {
  const tenantId = await h.tenant();
  const courseId = randomUUID();
  const otherCourseId = randomUUID();
  const admin = await h.person(tenantId, ['tenant_admin']);
  const teacher = await h.person(tenantId, ['instructor']);
  const otherTeacher = await h.person(tenantId, ['instructor']);
  const [ana, ben] = [await h.person(tenantId), await h.person(tenantId)];
  const t0 = new Date(h.now.getTime() - 86400_000);
  await h.deliver(h.enrolled(tenantId, teacher.id, courseId, 'teacher', t0));
  await h.deliver(h.enrolled(tenantId, otherTeacher.id, otherCourseId, 'teacher', t0));
  for (const p of [ana, ben]) {
    await h.deliver(h.enrolled(tenantId, p.id, courseId, 'student', t0));
    await h.deliver(h.enrolled(tenantId, p.id, otherCourseId, 'student', t0));
    await h.deliver(h.graded(tenantId, p.id, courseId, randomUUID(), 7, t0));
    for (const c of [courseId, otherCourseId]) {
      const r = await h.call(p, 'POST', '/track', {
        events: [track('heartbeat', minutesAgo(5), { courseId: c, seconds: 120 })],
      });
      assert.equal(r.status, 202, r.text);
    }
  }
  return { tenantId, courseId, otherCourseId, admin, teacher, otherTeacher, ana, ben };
}

test('cross-tenant matrix: no report route answers another tenant’s data, to anyone', async () => {
  const a = await school();
  const b = await school();
  const routes = (s: Awaited<ReturnType<typeof school>>) => [
    '/reports/tenant',
    `/reports/courses/${s.courseId}`,
    `/reports/students/${s.ana.id}`,
  ];
  const outsiders: Person[] = [b.admin, b.teacher, b.ana, await h.person(b.tenantId, ['instructor'])];
  for (const who of outsiders)
    for (const url of routes(a))
      for (const suffix of ['', '?format=csv']) {
        const r = await h.call(who, 'GET', url + suffix);
        if (r.status === 200) {
          // b's admin may ask (it is their role), and RLS answers an empty report: nothing of a's
          // beyond the id that was asked for, not one minute, grade or student.
          const text = r.text.replaceAll(url.split('/').at(-1)!, '');
          for (const id of [a.courseId, a.otherCourseId, a.ana.id, a.ben.id])
            assert.ok(!text.includes(id), `${url}${suffix} leaked ${id}`);
          if (r.body && url !== '/reports/tenant') {
            assert.ok(!/"minutes":[1-9]/.test(r.text), `${url} leaked minutes`);
            assert.ok(!/"count":[1-9]/.test(r.text), `${url} leaked counts`);
          }
        } else assert.equal(r.status, 403, `${url}${suffix}: ${r.status} ${r.text}`);
      }
  // A super_admin of tenant b asking b's routes sees b only; a's rows never appear.
  const platform = await h.person(b.tenantId, ['super_admin']);
  const overview = await h.call(platform, 'GET', '/reports/tenant');
  assert.equal(overview.status, 200);
  assert.ok(!overview.text.includes(a.courseId));
  // Even a direct query under b's claims without any tenant filter sees none of a's rows (RLS).
  const { withTenant } = await import('@eduspry/common');
  const claims = {
    sub: b.admin.id,
    role: 'authenticated' as const,
    app_metadata: { tenant_id: b.tenantId, roles: ['tenant_admin'] },
  };
  for (const table of [
    'events',
    'event_ids',
    'daily_activity',
    'grades',
    'enrollments',
    'student_items',
    'users',
  ]) {
    const rows = await withTenant(h.sql, claims, (tx) =>
      tx.unsafe(`select tenant_id from analytics.${table}`),
    );
    assert.ok(
      rows.every((row) => row.tenant_id === b.tenantId),
      table,
    );
  }
});

test('inside a tenant: teachers see their own courses, students only themselves, admins everything', async () => {
  const s = await school();
  assert.equal((await h.call(s.teacher, 'GET', `/reports/courses/${s.courseId}`)).status, 200);
  assert.equal((await h.call(s.teacher, 'GET', `/reports/courses/${s.otherCourseId}`)).status, 403);
  assert.equal((await h.call(s.ana, 'GET', `/reports/courses/${s.courseId}`)).status, 403);
  assert.equal((await h.call(s.ana, 'GET', '/reports/tenant')).status, 403);
  assert.equal((await h.call(s.teacher, 'GET', '/reports/tenant')).status, 403);
  assert.equal((await h.call(s.ana, 'GET', `/reports/students/${s.ben.id}`)).status, 403);
  const own = await h.call(s.ana, 'GET', `/reports/students/${s.ana.id}`);
  assert.equal(own.status, 200);
  assert.equal(own.body.courses.length, 2);
  // Staff of a shared course see that course's rows of the student, not the other course's.
  const staffView = await h.call(s.teacher, 'GET', `/reports/students/${s.ana.id}`);
  assert.equal(staffView.status, 200, staffView.text);
  assert.deepEqual(
    staffView.body.courses.map((c: { courseId: string }) => c.courseId),
    [s.courseId],
  );
  assert.equal(staffView.body.activity.at(-1).minutes, 2);
  assert.equal(own.body.activity.at(-1).minutes, 4);
  const adminView = await h.call(s.admin, 'GET', `/reports/courses/${s.otherCourseId}`);
  assert.equal(adminView.status, 200);
  assert.equal(adminView.body.students.length, 2);
});

test('a forged tenant or user in a tracking body is refused and counts for nobody', async () => {
  const s = await school();
  const victim = await school();
  const courseId = victim.courseId;
  for (const body of [
    { tenantId: victim.tenantId, events: [track('heartbeat', minutesAgo(1), { courseId, seconds: 300 })] },
    { events: [track('heartbeat', minutesAgo(1), { courseId, seconds: 300, userId: victim.ana.id })] },
    { events: [track('heartbeat', minutesAgo(1), { courseId, seconds: 300, tenantId: victim.tenantId })] },
  ]) {
    const r = await h.call(s.ana, 'POST', '/track', body);
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.type, 'https://eduspry.dev/problems/forged-identity');
  }
  const report = await h.call(victim.admin, 'GET', `/reports/courses/${courseId}`);
  assert.equal(report.body.engagement.at(-1).minutes, 4, 'the victim course only has its own 2 × 2 minutes');
  const [row] = await h.admin<{ n: number }[]>`
    select count(*)::int as n from analytics.events where user_id = ${victim.ana.id} and tenant_id <> ${victim.tenantId}`;
  assert.equal(row!.n, 0);
});

test('tracking limits: duplicates, clock skew, batch size and bad input are 2xx/4xx, never 5xx', async () => {
  const tenantId = await h.tenant();
  const me = await h.person(tenantId);
  const event = track('page_view', minutesAgo(1), { path: '/a' });
  assert.deepEqual((await h.call(me, 'POST', '/track', { events: [event, event] })).body, {
    accepted: 1,
    duplicates: 1,
  });
  assert.deepEqual((await h.call(me, 'POST', '/track', { events: [event] })).body, {
    accepted: 0,
    duplicates: 1,
  });
  const old = await h.call(me, 'POST', '/track', { events: [track('page_view', minutesAgo(25 * 60))] });
  assert.equal(old.body.type, 'https://eduspry.dev/problems/clock-skew');
  const future = await h.call(me, 'POST', '/track', { events: [track('page_view', minutesAgo(-6))] });
  assert.equal(future.body.type, 'https://eduspry.dev/problems/clock-skew');
  const many = Array.from({ length: 501 }, () => track('page_view', minutesAgo(1)));
  assert.equal((await h.call(me, 'POST', '/track', { events: many })).status, 400);
  const full = Array.from({ length: 500 }, () => track('heartbeat', minutesAgo(1), { seconds: 1 }));
  assert.deepEqual((await h.call(me, 'POST', '/track', { events: full })).body, {
    accepted: 500,
    duplicates: 0,
  });
  const bad: unknown[] = [
    { events: [{ ...track('page_view', minutesAgo(1)), path: 'x'.repeat(2049) }] },
    { events: [{ ...track('heartbeat', minutesAgo(1)), seconds: 301 }] },
    { events: [{ ...track('explode', minutesAgo(1)) }] },
    { events: [{ ...track('page_view', minutesAgo(1)), id: 'not-a-uuid' }] },
    { events: [{ ...track('page_view', minutesAgo(1)), path: 'a\u0000b', extra: 1 }] },
    { events: [] },
    JSON.parse(`{"events":${'['.repeat(2000)}${']'.repeat(2000)}}`),
    'not json at all',
  ];
  for (const body of bad) {
    const r = await h.call(me, 'POST', '/track', body, { 'content-type': 'application/json' });
    assert.ok(r.status >= 400 && r.status < 500, `${r.status} ${r.text.slice(0, 200)}`);
  }
  const huge = await h.call(me, 'POST', '/track', { events: [{ path: 'x'.repeat(10 * 1024 * 1024) }] });
  assert.equal(huge.status, 413);
  assert.equal((await h.call('nonsense', 'POST', '/track', { events: [event] })).status, 401);
  for (const url of [
    '/reports/tenant?from=2026-13-01',
    '/reports/tenant?from=2026-02-01&to=2026-01-01',
    '/reports/tenant?from=2020-01-01&to=2026-01-01',
    '/reports/courses/nope',
  ])
    assert.equal((await h.call(await h.person(tenantId, ['tenant_admin']), 'GET', url)).status, 400, url);
});

test('erasing a user removes their raw events and rollups; settings are the tenant admin’s', async () => {
  const s = await school();
  assert.equal((await h.call(s.teacher, 'DELETE', `/users/${s.ana.id}/analytics`)).status, 403);
  assert.equal((await h.call(s.admin, 'DELETE', `/users/${s.ana.id}/analytics`)).status, 204);
  const [row] = await h.admin<{ n: number }[]>`
    select (select count(*) from analytics.events where tenant_id = ${s.tenantId} and user_id = ${s.ana.id})
      + (select count(*) from analytics.daily_activity where tenant_id = ${s.tenantId} and user_id = ${s.ana.id})
      + (select count(*) from analytics.grades where tenant_id = ${s.tenantId} and user_id = ${s.ana.id})
      + (select count(*) from analytics.enrollments where tenant_id = ${s.tenantId} and user_id = ${s.ana.id}) as n`;
  assert.equal(Number(row!.n), 0);
  const report = await h.call(s.admin, 'GET', `/reports/courses/${s.courseId}`);
  assert.deepEqual(
    report.body.students.map((x: { userId: string }) => x.userId),
    [s.ben.id],
  );
  // Ben is still counted, and a rebuild agrees with what erasure left.
  const before = await h.rollups(s.tenantId);
  await h.call(s.admin, 'POST', `/tenants/${s.tenantId}/rollups/rebuild`);
  assert.deepEqual(await h.rollups(s.tenantId), before);

  assert.deepEqual((await h.call(s.admin, 'GET', '/settings')).body, {
    retentionDays: 365,
    inactiveDays: 7,
    lowGradePercent: 60,
    scheduleGraceDays: 7,
  });
  const put = await h.call(s.admin, 'PUT', '/settings', {
    retentionDays: 30,
    inactiveDays: 1,
    lowGradePercent: 80,
  });
  assert.equal(put.status, 200, put.text);
  assert.equal((await h.call(s.teacher, 'PUT', '/settings', put.body)).status, 403);
  assert.equal((await h.call(s.admin, 'PUT', '/settings', { ...put.body, retentionDays: 0 })).status, 400);
  // Ben's 70 % is now under the 80 % threshold.
  const risky = await h.call(s.admin, 'GET', `/reports/courses/${s.courseId}`);
  assert.deepEqual(
    risky.body.atRisk[0].reasons.map((r: { code: string }) => r.code),
    ['low-grade'],
  );
});

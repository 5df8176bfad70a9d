import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { applyRetention, sweepAtRisk } from '../src/domain/at-risk.ts';
import { Harness, track } from './harness.ts';

const h = new Harness();
before(() => h.start());
after(() => h.stop());

const outbox = (tenantId: string) =>
  h.admin<{ data: Record<string, unknown> }[]>`
    select payload -> 'data' as data from analytics.outbox
    where tenant_id = ${tenantId} and event_type = 'analytics.engagement.student_at_risk' order by id`;

test('a student who becomes at risk is told to each teacher and TA once; a relapse is told again', async () => {
  const tenantId = await h.tenant();
  const courseId = randomUUID();
  const [teacher, ta, quiet, busy] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const longAgo = new Date(h.now.getTime() - 10 * 86400_000);
  await h.deliver(h.enrolled(tenantId, teacher, courseId, 'teacher', longAgo));
  await h.deliver(h.enrolled(tenantId, ta, courseId, 'ta', longAgo));
  await h.deliver(h.enrolled(tenantId, quiet, courseId, 'student', longAgo));
  await h.deliver(h.enrolled(tenantId, busy, courseId, 'student', longAgo));
  const busyPerson = await h.person(tenantId, ['student'], busy);
  await h.call(busyPerson, 'POST', '/track', {
    events: [track('heartbeat', new Date(h.now.getTime() - 60_000), { courseId, seconds: 60 })],
  });
  await sweepAtRisk(h.ctx);
  await sweepAtRisk(h.ctx);
  const told = await outbox(tenantId);
  assert.equal(told.length, 2, JSON.stringify(told));
  assert.deepEqual(told.map((e) => e.data.userId).sort(), [teacher, ta].sort());
  assert.ok(told.every((e) => e.data.studentId === quiet && e.data.courseId === courseId));
  assert.deepEqual(told[0]!.data.reasons, ['inactive']);

  // Quiet comes back (no longer at risk), then a failing grade makes them at risk anew.
  const quietPerson = await h.person(tenantId, ['student'], quiet);
  await h.call(quietPerson, 'POST', '/track', {
    events: [track('heartbeat', new Date(h.now.getTime() - 60_000), { courseId, seconds: 60 })],
  });
  await sweepAtRisk(h.ctx);
  assert.equal((await outbox(tenantId)).length, 2);
  await h.deliver(h.graded(tenantId, quiet, courseId, randomUUID(), 2, h.now));
  await sweepAtRisk(h.ctx);
  const again = await outbox(tenantId);
  assert.equal(again.length, 4);
  assert.ok(again.slice(2).every((e) => (e.data.reasons as string[]).includes('low-grade')));
});

test('behind schedule: the items of a dated, published module not completed grace days after it opened (or after a later enrolment)', async () => {
  const tenantId = await h.tenant();
  const courseId = randomUUID();
  const days = (n: number) => new Date(h.now.getTime() - n * 86400_000);
  const [teacher, done, behind, late] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const [dated, undated, draft, gone] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const items = Array.from({ length: 5 }, () => randomUUID());
  await h.deliver(h.enrolled(tenantId, teacher, courseId, 'teacher', days(30)));
  for (const student of [done, behind])
    await h.deliver(h.enrolled(tenantId, student, courseId, 'student', days(12)));
  await h.deliver(h.enrolled(tenantId, late, courseId, 'student', days(2)));
  // The latest schedule counts, whatever order the events arrive in: the stale one comes last.
  await h.deliver(
    h.scheduled(tenantId, courseId, dated, { unlockAt: days(10), itemIds: items.slice(0, 2) }, days(9)),
  );
  await h.deliver(
    h.scheduled(tenantId, courseId, dated, { unlockAt: days(1), itemIds: [items[0]!] }, days(11)),
  );
  await h.deliver(
    h.scheduled(tenantId, courseId, undated, { unlockAt: null, itemIds: [items[2]!] }, days(11)),
  );
  await h.deliver(
    h.scheduled(
      tenantId,
      courseId,
      draft,
      { unlockAt: days(10), itemIds: [items[3]!], published: false },
      days(11),
    ),
  );
  await h.deliver(
    h.scheduled(
      tenantId,
      courseId,
      gone,
      { unlockAt: days(20), itemIds: [items[4]!], removed: true },
      days(11),
    ),
  );
  for (const itemId of items.slice(0, 2))
    await h.deliver(h.completed(tenantId, done, courseId, dated, itemId, days(3)));
  await h.deliver(h.completed(tenantId, behind, courseId, dated, items[0]!, days(3)));
  for (const student of [done, behind, late]) {
    const person = await h.person(tenantId, ['student'], student);
    await h.call(person, 'POST', '/track', {
      events: [track('heartbeat', new Date(h.now.getTime() - 60_000), { courseId, seconds: 60 })],
    });
  }
  const staff = await h.person(tenantId, ['instructor'], teacher);
  const behindNow = async () =>
    (
      (await h.call(staff, 'GET', `/reports/courses/${courseId}`)).body.atRisk as {
        userId: string;
        reasons: { code: string; detail: string }[];
      }[]
    )
      .map((s) => ({ userId: s.userId, reasons: s.reasons.filter((r) => r.code === 'behind-schedule') }))
      .filter((s) => s.reasons.length > 0);
  assert.deepEqual(await behindNow(), [
    { userId: behind, reasons: [{ code: 'behind-schedule', detail: '1 of 2 items due by now completed' }] },
  ]);

  await sweepAtRisk(h.ctx);
  const told = await outbox(tenantId);
  assert.deepEqual(
    told.map((e) => [e.data.studentId, e.data.reasons]),
    [[behind, ['behind-schedule']]],
  );

  // A longer grace (kept by a later change that leaves it out) means the module is not due yet.
  const admin = await h.person(tenantId, ['tenant_admin']);
  const settings = { retentionDays: 365, inactiveDays: 7, lowGradePercent: 60 };
  assert.equal((await h.call(admin, 'PUT', '/settings', { ...settings, scheduleGraceDays: 11 })).status, 200);
  const kept = await h.call(admin, 'PUT', '/settings', settings);
  assert.deepEqual(kept.body, { ...settings, scheduleGraceDays: 11 });
  assert.deepEqual(await behindNow(), []);
  assert.equal((await h.call(admin, 'PUT', '/settings', { ...settings, scheduleGraceDays: -1 })).status, 400);
});

test('retention deletes raw events past the tenant’s retention, keeps the rest', async () => {
  const tenantId = await h.tenant();
  const admin = await h.person(tenantId, ['tenant_admin']);
  const me = await h.person(tenantId);
  await h.call(me, 'POST', '/track', { events: [track('page_view', new Date(h.now.getTime() - 60_000))] });
  const old = new Date(h.now.getTime() - 40 * 86400_000);
  await h.deliver(h.enrolled(tenantId, me.id, randomUUID(), 'student', old));
  assert.equal(
    (await h.call(admin, 'PUT', '/settings', { retentionDays: 30, inactiveDays: 7, lowGradePercent: 60 }))
      .status,
    200,
  );
  await applyRetention(h.ctx);
  const rows = await h.admin<
    { type: string }[]
  >`select type from analytics.events where tenant_id = ${tenantId}`;
  assert.deepEqual(
    rows.map((r) => r.type),
    ['page_view'],
  );
});

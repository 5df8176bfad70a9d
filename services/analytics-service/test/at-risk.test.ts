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

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { EventEnvelope } from '@eduspry/contracts';
import { ingestBatch, rebuildTenant } from '../src/domain/ingest.ts';
import { type RawEvent, rawFromDomain, rawFromTrack } from '../src/domain/rules.ts';
import { Harness } from './harness.ts';

const h = new Harness();
before(() => h.start());
after(() => h.stop());

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A term of a small course: enrolments, tracking of every kind, attempts, grades and regrades. */
function history(rand: () => number) {
  const courses = [randomUUID(), randomUUID()];
  const students = Array.from({ length: 6 }, () => randomUUID());
  const teacher = randomUUID();
  const items = Array.from({ length: 5 }, () => randomUUID());
  const modules = [randomUUID(), randomUUID()];
  const quizzes = [randomUUID(), randomUUID()];
  const start = Date.now() - 20 * 86400_000;
  const at = () => new Date(start + Math.floor(rand() * 19 * 86400_000));
  const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)]!;
  const domain: Omit<EventEnvelope, 'tenantId'>[] = [];
  const tracked: { userId: string; input: Parameters<typeof rawFromTrack>[2] }[] = [];
  const envelope = (eventType: string, when: Date, data: Record<string, unknown>) =>
    domain.push({ eventId: randomUUID(), eventType, version: 1, timestamp: when.toISOString(), data });
  for (const courseId of courses) {
    envelope('course.management.enrollment_changed', new Date(start), {
      userId: teacher,
      courseId,
      action: 'enrolled',
      role: 'teacher',
      timestamp: new Date(start).toISOString(),
    });
    for (const userId of students) {
      const when = new Date(start);
      envelope('user.authentication.user_registered', when, {
        userId,
        email: `${userId}@x.test`,
        roles: ['student'],
        registeredAt: when.toISOString(),
      });
      envelope('course.management.enrollment_changed', when, {
        userId,
        courseId,
        action: 'enrolled',
        role: 'student',
        timestamp: when.toISOString(),
      });
    }
  }
  // One student leaves and comes back at the same instant as another change: the tie-break decides.
  const tie = at();
  envelope('course.management.enrollment_changed', tie, {
    userId: students[0],
    courseId: courses[0],
    action: 'unenrolled',
    role: 'student',
    timestamp: tie.toISOString(),
  });
  envelope('course.management.enrollment_changed', tie, {
    userId: students[0],
    courseId: courses[0],
    action: 'enrolled',
    role: 'student',
    timestamp: tie.toISOString(),
  });
  envelope('user.authentication.user_deactivated', at(), {
    userId: students[5],
    deactivatedAt: at().toISOString(),
  });
  // Each module's schedule changes a few times; two changes share an instant (the id decides).
  for (const courseId of courses)
    for (const moduleId of modules)
      for (let change = 0; change < 3; change++) {
        const when = change === 2 ? tie : at();
        envelope('course.management.schedule_changed', when, {
          courseId,
          moduleId,
          published: rand() < 0.7,
          unlockAt: rand() < 0.8 ? at().toISOString() : null,
          itemIds: items.filter(() => rand() < 0.6),
          removed: rand() < 0.1,
          changedBy: teacher,
          changedAt: when.toISOString(),
        });
      }
  for (let i = 0; i < 400; i++) {
    const userId = pick(students);
    const courseId = pick(courses);
    const itemId = pick(items);
    const when = at();
    const kind = rand();
    if (kind < 0.35)
      tracked.push({
        userId,
        input: {
          id: randomUUID(),
          type: 'heartbeat',
          at: when.toISOString(),
          courseId,
          seconds: rand() * 300,
        },
      });
    else if (kind < 0.5)
      tracked.push({
        userId,
        input: { id: randomUUID(), type: 'item_opened', at: when.toISOString(), courseId, itemId },
      });
    else if (kind < 0.6)
      tracked.push({
        userId,
        input: {
          id: randomUUID(),
          type: 'video_played',
          at: when.toISOString(),
          courseId,
          itemId,
          positionSeconds: 3,
        },
      });
    else if (kind < 0.7)
      tracked.push({
        userId,
        input: { id: randomUUID(), type: 'page_view', at: when.toISOString(), path: '/x' },
      });
    else if (kind < 0.8)
      envelope('course.progress.item_completed', when, {
        userId,
        courseId,
        itemId,
        moduleId: modules[items.indexOf(itemId) % 2],
        position: items.indexOf(itemId) % 2,
      });
    else if (kind < 0.9)
      envelope('assessment.attempt.submitted', when, {
        attemptId: randomUUID(),
        quizId: pick(quizzes),
        courseId,
        userId,
        submittedAt: when.toISOString(),
        pointsPossible: 10,
      });
    else
      envelope('assessment.grading.grade_posted', when, {
        quizId: pick(quizzes),
        courseId,
        userId,
        score: Math.round(rand() * 10),
        pointsPossible: 10,
        postedAt: when.toISOString(),
      });
  }
  return (tenantId: string): RawEvent[] => [
    ...domain.map((e) => rawFromDomain({ ...e, tenantId })),
    ...tracked.map((t) => rawFromTrack(tenantId, t.userId, t.input)),
  ];
}

async function ingest(tenantId: string, events: RawEvent[], batch: number) {
  const { ensurePartitionsFor } = await import('../src/domain/ingest.ts');
  await ensurePartitionsFor(h.sql, events);
  for (let i = 0; i < events.length; i += batch)
    await h.sql.begin((tx) => ingestBatch(tx, tenantId, events.slice(i, i + batch)));
}

const strip = (rollups: Record<string, unknown[]>) =>
  JSON.stringify(
    Object.fromEntries(
      Object.entries(rollups).map(([table, rows]) => [
        table,
        rows.map((row) => {
          const { tenant_id: _, ...rest } = row as Record<string, unknown>;
          return rest;
        }),
      ]),
    ),
  );

test('replaying the whole log twice, or shuffled in odd batches, gives exactly the rollups of one ordered pass', async () => {
  const rand = random(19);
  const events = history(rand);
  const [ordered, twice, shuffled] = [await h.tenant(), await h.tenant(), await h.tenant()];
  const byTime = (list: RawEvent[]) =>
    [...list].sort((a, b) => a.ts.getTime() - b.ts.getTime() || a.eventId.localeCompare(b.eventId));
  await ingest(ordered, byTime(events(ordered)), 100);
  await ingest(twice, byTime(events(twice)), 100);
  await ingest(twice, byTime(events(twice)), 37);
  const mixed = events(shuffled);
  for (let i = mixed.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [mixed[i], mixed[j]] = [mixed[j]!, mixed[i]!];
  }
  // Shuffled, every event twice, in batches of 1 to 60 (duplicates inside one batch included).
  const doubled = [...mixed, ...mixed.slice().reverse()];
  for (let i = 0; i < doubled.length; ) {
    const size = 1 + Math.floor(rand() * 60);
    await ingest(shuffled, doubled.slice(i, i + size), size);
    i += size;
  }
  const reference = strip(await h.rollups(ordered));
  assert.ok((await h.rollups(ordered)).daily_activity!.length > 20);
  assert.equal((await h.rollups(ordered)).course_schedules!.length, 4);
  assert.equal(strip(await h.rollups(twice)), reference);
  assert.equal(strip(await h.rollups(shuffled)), reference);
});

test('rebuilt rollups equal the incrementally maintained ones; only the tenant’s admin may rebuild', async () => {
  const tenantId = await h.tenant();
  await ingest(tenantId, history(random(7))(tenantId), 50);
  const incremental = await h.rollups(tenantId);
  const admin = await h.person(tenantId, ['tenant_admin']);
  const rebuilt = await h.call(admin, 'POST', `/tenants/${tenantId}/rollups/rebuild`);
  assert.equal(rebuilt.status, 200, rebuilt.text);
  const [row] = await h.admin<{ count: number }[]>`
    select count(*)::int as count from analytics.events where tenant_id = ${tenantId}`;
  assert.equal(rebuilt.body.events, row!.count);
  assert.deepEqual(await h.rollups(tenantId), incremental);
  // A small page size crosses many page boundaries, same answer.
  await rebuildTenant(h.ctx, tenantId, 7);
  assert.deepEqual(await h.rollups(tenantId), incremental);

  const other = await h.person(await h.tenant(), ['tenant_admin']);
  assert.equal((await h.call(other, 'POST', `/tenants/${tenantId}/rollups/rebuild`)).status, 403);
  const teacher = await h.person(tenantId, ['instructor']);
  assert.equal((await h.call(teacher, 'POST', `/tenants/${tenantId}/rollups/rebuild`)).status, 403);
  const platform = await h.person(await h.tenant(), ['super_admin']);
  assert.equal((await h.call(platform, 'POST', `/tenants/${tenantId}/rollups/rebuild`)).status, 200);
  assert.deepEqual(await h.rollups(tenantId), incremental);
});

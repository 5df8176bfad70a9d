import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { Harness, track } from './harness.ts';

const h = new Harness();
before(() => h.start());
after(() => h.stop());

const minutesAgo = (m: number) => new Date(h.now.getTime() - m * 60_000);
const today = () => h.now.toISOString().slice(0, 10);

test('tracked activity and domain events show up in the course, student and tenant reports', async () => {
  const tenantId = await h.tenant();
  const admin = await h.person(tenantId, ['tenant_admin']);
  const teacher = await h.person(tenantId, ['instructor']);
  const [ana, ben] = [await h.person(tenantId), await h.person(tenantId)];
  const courseId = randomUUID();
  const [quizA, quizB, itemId] = [randomUUID(), randomUUID(), randomUUID()];
  const enrolledAt = new Date(h.now.getTime() - 30 * 86400_000);
  await h.deliver(h.enrolled(tenantId, teacher.id, courseId, 'teacher', enrolledAt));
  await h.deliver(h.enrolled(tenantId, ana.id, courseId, 'student', enrolledAt));
  await h.deliver(h.enrolled(tenantId, ben.id, courseId, 'student', enrolledAt));
  for (const p of [ana, ben])
    await h.deliver(
      h.event(
        'user.authentication.user_registered',
        tenantId,
        {
          userId: p.id,
          tenantId,
          email: `${p.id}@x.test`,
          roles: ['student'],
          registeredAt: enrolledAt.toISOString(),
          role: 'student',
          registrationMethod: 'admin',
        },
        enrolledAt,
      ),
    );
  const tracked = await h.call(ana, 'POST', '/track', {
    events: [
      track('item_opened', minutesAgo(30), { courseId, itemId }),
      track('video_played', minutesAgo(29), { courseId, itemId, positionSeconds: 0 }),
      track('heartbeat', minutesAgo(25), { courseId, seconds: 300 }),
      track('heartbeat', minutesAgo(20), { courseId, seconds: 300 }),
      track('page_view', minutesAgo(19), { path: '/dashboard' }),
    ],
  });
  assert.equal(tracked.status, 202, tracked.text);
  assert.deepEqual(tracked.body, { accepted: 5, duplicates: 0 });
  // A grade of 9/10 then a regrade to 5/10 for Ana; Ben gets 3/10 and never shows up: at risk twice over.
  await h.deliver(h.graded(tenantId, ana.id, courseId, quizA, 9, minutesAgo(60)));
  await h.deliver(h.graded(tenantId, ana.id, courseId, quizA, 5, minutesAgo(10)));
  await h.deliver(h.graded(tenantId, ana.id, courseId, quizB, 10, minutesAgo(10)));
  await h.deliver(h.graded(tenantId, ben.id, courseId, quizA, 3, minutesAgo(10)));
  // course-service's item_completed, as its outbox carries it.
  await h.deliver({
    eventId: randomUUID(),
    tenantId,
    eventType: 'course.progress.item_completed',
    version: 1,
    timestamp: minutesAgo(5).toISOString(),
    data: {
      userId: ana.id,
      courseId,
      itemId,
      moduleId: randomUUID(),
      position: 1,
      completedAt: minutesAgo(5).toISOString(),
    },
  });

  const course = await h.call(teacher, 'GET', `/reports/courses/${courseId}`);
  assert.equal(course.status, 200, course.text);
  assert.equal(course.body.engagement.length, 28);
  assert.deepEqual(course.body.engagement.at(-1), { day: today(), activeStudents: 1, minutes: 10 });
  const anaRow = course.body.students.find((s: { userId: string }) => s.userId === ana.id);
  assert.equal(anaRow.minutes, 10);
  assert.equal(anaRow.videosWatched, 1);
  assert.equal(anaRow.itemsCompleted, 1);
  assert.equal(course.body.funnel.length, 1);
  assert.equal(course.body.funnel[0].started, 1);
  assert.equal(course.body.funnel[0].completed, 1);
  assert.equal(anaRow.gradeAverage, 75);
  assert.equal(course.body.grades.average, (50 + 100 + 30) / 3);
  assert.equal(course.body.grades.buckets[5].count, 1);
  assert.equal(course.body.grades.buckets[9].count, 1);
  assert.equal(course.body.grades.buckets[3].count, 1);
  const benRisk = course.body.atRisk.find((s: { userId: string }) => s.userId === ben.id);
  assert.deepEqual(benRisk.reasons.map((r: { code: string }) => r.code).sort(), ['inactive', 'low-grade']);
  assert.equal(
    course.body.atRisk.some((s: { userId: string }) => s.userId === ana.id),
    false,
  );

  const student = await h.call(ana, 'GET', `/reports/students/${ana.id}`);
  assert.equal(student.status, 200, student.text);
  assert.equal(student.body.activity.at(-1).minutes, 10);
  assert.equal(student.body.courses[0].courseId, courseId);
  assert.equal(student.body.courses[0].gradeAverage, 75);

  const overview = await h.call(admin, 'GET', '/reports/tenant');
  assert.equal(overview.status, 200, overview.text);
  assert.equal(overview.body.totals.users, 2);
  assert.equal(overview.body.totals.activeUsers, 1);
  assert.equal(overview.body.totals.minutes, 10);
  assert.equal(overview.body.activeUsers.at(-1).count, 1);
  const row = overview.body.courses.find((c: { courseId: string }) => c.courseId === courseId);
  assert.equal(row.activeStudents, 1);

  const csv = await h.call(teacher, 'GET', `/reports/courses/${courseId}`, undefined, { accept: 'text/csv' });
  assert.equal(csv.status, 200);
  assert.match(csv.type, /text\/csv/);
  const lines = csv.text.trim().split('\n');
  assert.equal(lines[0], 'userId,lastActivityAt,minutes,itemsCompleted,videosWatched,gradeAverage');
  assert.equal(lines.length, 3);
  const csv2 = await h.call(admin, 'GET', '/reports/tenant?format=csv');
  assert.match(csv2.text, /^courseId,activeStudents,completionRate,gradeAverage\n/);
});

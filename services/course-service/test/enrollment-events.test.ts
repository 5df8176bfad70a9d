import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Harness, harness, publishedCourse } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await harness();
});
after(() => h.close());

/** The full data of the tenant's enrollment_changed events for one course, oldest first. */
async function eventsOf(courseId: string) {
  const rows = await h.admin<{ payload: { data: Record<string, unknown> } }[]>`
    select payload from course.outbox
    where tenant_id = ${h.tenant.id} and event_type = 'course.management.enrollment_changed'
      and payload->'data'->>'courseId' = ${courseId}
    order by id`;
  return rows.map((row) => row.payload.data);
}

test('enrollment_changed says who joined in which role and section, and who did it', async () => {
  const { course, teacher } = await publishedCourse(h);
  const section = await h.call(teacher, 'POST', `/courses/${course.id}/sections`, { name: 'Period 1' });
  assert.equal(section.status, 201);
  const student = await h.user();
  assert.equal((await h.call(student, 'POST', `/courses/${course.id}/enrollments`, {})).status, 201);
  const ta = await h.user(['instructor']);
  const added = await h.call(teacher, 'POST', `/courses/${course.id}/enrollments`, {
    userId: ta.id,
    role: 'ta',
    sectionId: section.body.id,
  });
  assert.equal(added.status, 201);
  assert.equal(
    (await h.call(teacher, 'DELETE', `/courses/${course.id}/enrollments/${student.id}`)).status,
    204,
  );

  const events = await eventsOf(course.id);
  const pick = ({ userId, action, role, sectionId, actorId }: Record<string, unknown>) => ({
    userId,
    action,
    role,
    sectionId,
    actorId,
  });
  assert.deepEqual(events.map(pick), [
    // The creator became the course's teacher by creating it: their own act, as teacher.
    { userId: teacher.id, action: 'enrolled', role: 'teacher', sectionId: null, actorId: teacher.id },
    // A student self-enrolling: the same actor and member, but as student.
    { userId: student.id, action: 'enrolled', role: 'student', sectionId: null, actorId: student.id },
    { userId: ta.id, action: 'enrolled', role: 'ta', sectionId: section.body.id, actorId: teacher.id },
    { userId: student.id, action: 'unenrolled', role: 'student', sectionId: null, actorId: teacher.id },
  ]);
});

test('item_completed is emitted once, on the first completion, with the module and its position', async () => {
  const { course, teacher } = await publishedCourse(h);
  const moduleIds: string[] = [];
  for (const title of ['Week 1', 'Week 2']) {
    const module = await h.call(teacher, 'POST', `/courses/${course.id}/modules`, { title, published: true });
    assert.equal(module.status, 201);
    moduleIds.push(module.body.id);
  }
  const item = await h.call(teacher, 'POST', `/courses/${course.id}/modules/${moduleIds[1]}/items`, {
    kind: 'page',
    title: 'Reading',
    body: 'Read me',
    published: true,
  });
  assert.equal(item.status, 201);
  const student = await h.user();
  assert.equal((await h.call(student, 'POST', `/courses/${course.id}/enrollments`, {})).status, 201);
  const url = `/courses/${course.id}/items/${item.body.id}/completion`;
  const first = await h.call(student, 'PUT', url);
  assert.equal(first.status, 200);
  assert.equal((await h.call(student, 'PUT', url)).status, 200, 'completing again is idempotent');

  const rows = await h.admin<{ payload: { data: Record<string, unknown> } }[]>`
    select payload from course.outbox
    where tenant_id = ${h.tenant.id} and event_type = 'course.progress.item_completed'
      and payload->'data'->>'courseId' = ${course.id}`;
  assert.deepEqual(
    rows.map((row) => row.payload.data),
    [
      {
        userId: student.id,
        courseId: course.id,
        itemId: item.body.id,
        moduleId: moduleIds[1],
        position: 1,
        completedAt: first.body.completedAt,
      },
    ],
  );
});

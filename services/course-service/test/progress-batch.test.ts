import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Harness, harness, publishedCourse } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await harness();
});
after(() => h.close());

test("one call answers the caller's progress in many courses, null where not enrolled", async () => {
  const first = await publishedCourse(h);
  const second = await publishedCourse(h);
  const notMine = await publishedCourse(h);
  const module = await h.call(first.teacher, 'POST', `/courses/${first.course.id}/modules`, {
    title: 'Week 1',
    published: true,
  });
  const items = [];
  for (const title of ['Read', 'Watch']) {
    const item = await h.call(
      first.teacher,
      'POST',
      `/courses/${first.course.id}/modules/${module.body.id}/items`,
      { kind: 'page', title, body: 'x', published: true },
    );
    items.push(item.body);
  }
  const student = await h.user();
  for (const { course } of [first, second])
    assert.equal((await h.call(student, 'POST', `/courses/${course.id}/enrollments`, {})).status, 201);
  await h.call(student, 'PUT', `/courses/${first.course.id}/items/${items[0].id}/completion`);

  const ids = [first.course.id, second.course.id, notMine.course.id];
  const response = await h.call(student, 'GET', `/progress?${ids.map((id) => `courseIds=${id}`).join('&')}`);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assert.deepEqual(response.body.items, [
    { courseId: first.course.id, progress: { completed: 1, total: 2, percent: 50 } },
    { courseId: second.course.id, progress: { completed: 0, total: 0, percent: 0 } },
    { courseId: notMine.course.id, progress: null },
  ]);
});

test("another tenant's course answers null progress, never its numbers", async () => {
  const { course } = await publishedCourse(h);
  const outsider = await h.user(['student'], await h.newTenant());
  const response = await h.call(outsider, 'GET', `/progress?courseIds=${course.id}`);
  assert.equal(response.status, 200);
  assert.deepEqual(response.body.items, [{ courseId: course.id, progress: null }]);
});

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Harness, harness, publishedCourse } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await harness();
});
after(() => h.close());

/** The schedule_changed events of one module, oldest first (by the outbox's order). */
async function schedulesOf(moduleId: string) {
  const rows = await h.admin<{ key: string; payload: { data: Record<string, unknown> } }[]>`
    select key, payload from course.outbox
    where tenant_id = ${h.tenant.id} and event_type = 'course.management.schedule_changed'
      and payload->'data'->>'moduleId' = ${moduleId}
    order by id`;
  return rows.map((row): Record<string, unknown> => ({ key: row.key, ...row.payload.data }));
}

test('schedule_changed tells a module’s schedule whenever what is due, or when, changes', async () => {
  const { course, teacher } = await publishedCourse(h);
  const unlockAt = '2026-09-01T08:00:00.000Z';
  const module = await h.call(teacher, 'POST', `/courses/${course.id}/modules`, {
    title: 'Week 1',
    published: true,
    unlockAt,
  });
  assert.equal(module.status, 201, JSON.stringify(module.body));
  const moduleId = module.body.id as string;
  const item = (published: boolean) =>
    h.call(teacher, 'POST', `/courses/${course.id}/modules/${moduleId}/items`, {
      kind: 'page',
      title: 'Read',
      body: 'Chapter 1',
      published,
    });
  const draft = await item(false);
  const live = await item(true);
  assert.equal(live.status, 201);
  // Neither a title nor a draft's body is part of the schedule.
  await h.call(teacher, 'PATCH', `/courses/${course.id}/modules/${moduleId}`, { title: 'Week one' });
  await h.call(teacher, 'PATCH', `/courses/${course.id}/items/${draft.body.id}`, { title: 'Later' });
  await h.call(teacher, 'PATCH', `/courses/${course.id}/items/${draft.body.id}`, { published: true });
  await h.call(teacher, 'PATCH', `/courses/${course.id}/items/${live.body.id}`, { published: false });
  await h.call(teacher, 'PATCH', `/courses/${course.id}/modules/${moduleId}`, { unlockAt: null });
  assert.equal((await h.call(teacher, 'DELETE', `/courses/${course.id}/items/${draft.body.id}`)).status, 204);
  assert.equal((await h.call(teacher, 'DELETE', `/courses/${course.id}/modules/${moduleId}`)).status, 204);

  const events = await schedulesOf(moduleId);
  assert.deepEqual(
    events.map(({ published, unlockAt, itemIds, removed }) => ({ published, unlockAt, itemIds, removed })),
    [
      { published: true, unlockAt, itemIds: [], removed: false },
      { published: true, unlockAt, itemIds: [live.body.id], removed: false },
      { published: true, unlockAt, itemIds: [draft.body.id, live.body.id], removed: false },
      { published: true, unlockAt, itemIds: [draft.body.id], removed: false },
      { published: true, unlockAt: null, itemIds: [draft.body.id], removed: false },
      { published: true, unlockAt: null, itemIds: [], removed: false },
      { published: false, unlockAt: null, itemIds: [], removed: true },
    ],
  );
  assert.ok(
    events.every((e) => e.key === course.id && e.courseId === course.id && e.changedBy === teacher.id),
  );
  const stamps = events.map((e) => Date.parse(e.changedAt as string));
  assert.deepEqual(
    stamps,
    [...stamps].sort((a, b) => a - b),
  );
});

test('items added to one module at once all land, each stamped after the last, the final schedule listing every one', async () => {
  const { course, teacher } = await publishedCourse(h);
  const module = await h.call(teacher, 'POST', `/courses/${course.id}/modules`, {
    title: 'Busy',
    published: true,
    unlockAt: '2026-09-01T08:00:00.000Z',
  });
  const added = await Promise.all(
    Array.from({ length: 6 }, (_, i) =>
      h.call(teacher, 'POST', `/courses/${course.id}/modules/${module.body.id}/items`, {
        kind: 'page',
        title: `Part ${i}`,
        body: 'x',
        published: true,
      }),
    ),
  );
  assert.deepEqual(
    added.map((r) => r.status),
    Array(6).fill(201),
  );
  assert.deepEqual(added.map((r) => r.body.position).sort(), [0, 1, 2, 3, 4, 5]);
  const events = await schedulesOf(module.body.id);
  const latest = events.reduce((a, b) =>
    Date.parse(b.changedAt as string) > Date.parse(a.changedAt as string) ? b : a,
  );
  assert.deepEqual([...(latest.itemIds as string[])].sort(), added.map((r) => r.body.id as string).sort());
  assert.equal(new Set(events.map((e) => e.changedAt)).size, events.length);
});

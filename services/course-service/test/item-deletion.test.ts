import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Harness, harness, type Json, publishedCourse, type User } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await harness();
});
after(() => h.close());

/** The item_deleted events course-service wrote to its outbox for a course, oldest first. */
async function deletionsOf(tenantId: string, courseId: string): Promise<Json[]> {
  const rows = await h.admin<{ key: string; payload: { tenantId: string; data: Json } }[]>`
    select key, payload from course.outbox
    where tenant_id = ${tenantId} and event_type = 'course.management.item_deleted'
      and payload->'data'->>'courseId' = ${courseId}
    order by id`;
  return rows.map((row) => ({ key: row.key, envelopeTenant: row.payload.tenantId, ...row.payload.data }));
}

async function moduleWithItems(teacher: User, courseId: string, title: string, count: number) {
  const module = await h.call(teacher, 'POST', `/courses/${courseId}/modules`, { title, published: true });
  assert.equal(module.status, 201, JSON.stringify(module.body));
  const items = [];
  for (let i = 0; i < count; i++) {
    const item = await h.call(teacher, 'POST', `/courses/${courseId}/modules/${module.body.id}/items`, {
      kind: 'file',
      title: `Handout ${i}`,
      fileId: crypto.randomUUID(),
      published: true,
    });
    assert.equal(item.status, 201, JSON.stringify(item.body));
    items.push(item.body);
  }
  return { module: module.body, items };
}

test('deleting an item emits item_deleted in its transaction; the rest of the module closes ranks', async () => {
  const { course, teacher } = await publishedCourse(h);
  const { module, items } = await moduleWithItems(teacher, course.id, 'Week 1', 3);
  const student = await h.user();
  assert.equal((await h.call(student, 'POST', `/courses/${course.id}/enrollments`, {})).status, 201);

  const refused = await h.call(student, 'DELETE', `/courses/${course.id}/items/${items[1].id}`);
  assert.equal(refused.status, 403, 'a student deletes nothing');
  const deleted = await h.call(teacher, 'DELETE', `/courses/${course.id}/items/${items[1].id}`);
  assert.equal(deleted.status, 204, JSON.stringify(deleted.body));
  assert.equal((await h.call(teacher, 'GET', `/courses/${course.id}/items/${items[1].id}`)).status, 404);
  assert.equal(
    (await h.call(teacher, 'DELETE', `/courses/${course.id}/items/${items[1].id}`)).status,
    404,
    'deleting it again is a 404 and emits nothing',
  );

  const opened = await h.call(teacher, 'GET', `/courses/${course.id}/modules/${module.id}`);
  assert.deepEqual(
    opened.body.items.map((item: { id: string; position: number }) => [item.id, item.position]),
    [
      [items[0].id, 0],
      [items[2].id, 1],
    ],
  );
  const events = await deletionsOf(h.tenant.id, course.id);
  assert.equal(events.length, 1);
  const { deletedAt, ...event } = events[0]!;
  assert.deepEqual(event, {
    key: course.id,
    envelopeTenant: h.tenant.id,
    tenantId: h.tenant.id,
    courseId: course.id,
    moduleId: module.id,
    itemId: items[1].id,
    kind: 'file',
    fileId: items[1].fileId,
    assessmentId: null,
    cause: 'item',
    deletedBy: teacher.id,
  });
  assert.ok(!Number.isNaN(Date.parse(String(deletedAt))));
});

test('deleting a module emits one item_deleted per item it took with it', async () => {
  const { course, teacher } = await publishedCourse(h);
  const first = await moduleWithItems(teacher, course.id, 'Week 1', 1);
  const doomed = await moduleWithItems(teacher, course.id, 'Week 2', 2);
  const last = await moduleWithItems(teacher, course.id, 'Week 3', 0);
  // Week 3 requires Week 2: once Week 2 is gone, it requires nothing.
  const required = await h.call(teacher, 'PATCH', `/courses/${course.id}/modules/${last.module.id}`, {
    requiresModuleId: doomed.module.id,
  });
  assert.equal(required.status, 200, JSON.stringify(required.body));

  const deleted = await h.call(teacher, 'DELETE', `/courses/${course.id}/modules/${doomed.module.id}`);
  assert.equal(deleted.status, 204, JSON.stringify(deleted.body));
  assert.equal(
    (await h.call(teacher, 'GET', `/courses/${course.id}/modules/${doomed.module.id}`)).status,
    404,
  );
  for (const item of doomed.items)
    assert.equal((await h.call(teacher, 'GET', `/courses/${course.id}/items/${item.id}`)).status, 404);
  const modules = await h.call(teacher, 'GET', `/courses/${course.id}/modules`);
  assert.deepEqual(
    modules.body.map((m: { id: string; position: number; requiresModuleId: string | null }) => [
      m.id,
      m.position,
      m.requiresModuleId,
    ]),
    [
      [first.module.id, 0, null],
      [last.module.id, 1, null],
    ],
  );

  const events = await deletionsOf(h.tenant.id, course.id);
  assert.deepEqual(
    events.map(({ moduleId, itemId, cause, deletedBy, fileId }) => ({
      moduleId,
      itemId,
      cause,
      deletedBy,
      fileId,
    })),
    doomed.items.map((item) => ({
      moduleId: doomed.module.id,
      itemId: item.id,
      cause: 'module',
      deletedBy: teacher.id,
      fileId: item.fileId,
    })),
  );
});

test("another tenant's staff cannot delete a course's items or modules, and nothing is emitted", async () => {
  const { course, teacher } = await publishedCourse(h);
  const { module, items } = await moduleWithItems(teacher, course.id, 'Week 1', 1);
  const other = await h.newTenant();
  const admin = await h.user(['tenant_admin'], other);
  assert.equal((await h.call(admin, 'DELETE', `/courses/${course.id}/items/${items[0].id}`)).status, 404);
  assert.equal((await h.call(admin, 'DELETE', `/courses/${course.id}/modules/${module.id}`)).status, 404);
  assert.equal((await h.call(teacher, 'GET', `/courses/${course.id}/items/${items[0].id}`)).status, 200);
  assert.deepEqual(await deletionsOf(h.tenant.id, course.id), []);
  assert.deepEqual(await deletionsOf(other.id, course.id), []);
});

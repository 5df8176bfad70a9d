import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Harness, harness, type Json, publishedCourse, type User } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await harness();
});
after(() => h.close());

/** A published course with modules of published page items, and an enrolled student. */
async function courseWithModules(
  modules: {
    title: string;
    items: number;
    unlockAt?: string;
    requiresPrevious?: boolean;
    published?: boolean;
  }[],
) {
  const { course, teacher } = await publishedCourse(h);
  const created: Json[] = [];
  for (const spec of modules) {
    const previous = created[created.length - 1];
    const module = await h.call(teacher, 'POST', `/courses/${course.id}/modules`, {
      title: spec.title,
      published: spec.published ?? true,
      ...(spec.unlockAt ? { unlockAt: spec.unlockAt } : {}),
      ...(spec.requiresPrevious && previous ? { requiresModuleId: previous.id } : {}),
    });
    assert.equal(module.status, 201, JSON.stringify(module.body));
    const items = [];
    for (let i = 0; i < spec.items; i++) {
      const item = await h.call(teacher, 'POST', `/courses/${course.id}/modules/${module.body.id}/items`, {
        kind: 'page',
        title: `${spec.title} page ${i + 1}`,
        body: 'Read me',
        published: true,
      });
      assert.equal(item.status, 201, JSON.stringify(item.body));
      items.push(item.body);
    }
    created.push({ ...module.body, items });
  }
  const student = await h.user();
  assert.equal((await h.call(student, 'POST', `/courses/${course.id}/enrollments`, {})).status, 201);
  return { course, teacher, student, modules: created };
}

const complete = (user: User, courseId: string, itemId: string) =>
  h.call(user, 'PUT', `/courses/${courseId}/items/${itemId}/completion`);

test('a student cannot open a module before its unlock date', async () => {
  const future = new Date(Date.now() + 7 * 24 * 3600_000).toISOString();
  const { course, student, modules, teacher } = await courseWithModules([
    { title: 'Now', items: 1 },
    { title: 'Next week', items: 1, unlockAt: future },
  ]);
  const [open, later] = modules;
  assert.equal((await h.call(student, 'GET', `/courses/${course.id}/modules/${open.id}`)).status, 200);
  const locked = await h.call(student, 'GET', `/courses/${course.id}/modules/${later.id}`);
  assert.equal(locked.status, 403);
  assert.equal(locked.body.type, 'https://eduspry.dev/problems/module-locked');
  assert.equal(locked.body.reason, 'locked-until-date');
  const item = await h.call(student, 'GET', `/courses/${course.id}/items/${later.items[0].id}`);
  assert.equal(item.status, 403);
  assert.equal((await complete(student, course.id, later.items[0].id)).status, 403);
  // Staff always can.
  assert.equal((await h.call(teacher, 'GET', `/courses/${course.id}/modules/${later.id}`)).status, 200);
  // Once the date has passed, it opens.
  const past = new Date(Date.now() - 1000).toISOString();
  await h.call(teacher, 'PATCH', `/courses/${course.id}/modules/${later.id}`, { unlockAt: past });
  assert.equal((await h.call(student, 'GET', `/courses/${course.id}/modules/${later.id}`)).status, 200);
});

test('a module that requires the previous one opens only when every item of it is complete', async () => {
  const { course, student, modules } = await courseWithModules([
    { title: 'Basics', items: 2 },
    { title: 'Advanced', items: 1, requiresPrevious: true },
  ]);
  const [basics, advanced] = modules;
  const url = `/courses/${course.id}/modules/${advanced.id}`;
  assert.equal((await h.call(student, 'GET', url)).body.reason, 'prerequisite-incomplete');
  assert.equal((await complete(student, course.id, basics.items[0].id)).status, 200);
  assert.equal((await h.call(student, 'GET', url)).status, 403);
  assert.equal((await complete(student, course.id, basics.items[1].id)).status, 200);
  const opened = await h.call(student, 'GET', url);
  assert.equal(opened.status, 200);
  assert.deepEqual(opened.body.access, { allowed: true, reason: 'enrolled' });
});

test('progress is reported per module and for the course', async () => {
  const { course, student, teacher, modules } = await courseWithModules([
    { title: 'One', items: 2 },
    { title: 'Two', items: 2 },
  ]);
  await complete(student, course.id, modules[0].items[0].id);
  await complete(student, course.id, modules[0].items[0].id); // idempotent
  await complete(student, course.id, modules[1].items[1].id);
  await complete(student, course.id, modules[0].items[1].id);
  const progress = await h.call(student, 'GET', `/courses/${course.id}/progress/${student.id}`);
  assert.equal(progress.status, 200);
  assert.deepEqual(
    { completed: progress.body.completed, total: progress.body.total, percent: progress.body.percent },
    { completed: 3, total: 4, percent: 75 },
  );
  assert.deepEqual(
    progress.body.modules.map((m: Json) => m.percent),
    [100, 50],
  );
  // Staff see a student's progress; other students do not.
  assert.equal(
    (await h.call(teacher, 'GET', `/courses/${course.id}/progress/${student.id}`)).body.percent,
    75,
  );
  const other = await h.user();
  await h.call(other, 'POST', `/courses/${course.id}/enrollments`, {});
  assert.equal((await h.call(other, 'GET', `/courses/${course.id}/progress/${student.id}`)).status, 403);
});

test('unpublished modules and items are hidden from students and cannot be opened', async () => {
  const { course, student, teacher, modules } = await courseWithModules([
    { title: 'Visible', items: 2 },
    { title: 'Hidden', items: 1, published: false },
  ]);
  const [visible, hidden] = modules;
  await h.call(teacher, 'PATCH', `/courses/${course.id}/items/${visible.items[1].id}`, { published: false });
  const list = await h.call(student, 'GET', `/courses/${course.id}/modules`);
  assert.deepEqual(
    list.body.map((m: Json) => [m.title, m.items.length]),
    [['Visible', 1]],
  );
  assert.equal((await h.call(student, 'GET', `/courses/${course.id}/modules/${hidden.id}`)).status, 404);
  assert.equal(
    (await h.call(student, 'GET', `/courses/${course.id}/items/${visible.items[1].id}`)).status,
    404,
  );
  const staffView = await h.call(teacher, 'GET', `/courses/${course.id}/modules`);
  assert.equal(staffView.body.length, 2);
  // Publishing makes it appear.
  await h.call(teacher, 'PATCH', `/courses/${course.id}/modules/${hidden.id}`, { published: true });
  assert.equal((await h.call(student, 'GET', `/courses/${course.id}/modules`)).body.length, 2);
});

test('modules and items reorder, and a reorder must name every one exactly once', async () => {
  const { course, teacher, modules } = await courseWithModules([
    { title: 'A', items: 3 },
    { title: 'B', items: 0 },
    { title: 'C', items: 0 },
  ]);
  const [a, b, c] = modules.map((m: Json) => m.id);
  const reordered = await h.call(teacher, 'PUT', `/courses/${course.id}/modules/order`, {
    moduleIds: [c, a, b],
  });
  assert.equal(reordered.status, 200);
  assert.deepEqual(
    reordered.body.map((m: Json) => m.title),
    ['C', 'A', 'B'],
  );
  assert.equal(
    (await h.call(teacher, 'PUT', `/courses/${course.id}/modules/order`, { moduleIds: [c, a] })).status,
    400,
  );
  const items = modules[0].items.map((i: Json) => i.id);
  const itemOrder = await h.call(teacher, 'PUT', `/courses/${course.id}/modules/${a}/items/order`, {
    itemIds: [items[2], items[0], items[1]],
  });
  assert.deepEqual(
    itemOrder.body.map((i: Json) => i.id),
    [items[2], items[0], items[1]],
  );
  const student = await h.user();
  assert.equal(
    (await h.call(student, 'PUT', `/courses/${course.id}/modules/order`, { moduleIds: [a, b, c] })).status,
    403,
  );
});

test('a waitlisted student cannot open any module', async () => {
  const { course, teacher } = await publishedCourse(h, { capacity: 1 });
  const module = await h.call(teacher, 'POST', `/courses/${course.id}/modules`, {
    title: 'M',
    published: true,
  });
  const [first, second] = [await h.user(), await h.user()];
  await h.call(first, 'POST', `/courses/${course.id}/enrollments`, {});
  await h.call(second, 'POST', `/courses/${course.id}/enrollments`, {});
  assert.equal((await h.call(first, 'GET', `/courses/${course.id}/modules/${module.body.id}`)).status, 200);
  const waiting = await h.call(second, 'GET', `/courses/${course.id}/modules/${module.body.id}`);
  assert.equal(waiting.status, 403);
  assert.equal(waiting.body.reason, 'waitlisted');
});

test('items need their reference, unlock rules cannot form a cycle, and bad ids are 4xx', async () => {
  const { course, teacher, modules } = await courseWithModules([
    { title: 'A', items: 0 },
    { title: 'B', items: 0, requiresPrevious: true },
  ]);
  const [a, b] = modules;
  const itemsUrl = `/courses/${course.id}/modules/${a.id}/items`;
  assert.equal((await h.call(teacher, 'POST', itemsUrl, { kind: 'link', title: 'Link' })).status, 400);
  assert.equal(
    (await h.call(teacher, 'POST', itemsUrl, { kind: 'link', title: 'Link', url: 'javascript:alert(1)' }))
      .status,
    400,
  );
  assert.equal((await h.call(teacher, 'POST', itemsUrl, { kind: 'video', title: 'V' })).status, 400);
  const link = await h.call(teacher, 'POST', itemsUrl, {
    kind: 'link',
    title: 'Link',
    url: 'https://example.org',
  });
  assert.equal(link.status, 201);
  const assessment = await h.call(teacher, 'POST', itemsUrl, {
    kind: 'assessment',
    title: 'Quiz',
    assessmentId: crypto.randomUUID(),
  });
  assert.equal(assessment.status, 201);
  assert.equal(
    (await h.call(teacher, 'PATCH', `/courses/${course.id}/modules/${a.id}`, { requiresModuleId: b.id }))
      .status,
    400,
  );
  const unknown = crypto.randomUUID();
  assert.equal(
    (
      await h.call(teacher, 'POST', `/courses/${course.id}/modules/${unknown}/items`, {
        kind: 'page',
        title: 'x',
      })
    ).status,
    404,
  );
  assert.equal(
    (
      await h.call(teacher, 'POST', `/courses/${course.id}/modules`, {
        title: 'x',
        requiresModuleId: unknown,
      })
    ).status,
    400,
  );
  assert.equal((await h.call(teacher, 'GET', `/courses/${course.id}/items/${unknown}`)).status, 404);
  assert.equal((await h.call(teacher, 'GET', `/courses/${course.id}/modules/xyz`)).status, 400);
});

test('sections carry their own dates and instructors, and enrolments can name one', async () => {
  const { course, teacher } = await publishedCourse(h);
  const ta = await h.user(['instructor']);
  const section = await h.call(teacher, 'POST', `/courses/${course.id}/sections`, {
    name: 'Period 2',
    startsOn: '2026-09-01',
    endsOn: '2027-01-31',
    instructorIds: [ta.id],
  });
  assert.equal(section.status, 201, JSON.stringify(section.body));
  assert.deepEqual(section.body.instructorIds, [ta.id]);
  assert.equal(
    (await h.call(teacher, 'POST', `/courses/${course.id}/sections`, { name: 'Period 2' })).status,
    409,
  );
  const student = await h.user();
  const enrolled = await h.call(teacher, 'POST', `/courses/${course.id}/enrollments`, {
    userId: student.id,
    sectionId: section.body.id,
  });
  assert.equal(enrolled.body.sectionId, section.body.id);
  const wrong = await h.call(teacher, 'POST', `/courses/${course.id}/enrollments`, {
    userId: (await h.user()).id,
    sectionId: crypto.randomUUID(),
  });
  assert.equal(wrong.status, 404);
  const renamed = await h.call(teacher, 'PATCH', `/courses/${course.id}/sections/${section.body.id}`, {
    name: 'Period 3',
  });
  assert.equal(renamed.body.name, 'Period 3', JSON.stringify(renamed.body));
  assert.equal((await h.call(student, 'GET', `/courses/${course.id}/sections`)).body.length, 1);
});

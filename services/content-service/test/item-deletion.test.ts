// A deleted course item deletes its files: course-service's DELETE writes item_deleted to
// course.outbox, its relay publishes it to the Postgres event log, content-service's consumer
// (followCourseEvents, as main.ts runs it) deletes the files, frees the quota, emits
// file_deleted and removes the objects. The real path, end to end, on the test database.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { EventEnvelope } from '@eduspry/contracts';
import { appendToOutbox, createEventBus, type EventBus, startOutboxRelay } from '@eduspry/event-bus';
import { objectKey } from '@eduspry/storage';
import { deleteFilesOfDeletedItem } from '../src/domain/deleted-items.ts';
import { courseWithItems, type Harness, harness, type Json, PDF } from './helpers.ts';

const quiet = { info: () => {}, warn: () => {} };

let h: Harness;
let buses: EventBus[];
let relay: { stop(): Promise<void> };
let following: { stop(): Promise<void> };
before(async () => {
  h = await harness();
  buses = [
    createEventBus({ sql: h.course.sql, service: 'course-service', kafkaBrokers: '' }),
    createEventBus({ sql: h.sql, service: 'content-service', kafkaBrokers: '' }),
  ];
  relay = startOutboxRelay({ sql: h.course.sql, schema: 'course', bus: buses[0]!, pollIntervalMs: 100 });
  following = await h.followCourseEvents(buses[1]!);
});
after(async () => {
  await following.stop();
  await relay.stop();
  await Promise.all(buses.map((bus) => bus.close()));
  await h.close();
});

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const usage = async (tenantId: string) =>
  (
    await h.admin<{ used: number }[]>`
      select used_bytes::int as used from content.tenant_storage where tenant_id = ${tenantId}`
  )[0]!.used;

/** Every file of the tenant with its status and its versions' statuses, for before/after comparisons. */
const stateOf = async (tenantId: string) => ({
  used: await usage(tenantId),
  files: await h.admin`
    select f.id, f.status, array_agg(v.status order by v.version) as versions
    from content.files f join content.file_versions v on v.file_id = f.id
    where f.tenant_id = ${tenantId} group by f.id, f.status order by f.id`,
  events: Number(
    (await h.admin`select count(*) as n from content.outbox where tenant_id = ${tenantId}`)[0]!.n,
  ),
});

const statusOf = async (fileId: string) =>
  (await h.admin<{ status: string }[]>`select status from content.files where id = ${fileId}`)[0]?.status;

/** The item_deleted course-service wrote for an item: the envelope the relay publishes. */
async function itemDeletedFor(itemId: string): Promise<EventEnvelope> {
  const [row] = await h.admin<{ payload: EventEnvelope }[]>`
    select payload from course.outbox
    where event_type = 'course.management.item_deleted' and payload->'data'->>'itemId' = ${itemId}`;
  assert.ok(row, `course-service wrote no item_deleted for ${itemId}`);
  return row.payload;
}

const processed = (eventId: string) =>
  waitFor(`content-service to handle ${eventId}`, async () => {
    const [row] = await h.admin`
      select 1 from content.processed_events where consumer_group = 'content-service' and event_id = ${eventId}`;
    return row;
  });

async function uploadTo(teacher: Json, courseId: string, itemId: string | null, text: string) {
  const bytes = PDF(text);
  const query = itemId ? `?itemId=${itemId}` : '';
  const uploaded = await h.upload(teacher, `/courses/${courseId}/files${query}`, {
    name: `${text}.pdf`,
    bytes,
  });
  assert.equal(uploaded.status, 201, JSON.stringify(uploaded.body));
  return { ...uploaded.body, bytes } as { id: string; sizeBytes: number; bytes: Buffer };
}

test('deleting an item deletes every version of its files, frees exactly their bytes and says why', async () => {
  const { tenant, course, teacher, student, openItem, hiddenItem } = await courseWithItems(h);
  const slides = await uploadTo(teacher, course.id, openItem.id, 'slides');
  const revised = await h.upload(teacher, `/files/${slides.id}/versions`, {
    name: 'slides-2.pdf',
    bytes: PDF('slides, revised and longer'),
  });
  assert.equal(revised.status, 201);
  const notes = await uploadTo(teacher, course.id, openItem.id, 'notes');
  const elsewhere = await uploadTo(teacher, course.id, hiddenItem.id, 'elsewhere');
  const courseLevel = await uploadTo(teacher, course.id, null, 'syllabus');
  const kept = elsewhere.sizeBytes + courseLevel.sizeBytes;
  assert.equal(await usage(tenant.id), slides.sizeBytes + revised.body.sizeBytes + notes.sizeBytes + kept);
  assert.equal((await h.call(student, 'GET', `/files/${slides.id}/content`)).status, 200);

  const deleted = await h.course.call(teacher, 'DELETE', `/courses/${course.id}/items/${openItem.id}`);
  assert.equal(deleted.status, 204, JSON.stringify(deleted.body));
  const event = await itemDeletedFor(openItem.id);
  await processed(event.eventId);

  assert.equal(await statusOf(slides.id), 'deleted');
  assert.equal(await statusOf(notes.id), 'deleted');
  const versions = await h.admin<{ status: string }[]>`
    select status from content.file_versions where file_id = ${slides.id} order by version`;
  assert.deepEqual(
    versions.map((v) => v.status),
    ['deleted', 'deleted'],
    'every version goes',
  );
  assert.equal(await usage(tenant.id), kept, 'usage gives back exactly the deleted versions');
  for (const user of [student, teacher]) {
    assert.equal((await h.call(user, 'GET', `/files/${slides.id}/content`)).status, 404);
    assert.equal((await h.call(user, 'GET', `/files/${slides.id}/content?version=1`)).status, 404);
    assert.equal((await h.call(user, 'GET', `/files/${notes.id}`)).status, 404);
  }
  const signed = await h.call(teacher, 'POST', `/files/${notes.id}/signed-url`, { payload: {} });
  assert.equal(signed.status, 404);
  const late = await h.upload(teacher, `/courses/${course.id}/files?itemId=${openItem.id}`, {
    name: 'late.pdf',
    bytes: PDF('late'),
  });
  assert.equal(late.status, 404, 'no new file lands on a deleted item');
  // The item's neighbours and the course's own file are untouched.
  assert.equal((await h.call(teacher, 'GET', `/files/${elsewhere.id}/content`)).status, 200);
  assert.deepEqual((await h.call(student, 'GET', `/files/${courseLevel.id}/content`)).raw, courseLevel.bytes);

  // The objects go once the deletion commits (NOTIFY), without waiting for the sweeper.
  const remaining = [
    objectKey({ tenantId: tenant.id, courseId: course.id, fileId: courseLevel.id, version: 1 }),
    objectKey({ tenantId: tenant.id, courseId: course.id, fileId: elsewhere.id, version: 1 }),
  ].sort();
  await waitFor('the objects of the deleted files to be removed', async () => {
    const objects = (await h.storedObjects()).filter((key) => key.startsWith(tenant.id));
    return JSON.stringify(objects) === JSON.stringify(remaining) ? objects : undefined;
  });

  const events = await h.admin<{ key: string; data: Record<string, unknown> }[]>`
    select key, payload->'data' as data from content.outbox
    where tenant_id = ${tenant.id} and event_type = 'content.delivery.file_deleted' order by id`;
  assert.deepEqual(
    events.map(({ key, data }) => {
      const { deletedAt, ...rest } = data;
      assert.ok(!Number.isNaN(Date.parse(String(deletedAt))));
      return { key, ...rest };
    }),
    [slides, notes].map((file) => ({
      key: file.id,
      fileId: file.id,
      courseId: course.id,
      itemId: openItem.id,
      version: null,
      releasedBytes: file.id === slides.id ? slides.sizeBytes + revised.body.sizeBytes : notes.sizeBytes,
      deletedBy: teacher.id,
      trigger: 'item_deleted',
    })),
  );
});

test('deleting a module deletes the files of every item it held', async () => {
  const { tenant, course, teacher, openItem, hiddenItem, lockedItem } = await courseWithItems(h);
  const a = await uploadTo(teacher, course.id, openItem.id, 'a');
  const b = await uploadTo(teacher, course.id, hiddenItem.id, 'b');
  const c = await uploadTo(teacher, course.id, lockedItem.id, 'c');
  const deleted = await h.course.call(
    teacher,
    'DELETE',
    `/courses/${course.id}/modules/${openItem.moduleId}`,
  );
  assert.equal(deleted.status, 204, JSON.stringify(deleted.body));
  for (const item of [openItem, hiddenItem]) await processed((await itemDeletedFor(item.id)).eventId);
  assert.equal(await statusOf(a.id), 'deleted');
  assert.equal(await statusOf(b.id), 'deleted');
  assert.equal(await statusOf(c.id), 'ready', "another module's item keeps its file");
  assert.equal(await usage(tenant.id), c.sizeBytes);
});

test('the same event twice, or a replayed copy of it, changes nothing the second time', async () => {
  const { tenant, course, teacher, openItem, hiddenItem } = await courseWithItems(h);
  await uploadTo(teacher, course.id, openItem.id, 'once');
  await uploadTo(teacher, course.id, hiddenItem.id, 'stays');
  assert.equal(
    (await h.course.call(teacher, 'DELETE', `/courses/${course.id}/items/${openItem.id}`)).status,
    204,
  );
  const event = await itemDeletedFor(openItem.id);
  await processed(event.eventId);
  const settled = await stateOf(tenant.id);

  // The same event handled again, past the bus's processed_events (which alone drops a Kafka
  // redelivery): the use case itself finds no file of the item left.
  await h.sql.begin((tx) => deleteFilesOfDeletedItem({ log: quiet }, tx, event));
  assert.deepEqual(await stateOf(tenant.id), settled);
  // A copy under a new id (a replay, a second deletion message for the item), through the bus.
  const copy = { ...event, eventId: randomUUID() };
  await h.course.sql.begin((tx) => appendToOutbox(tx, { schema: 'course', key: course.id, event: copy }));
  await processed(copy.eventId);
  assert.deepEqual(await stateOf(tenant.id), settled);
});

test("an item_deleted of another tenant touches nothing of this tenant's, whatever ids it names", async () => {
  const { tenant, course, teacher, student, openItem } = await courseWithItems(h);
  const file = await uploadTo(teacher, course.id, openItem.id, 'mine');
  const before = await stateOf(tenant.id);
  const other = await h.course.newTenant();
  const data = {
    courseId: course.id,
    moduleId: openItem.moduleId,
    itemId: openItem.id,
    kind: 'file',
    fileId: openItem.fileId,
    assessmentId: null,
    cause: 'item',
    deletedBy: randomUUID(),
    deletedAt: new Date().toISOString(),
  };
  // Another tenant's event naming this tenant's course and item; and one whose data names
  // another tenant than its envelope.
  const forged = [
    { tenantId: other.id, data: { ...data, tenantId: other.id } },
    { tenantId: other.id, data: { ...data, tenantId: tenant.id } },
    { tenantId: tenant.id, data: { ...data, tenantId: other.id } },
  ].map(({ tenantId, data }) => ({
    eventId: randomUUID(),
    tenantId,
    timestamp: data.deletedAt,
    eventType: 'course.management.item_deleted',
    version: 1,
    data,
  })) as EventEnvelope[];
  await h.course.sql.begin(async (tx) => {
    for (const event of forged) await appendToOutbox(tx, { schema: 'course', key: course.id, event });
  });
  for (const event of forged) await processed(event.eventId);
  assert.deepEqual(await stateOf(tenant.id), before);
  assert.equal((await h.call(student, 'GET', `/files/${file.id}/content`)).status, 200);
});

test('a removal that fails keeps the freed quota; the sweeper removes the object later', async () => {
  const { tenant, course, teacher, openItem } = await courseWithItems(h);
  const file = await uploadTo(teacher, course.id, openItem.id, 'stuck');
  const key = objectKey({ tenantId: tenant.id, courseId: course.id, fileId: file.id, version: 1 });
  const remove = h.storage.delete;
  let failures = 0;
  h.storage.delete = async () => {
    failures++;
    throw new Error('storage is down');
  };
  try {
    assert.equal(
      (await h.course.call(teacher, 'DELETE', `/courses/${course.id}/items/${openItem.id}`)).status,
      204,
    );
    await processed((await itemDeletedFor(openItem.id)).eventId);
    await waitFor('a removal attempt', async () => (failures > 0 ? true : undefined));
    assert.equal(await usage(tenant.id), 0, 'the usage change stands');
    assert.equal((await h.call(teacher, 'GET', `/files/${file.id}/content`)).status, 404);
    assert.notEqual(await h.storage.head(key), null, 'the object is still there');
  } finally {
    h.storage.delete = remove;
  }
  const swept = await h.sweep();
  assert.ok(swept.objects >= 1, `objects swept: ${swept.objects}`);
  assert.equal(await h.storage.head(key), null);
  const [version] = await h.admin<{ removed: boolean }[]>`
    select removed_at is not null as removed from content.file_versions where file_id = ${file.id}`;
  assert.equal(version?.removed, true);
});

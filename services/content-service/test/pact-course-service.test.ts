/**
 * Consumer contract for events: what content-service's consumer (deleteFilesOfDeletedItem, behind
 * src/consumers/course-items.ts) reads of course-service's `course.management.item_deleted`, as a
 * Pact V4 message pact. The example message runs through the real use case on the test database
 * against files of its item; course-service verifies the pact against the event its own DELETE
 * writes (its test/pact-provider.test.ts).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { adminDb, serviceDb } from '@eduspry/common/testing';
import type { EventEnvelope } from '@eduspry/contracts';
import { consumerPact, Matchers } from '@eduspry/contracts/pact-testing';
import { objectKey } from '@eduspry/storage';
import { deleteFilesOfDeletedItem } from '../src/domain/deleted-items.ts';

const { uuid } = Matchers;
const TENANT_ID = '7b6a5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d';
const COURSE_ID = '2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b';
const ITEM_ID = '4a5b6c7d-8e9f-4a0b-8c1d-2e3f4a5b6c7d';
const TEACHER_ID = '6c7d8e9f-0a1b-4c2d-8e3f-4a5b6c7d8e9f';
const quiet = { info: () => {}, warn: () => {} };

const fromCourse = consumerPact('content-service', 'course-service');
const sql = serviceDb('content-service');
const admin = adminDb();
after(async () => {
  fromCourse.settle();
  await Promise.all([sql.end(), admin.end()]);
});

/**
 * A ready file of the item, as an upload leaves it (content-service's own tables: the ids are the
 * pact's examples, so no course of course-service's has them).
 */
async function readyFileOfItem(sizeBytes: number): Promise<string> {
  const fileId = randomUUID();
  await admin.begin(async (tx) => {
    await tx`
      insert into content.tenant_storage (tenant_id, quota_bytes, max_file_bytes, allowed_media_types)
      values (${TENANT_ID}, 1000000, 100000, ${['application/pdf']}) on conflict (tenant_id) do nothing`;
    await tx`update content.tenant_storage set used_bytes = used_bytes + ${sizeBytes} where tenant_id = ${TENANT_ID}`;
    await tx`
      insert into content.files (id, tenant_id, course_id, item_id, uploaded_by, status, current_version)
      values (${fileId}, ${TENANT_ID}, ${COURSE_ID}, ${ITEM_ID}, ${TEACHER_ID}, 'ready', 1)`;
    await tx`
      insert into content.file_versions (tenant_id, file_id, version, status, original_name, media_type,
                                         size_bytes, sha256, storage_key, uploaded_by, ready_at)
      values (${TENANT_ID}, ${fileId}, 1, 'ready', 'handout.pdf', 'application/pdf', ${sizeBytes},
              ${'a'.repeat(64)}, ${objectKey({ tenantId: TENANT_ID, courseId: COURSE_ID, fileId, version: 1 })},
              ${TEACHER_ID}, now())`;
  });
  return fileId;
}

test('item_deleted: the tenant, course and item whose files go, and who deleted it', async () => {
  await fromCourse.pact
    .addAsynchronousInteraction()
    .expectsToReceive('an item_deleted event for an item its teacher deleted', (b) =>
      b.withJSONContent({
        eventId: uuid('8e9f0a1b-2c3d-4e4f-8a5b-6c7d8e9f0a1b'),
        eventType: 'course.management.item_deleted',
        tenantId: uuid(TENANT_ID),
        data: {
          tenantId: uuid(TENANT_ID),
          courseId: uuid(COURSE_ID),
          itemId: uuid(ITEM_ID),
          deletedBy: uuid(TEACHER_ID),
        },
      }),
    )
    .executeTest(async (message) => {
      const fileId = await readyFileOfItem(1234);
      const [before] = await admin<{ used: number }[]>`
        select used_bytes::int as used from content.tenant_storage where tenant_id = ${TENANT_ID}`;
      const event = (message as unknown as { contents: { content: EventEnvelope } }).contents.content;
      await sql.begin((tx) => deleteFilesOfDeletedItem({ log: quiet }, tx, event));
      const [file] = await admin<{ status: string }[]>`select status from content.files where id = ${fileId}`;
      assert.equal(file?.status, 'deleted');
      const [after] = await admin<{ used: number }[]>`
        select used_bytes::int as used from content.tenant_storage where tenant_id = ${TENANT_ID}`;
      assert.equal(after!.used, before!.used - 1234);
      const [deleted] = await admin<{ data: { deletedBy: string; trigger: string } }[]>`
        select payload->'data' as data from content.outbox
        where tenant_id = ${TENANT_ID} and event_type = 'content.delivery.file_deleted' and key = ${fileId}`;
      assert.deepEqual(
        { deletedBy: deleted?.data.deletedBy, trigger: deleted?.data.trigger },
        { deletedBy: TEACHER_ID, trigger: 'item_deleted' },
      );
    });
});

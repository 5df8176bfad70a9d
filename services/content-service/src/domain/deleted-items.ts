import type { Tx } from '@eduspry/common';
import type { EventEnvelope, EventOf } from '@eduspry/contracts';
import * as files from '../db/files.ts';
import { releaseQuota } from '../db/storage.ts';
import type { ContentContext } from './context.ts';
import { contentEvents } from './events.ts';

/** The course-service events content-service acts on. */
export const COURSE_EVENT_TYPES = ['course.management.item_deleted'] as const;

/**
 * A course item was deleted (by itself or with its module): every file attached to it in that
 * tenant becomes `deleted` with all its versions, the tenant's usage gives back exactly the bytes
 * of the versions that were ready, and each file's `file_deleted` (trigger `item_deleted`) goes to
 * the outbox, all in the consumer's transaction. The objects are removed once it commits
 * (NOTIFY), or by the sweeper. Idempotent: the bus drops a redelivered eventId, and a second
 * event for the same item finds no file left to delete. Only the envelope's tenant is touched:
 * course-service's outbox vouches for it, and a `data.tenantId` naming another is refused.
 */
export async function deleteFilesOfDeletedItem(
  ctx: Pick<ContentContext, 'log'>,
  tx: Tx,
  event: EventEnvelope,
): Promise<void> {
  if (event.eventType !== 'course.management.item_deleted') return;
  const { tenantId, data } = event as EventOf<'course.management.item_deleted'>;
  if (data.tenantId !== tenantId) {
    ctx.log.warn(
      { eventId: event.eventId, tenantId, dataTenantId: data.tenantId },
      'item_deleted names two tenants: ignored',
    );
    return;
  }
  const removed = await files.markItemFilesDeleted(tx, {
    tenantId,
    courseId: data.courseId,
    itemId: data.itemId,
  });
  if (!removed.length) return;
  await releaseQuota(
    tx,
    tenantId,
    removed.reduce((sum, file) => sum + file.releasedBytes, 0),
  );
  const deletedAt = new Date().toISOString();
  for (const file of removed)
    await contentEvents.fileDeleted(tx, tenantId, {
      fileId: file.fileId,
      courseId: data.courseId,
      itemId: data.itemId,
      version: null,
      releasedBytes: file.releasedBytes,
      deletedBy: data.deletedBy,
      deletedAt,
      trigger: 'item_deleted',
    });
  await files.announceDeletedObjects(tx);
}

import type { Tx } from '@eduspry/common';
import { createEvent, type FileDeletedV1, type FileUploadedV1 } from '@eduspry/contracts';
import { appendToOutbox } from '@eduspry/event-bus';

/** The one place content-service emits events: into content.outbox, in the caller's transaction. */
export const contentEvents = {
  async fileUploaded(tx: Tx, tenantId: string, data: FileUploadedV1): Promise<void> {
    await appendToOutbox(tx, {
      schema: 'content',
      key: data.fileId,
      event: createEvent('content.delivery.file_uploaded', { tenantId, data, timestamp: data.uploadedAt }),
    });
  },
  async fileDeleted(tx: Tx, tenantId: string, data: FileDeletedV1): Promise<void> {
    await appendToOutbox(tx, {
      schema: 'content',
      key: data.fileId,
      event: createEvent('content.delivery.file_deleted', { tenantId, data, timestamp: data.deletedAt }),
    });
  },
};

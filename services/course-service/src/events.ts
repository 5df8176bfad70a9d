import type { Tx } from '@eduspry/common';
import { createEvent, type EnrollmentChangedV1, type ItemCompletedV1 } from '@eduspry/contracts';
import { appendToOutbox } from '@eduspry/event-bus';

/** `course.management.enrollment_changed` (its Avro schema is the source), and its tenant. */
export type EnrollmentChanged = EnrollmentChangedV1 & { tenantId: string };
/** `course.progress.item_completed`, and its tenant. */
export type ItemCompleted = ItemCompletedV1 & { tenantId: string };

/**
 * The one place course-service emits events. Implementations must write inside `tx` (the
 * transactional outbox) so an event exists exactly when its state change committed.
 */
export interface CourseEvents {
  enrollmentChanged(tx: Tx, event: EnrollmentChanged): Promise<void>;
  itemCompleted(tx: Tx, event: ItemCompleted): Promise<void>;
}

/** Production and tests alike: events go to `course.outbox` in the caller's transaction. */
export const outboxEvents: CourseEvents = {
  async enrollmentChanged(tx, { tenantId, ...data }) {
    await appendToOutbox(tx, {
      schema: 'course',
      key: data.courseId,
      event: createEvent('course.management.enrollment_changed', {
        tenantId,
        data,
        timestamp: data.timestamp,
      }),
    });
  },
  async itemCompleted(tx, { tenantId, ...data }) {
    await appendToOutbox(tx, {
      schema: 'course',
      key: data.courseId,
      event: createEvent('course.progress.item_completed', { tenantId, data, timestamp: data.completedAt }),
    });
  },
};

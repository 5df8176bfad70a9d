import type { Tx } from '@eduspry/common';
import {
  createEvent,
  type EnrollmentChangedV1,
  type ItemCompletedV1,
  type ItemDeletedV1,
  type ScheduleChangedV1,
} from '@eduspry/contracts';
import { appendAllToOutbox, appendToOutbox } from '@eduspry/event-bus';

/** `course.management.enrollment_changed` (its Avro schema is the source), and its tenant. */
export type EnrollmentChanged = EnrollmentChangedV1 & { tenantId: string };
/** `course.progress.item_completed`, and its tenant. */
export type ItemCompleted = ItemCompletedV1 & { tenantId: string };
/** `course.management.item_deleted` (its data names the tenant itself). */
export type ItemDeleted = ItemDeletedV1;
/** `course.management.schedule_changed`, and its tenant. */
export type ScheduleChanged = ScheduleChangedV1 & { tenantId: string };

/**
 * The one place course-service emits events. Implementations must write inside `tx` (the
 * transactional outbox) so an event exists exactly when its state change committed.
 */
export interface CourseEvents {
  enrollmentChanged(tx: Tx, event: EnrollmentChanged): Promise<void>;
  itemCompleted(tx: Tx, event: ItemCompleted): Promise<void>;
  /** One event per deleted item, in one statement (a module goes with all its items). */
  itemsDeleted(tx: Tx, events: ItemDeleted[]): Promise<void>;
  scheduleChanged(tx: Tx, event: ScheduleChanged): Promise<void>;
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
  async itemsDeleted(tx, events) {
    await appendAllToOutbox(
      tx,
      events.map((data) => ({
        schema: 'course',
        key: data.courseId,
        event: createEvent('course.management.item_deleted', {
          tenantId: data.tenantId,
          data,
          timestamp: data.deletedAt,
        }),
      })),
    );
  },
  async scheduleChanged(tx, { tenantId, ...data }) {
    await appendToOutbox(tx, {
      schema: 'course',
      key: data.courseId,
      event: createEvent('course.management.schedule_changed', { tenantId, data, timestamp: data.changedAt }),
    });
  },
};

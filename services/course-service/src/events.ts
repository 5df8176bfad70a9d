import type { Tx } from '@eduspry/common';
import { createEvent } from '@eduspry/contracts';
import { appendToOutbox } from '@eduspry/event-bus';

/** `course.management.enrollment_changed`, with the guide's fields. */
export interface EnrollmentChanged {
  tenantId: string;
  userId: string;
  courseId: string;
  action: 'enrolled' | 'unenrolled';
  timestamp: string;
}

/**
 * The one place course-service emits events. Implementations must write inside `tx` (the
 * transactional outbox) so an event exists exactly when its state change committed.
 */
export interface CourseEvents {
  enrollmentChanged(tx: Tx, event: EnrollmentChanged): Promise<void>;
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
};

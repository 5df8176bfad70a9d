import type { EventBus } from '@eduspry/event-bus';
import { recordEnrollmentChange } from '../domain/memberships.ts';

export const ENROLLMENT_GROUP = 'realtime-service';

/** course-service's enrolment events keep live.course_members, which the course:<id> policy reads. */
export function consumeEnrollments(bus: EventBus) {
  return bus.subscribe({
    group: ENROLLMENT_GROUP,
    schema: 'live',
    eventTypes: ['course.management.enrollment_changed'],
    handler: (event, tx) => recordEnrollmentChange(tx, event),
  });
}

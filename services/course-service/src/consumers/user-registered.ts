import type { Tx } from '@eduspry/common';
import type { EventEnvelope, EventOf } from '@eduspry/contracts';
import type { EventBus, Subscription } from '@eduspry/event-bus';
import { orientationCourseIds } from '../db/courses.ts';
import { enrollUser } from '../domain/enrollments.ts';
import type { CourseEvents } from '../events.ts';

export const USER_REGISTERED = 'user.authentication.user_registered';
export const CONSUMER_GROUP = 'course-service';

/**
 * A new user joins their tenant's orientation course(s): every published course flagged
 * `autoEnrollOnRegistration`, as a student. Runs in the consumer's transaction, so a redelivered
 * event changes nothing and the enrolment's own event is emitted exactly once.
 */
export async function enrollInOrientation(
  tx: Tx,
  events: CourseEvents,
  event: EventEnvelope,
): Promise<number> {
  const { userId, tenantId } = (event as EventOf<typeof USER_REGISTERED>).data;
  let enrolled = 0;
  for (const courseId of await orientationCourseIds(tx, tenantId)) {
    const { changed } = await enrollUser(tx, events, { courseId, userId, role: 'student' });
    if (changed) enrolled += 1;
  }
  return enrolled;
}

export function subscribeToUserRegistered(bus: EventBus, events: CourseEvents): Promise<Subscription> {
  return bus.subscribe({
    group: CONSUMER_GROUP,
    eventTypes: [USER_REGISTERED],
    schema: 'course',
    handler: async (event, tx) => {
      await enrollInOrientation(tx, events, event);
    },
  });
}

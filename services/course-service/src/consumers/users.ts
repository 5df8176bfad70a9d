import type { EventBus, Subscription } from '@eduspry/event-bus';
import { applyUserEvent, USER_EVENT_TYPES } from '../domain/users.ts';
import type { CourseEvents } from '../events.ts';

export const CONSUMER_GROUP = 'course-service';

/**
 * Event transport only: auth-service's user events keep the user directory (course.users), and
 * a registered user is enrolled in their tenant's orientation course(s).
 */
export function subscribeToUserEvents(bus: EventBus, events: CourseEvents): Promise<Subscription> {
  return bus.subscribe({
    group: CONSUMER_GROUP,
    eventTypes: [...USER_EVENT_TYPES],
    schema: 'course',
    handler: (event, tx) => applyUserEvent(tx, events, event),
  });
}

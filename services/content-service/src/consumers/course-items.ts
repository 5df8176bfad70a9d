import type { EventBus, Subscription } from '@eduspry/event-bus';
import type { ContentContext } from '../domain/context.ts';
import { COURSE_EVENT_TYPES, deleteFilesOfDeletedItem } from '../domain/deleted-items.ts';

export const CONSUMER_GROUP = 'content-service';

/**
 * Event transport only: course-service's `course.management.item_deleted` deletes the item's
 * files, in the bus's transaction (its processed_events row makes each event count once).
 */
export function subscribeToCourseItemEvents(
  bus: EventBus,
  ctx: Pick<ContentContext, 'log'>,
): Promise<Subscription> {
  return bus.subscribe({
    group: CONSUMER_GROUP,
    schema: 'content',
    eventTypes: [...COURSE_EVENT_TYPES],
    handler: (event, tx) => deleteFilesOfDeletedItem(ctx, tx, event),
  });
}

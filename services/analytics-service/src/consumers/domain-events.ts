import type { EventBus, Subscription } from '@eduspry/event-bus';
import { ingestDomainEvent } from '../domain/ingest.ts';
import { CONSUMED_EVENT_TYPES } from '../domain/rules.ts';

/**
 * The domain events analytics counts, in the bus's transaction: the bus's processed_events and
 * analytics' own event ids make each one count exactly once, in any order.
 */
export function subscribeToDomainEvents(bus: EventBus): Promise<Subscription> {
  return bus.subscribe({
    group: 'analytics-service',
    schema: 'analytics',
    eventTypes: [...CONSUMED_EVENT_TYPES],
    handler: (event, tx) => ingestDomainEvent(tx, event),
  });
}

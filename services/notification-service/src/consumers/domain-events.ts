import type { EventBus, Subscription } from '@eduspry/event-bus';
import type { NotificationContext } from '../domain/context.ts';
import { applyDomainEvent, CONSUMED_EVENT_TYPES, PLANNED_EVENT_TYPES } from '../domain/events.ts';
import { queueEventForWebhooks } from '../domain/webhooks.ts';

/** Domain topics whose events tenants may receive through outgoing webhooks. */
export const WEBHOOK_TOPICS = ['eduspry.user', 'eduspry.course', 'eduspry.assessment', 'eduspry.content'];

/**
 * Two consumer groups: `notification-service` keeps recipients and rosters and records the
 * notifications events cause; `notification-service.webhooks` queues webhook deliveries for every
 * event on the domain topics. Both write in the bus's transaction: exactly once per event.
 */
export async function subscribeToDomainEvents(
  bus: EventBus,
  ctx: NotificationContext,
): Promise<Subscription[]> {
  return Promise.all([
    bus.subscribe({
      group: 'notification-service',
      schema: 'notification',
      eventTypes: [...CONSUMED_EVENT_TYPES, ...PLANNED_EVENT_TYPES],
      handler: async (event, tx) => {
        await applyDomainEvent(tx, event, ctx.now());
      },
    }),
    bus.subscribe({
      group: 'notification-service.webhooks',
      schema: 'notification',
      topics: WEBHOOK_TOPICS,
      handler: async (event, tx, info) => {
        await queueEventForWebhooks(ctx, tx, event, info.key, ctx.now());
      },
    }),
  ]);
}

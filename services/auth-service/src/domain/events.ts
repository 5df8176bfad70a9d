import type { Tx } from '@eduspry/common';
import { createEvent, type EventDataMap } from '@eduspry/contracts';
import { appendToOutbox } from '@eduspry/event-bus';

/**
 * The one place auth-service emits platform events (`user.authentication.*`). Each is written
 * to identity.outbox in the same transaction as the change it reports; the relay publishes it.
 */
export type UserEventType =
  | 'user.authentication.user_registered'
  | 'user.authentication.user_role_changed'
  | 'user.authentication.user_profile_changed'
  | 'user.authentication.user_deactivated'
  | 'user.authentication.user_reactivated'
  | 'user.authentication.session_ended';

export type UserEvent = {
  [K in UserEventType]: { type: K; data: EventDataMap[K] };
}[UserEventType];

export type EventSink = (tx: Tx, event: UserEvent) => Promise<void>;

/** Keyed by user id, so one user's events stay in order. */
export const outboxSink: EventSink = (tx, { type, data }) =>
  appendToOutbox(tx, {
    schema: 'identity',
    key: data.userId,
    event: createEvent(type, { tenantId: data.tenantId, data } as never),
  });

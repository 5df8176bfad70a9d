import type { Tx } from '@eduspry/common';

/**
 * The one place auth-service emits platform events (`user.authentication.*`). Each is written
 * in the same transaction as the change it reports, through the transactional outbox.
 */
export type UserEventType =
  | 'user.authentication.user_registered'
  | 'user.authentication.roles_changed'
  | 'user.authentication.user_deactivated';

export interface UserEvent {
  type: UserEventType;
  tenantId: string;
  /** The aggregate: events of one user stay in order. */
  userId: string;
  data: Record<string, unknown>;
}

export type EventSink = (tx: Tx, event: UserEvent) => Promise<void>;

export const noEvents: EventSink = async () => {};

import type { Tx } from '@eduspry/common';
import type { EventEnvelope, EventOf } from '@eduspry/contracts';
import {
  recordDeactivation,
  recordDisplayName,
  recordReactivation,
  recordRegistration,
  recordRoles,
} from '../db/users.ts';
import type { CourseEvents } from '../events.ts';
import { enrollInOrientation } from './enrollments.ts';

/** The auth-service events that keep course-service's user directory (course.users). */
export const USER_EVENT_TYPES = [
  'user.authentication.user_registered',
  'user.authentication.user_deactivated',
  'user.authentication.user_reactivated',
  'user.authentication.user_role_changed',
  'user.authentication.user_profile_changed',
] as const;
export type UserEventType = (typeof USER_EVENT_TYPES)[number];
export type UserEvent = EventOf<UserEventType>;

/**
 * Applies one user event to the directory, in the consumer's transaction (the platform's, no
 * user claims). Idempotent: the consumer drops a redelivered eventId, and each fact carries its
 * instant so an older fact never overwrites a newer one. A registration also enrols the user in
 * the tenant's orientation course(s). The one domain path for directory entries: the consumer
 * and test fixtures both come here.
 */
export async function applyUserEvent(tx: Tx, events: CourseEvents, event: EventEnvelope): Promise<void> {
  switch (event.eventType) {
    case 'user.authentication.user_registered': {
      const { tenantId, userId, email, displayName, roles, registeredAt } = (
        event as EventOf<'user.authentication.user_registered'>
      ).data;
      await recordRegistration(tx, {
        tenantId,
        userId,
        email,
        displayName: displayName ?? null,
        roles,
        at: registeredAt,
      });
      await enrollInOrientation(tx, events, { tenantId, userId });
      return;
    }
    case 'user.authentication.user_deactivated': {
      const { tenantId, userId, deactivatedAt } = (event as EventOf<'user.authentication.user_deactivated'>)
        .data;
      await recordDeactivation(tx, { tenantId, userId, at: deactivatedAt });
      return;
    }
    case 'user.authentication.user_reactivated': {
      const { tenantId, userId, status, reactivatedAt } = (
        event as EventOf<'user.authentication.user_reactivated'>
      ).data;
      // Back to invited is not yet registered: still not enrollable by others.
      await recordReactivation(tx, { tenantId, userId, active: status === 'active', at: reactivatedAt });
      return;
    }
    case 'user.authentication.user_role_changed': {
      const { tenantId, userId, roles, changedAt } = (
        event as EventOf<'user.authentication.user_role_changed'>
      ).data;
      await recordRoles(tx, { tenantId, userId, roles, at: changedAt });
      return;
    }
    case 'user.authentication.user_profile_changed': {
      const { tenantId, userId, displayName, changedAt } = (
        event as EventOf<'user.authentication.user_profile_changed'>
      ).data;
      await recordDisplayName(tx, { tenantId, userId, displayName, at: changedAt });
      return;
    }
  }
}

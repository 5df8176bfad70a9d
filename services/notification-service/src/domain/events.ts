import type { Tx } from '@eduspry/common';
import type { EventEnvelope } from '@eduspry/contracts';
import {
  addCourseMember,
  deactivateRecipient,
  removeCourseMember,
  tenantAdmins,
  upsertRecipient,
} from '../db/people.ts';
import { type Draft, recordNotifications } from './notify.ts';

/**
 * The domain events this consumer handles. The two user events and enrollment_changed exist
 * today; the others are the notifications the platform promises, mapped here ahead of their
 * producers (assessment-, content- and analytics-service): when an event of that type arrives with
 * the fields named below, it notifies; until then nothing publishes it.
 */
export const CONSUMED_EVENT_TYPES = [
  'user.authentication.user_registered',
  'user.authentication.user_role_changed',
  'user.authentication.user_deactivated',
  'course.management.enrollment_changed',
] as const;

/** Mapped below ahead of their producers; subscribed already so they notify from their first event. */
export const PLANNED_EVENT_TYPES = [
  'assessment.grading.grade_posted',
  'assessment.grading.essay_graded',
  'analytics.engagement.student_at_risk',
] as const;

type Data = Record<string, unknown>;
const str = (data: Data, key: string): string | undefined =>
  typeof data[key] === 'string' ? (data[key] as string) : undefined;

/** Events that only notify: eventType → who and what, from the event's own data. */
const NOTIFYING: Record<string, (event: EventEnvelope<Data>) => Draft[]> = {
  'course.management.enrollment_changed': (event) => {
    const userId = str(event.data, 'userId');
    const courseId = str(event.data, 'courseId');
    if (!userId || !courseId || event.data.action !== 'enrolled') return [];
    return [
      {
        userId,
        category: 'enrollment',
        cause: `event:${event.eventId}`,
        title: 'You were enrolled in a course',
        link: `/courses/${courseId}`,
        data: { courseId, eventType: event.eventType },
      },
    ];
  },
  // Planned: assessment-service, data { userId, courseId, assessmentId, score?, title? }.
  'assessment.grading.grade_posted': (event) => single(event, 'grade', 'A grade was posted', 'assessmentId'),
  // Planned: assessment-service, data { userId, courseId, assessmentId, feedback? }.
  'assessment.grading.essay_graded': (event) =>
    single(event, 'feedback', 'Your essay was graded', 'assessmentId'),
  // Planned: analytics-service, data { userId (the staff member), courseId, studentId }.
  'analytics.engagement.student_at_risk': (event) =>
    single(event, 'at_risk', 'A student may need help', 'studentId'),
};

function single(
  event: EventEnvelope<Data>,
  category: Draft['category'],
  title: string,
  subject: string,
): Draft[] {
  const userId = str(event.data, 'userId');
  if (!userId) return [];
  const courseId = str(event.data, 'courseId');
  return [
    {
      userId,
      category,
      cause: `event:${event.eventId}`,
      title: str(event.data, 'title') ?? title,
      ...(courseId ? { link: `/courses/${courseId}` } : {}),
      data: { eventType: event.eventType, courseId, [subject]: str(event.data, subject) },
    },
  ];
}

/**
 * One domain event, in the consumer's transaction (processed_events makes it exactly-once):
 * keeps the recipients and course rosters this service needs, then records the notifications
 * the event causes. Returns how many notifications were new.
 */
export async function applyDomainEvent(tx: Tx, event: EventEnvelope, now: Date): Promise<number> {
  const data = event.data as Data;
  switch (event.eventType) {
    case 'user.authentication.user_registered':
    case 'user.authentication.user_role_changed': {
      const userId = str(data, 'userId');
      if (!userId) return 0;
      const roles = Array.isArray(data.roles)
        ? (data.roles as unknown[]).filter((r) => typeof r === 'string')
        : [];
      await upsertRecipient(tx, {
        userId,
        tenantId: event.tenantId,
        roles: roles as string[],
        ...(str(data, 'email') ? { email: str(data, 'email')! } : {}),
      });
      return 0;
    }
    case 'user.authentication.user_deactivated': {
      const userId = str(data, 'userId');
      if (userId) await deactivateRecipient(tx, userId, event.tenantId);
      return 0;
    }
    case 'course.management.enrollment_changed': {
      const userId = str(data, 'userId');
      const courseId = str(data, 'courseId');
      if (userId && courseId) {
        if (data.action === 'enrolled') await addCourseMember(tx, event.tenantId, courseId, userId);
        else await removeCourseMember(tx, event.tenantId, courseId, userId);
      }
      break;
    }
  }
  const map = NOTIFYING[event.eventType];
  if (!map) return 0;
  return recordNotifications(tx, event.tenantId, map(event as EventEnvelope<Data>), now);
}

/** Tenant admins hear that a webhook endpoint was disabled (cause: the endpoint and when). */
export async function notifyEndpointDisabled(
  tx: Tx,
  endpoint: { tenantId: string; id: string; url: string; reason: string },
  now: Date,
): Promise<number> {
  const admins = await tenantAdmins(tx, endpoint.tenantId);
  return recordNotifications(
    tx,
    endpoint.tenantId,
    admins.map((userId) => ({
      userId,
      category: 'webhooks',
      cause: `webhook-disabled:${endpoint.id}:${now.toISOString()}`,
      title: 'A webhook endpoint was disabled',
      body: `${endpoint.url}: ${endpoint.reason}`,
      link: `/admin/webhooks/${endpoint.id}`,
      data: { endpointId: endpoint.id },
    })),
    now,
  );
}

import { defineProblems } from '@eduspry/common';
import { BUS_ADMIN_PROBLEMS } from '@eduspry/event-bus';

/** Every problem code notification-service answers (the kit's are included by defineProblems). */
export const problems = defineProblems({
  ...BUS_ADMIN_PROBLEMS,
  'notification-not-found': { status: 404, title: 'Notification not found' },
  'not-course-staff': { status: 403, title: 'Only course staff may do this' },
  'not-tenant-admin': { status: 403, title: 'Only an administrator of this tenant may do this' },
  'endpoint-not-found': { status: 404, title: 'Webhook endpoint not found' },
  'delivery-not-found': { status: 404, title: 'Webhook delivery not found' },
  'unsafe-url': { status: 422, title: 'The URL points at an address webhooks may not reach' },
  'invalid-time-zone': { status: 400, title: 'Unknown time zone' },
  'invalid-unsubscribe-link': { status: 400, title: 'The unsubscribe link is not valid' },
});
export type ProblemCode = keyof typeof problems.specs;

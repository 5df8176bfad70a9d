import { defineProblems } from '@eduspry/common';
import { BUS_ADMIN_PROBLEMS } from '@eduspry/event-bus';

/** Every problem code auth-service answers (the kit's included); the README lists them all. */
export const problems = defineProblems({
  ...BUS_ADMIN_PROBLEMS,
  'invalid-credentials': { status: 401, title: 'Unauthorized' },
  'invalid-refresh-token': { status: 401, title: 'Unauthorized' },
  'email-not-verified': { status: 403, title: 'Forbidden' },
  'tenant-suspended': { status: 403, title: 'Forbidden' },
  'account-locked': { status: 429, title: 'Too Many Requests' },
  'invalid-token': { status: 400, title: 'Bad Request' },
  'invalid-state': { status: 400, title: 'Bad Request' },
  'invalid-roster-file': { status: 400, title: 'Bad Request' },
  'roster-changed': { status: 409, title: 'Conflict' },
});

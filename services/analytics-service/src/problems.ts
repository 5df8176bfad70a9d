import { defineProblems } from '@eduspry/common';
import { BUS_ADMIN_PROBLEMS } from '@eduspry/event-bus';

/** Every problem code analytics-service answers (the kit's included); the README lists them all. */
export const problems = defineProblems({
  ...BUS_ADMIN_PROBLEMS,
  'forged-identity': { status: 400, title: 'Identity comes from the token' },
  'clock-skew': { status: 400, title: 'Event time out of range' },
  'invalid-range': { status: 400, title: 'Invalid date range' },
});

import { defineProblems } from '@eduspry/common';

/**
 * Every problem code the gateway itself answers (the kit's included); the README lists them.
 * Upstream problems pass through unchanged: the gateway matches the codes it translates by
 * importing their specs from packages/contracts (`COURSE_ACCESS_PROBLEMS`), which the owning
 * service's catalog includes.
 */
export const problems = defineProblems({
  'bad-path': { status: 400, title: 'Bad Request' },
  'upstream-unavailable': { status: 503, title: 'Service Unavailable' },
});

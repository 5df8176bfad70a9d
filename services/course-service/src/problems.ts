import { defineProblems } from '@eduspry/common';
import { COURSE_ACCESS_PROBLEMS } from '@eduspry/contracts';
import { BUS_ADMIN_PROBLEMS } from '@eduspry/event-bus';

/** Every problem code course-service answers (the kit's included); the README lists them all. */
export const problems = defineProblems({
  ...BUS_ADMIN_PROBLEMS,
  ...COURSE_ACCESS_PROBLEMS,
  'invalid-roster': { status: 422, title: 'Invalid roster' },
  'invalid-roster-file': { status: 400, title: 'Not a OneRoster file' },
  'roster-changed': { status: 409, title: 'The enrolments changed since the dry run' },
  'unknown-user': { status: 422, title: 'Unknown user' },
  'user-deactivated': { status: 422, title: 'User deactivated' },
});

export type CourseProblem = Parameters<typeof problems.create>[0];

import { defineProblems } from '@eduspry/common';
import { BUS_ADMIN_PROBLEMS } from '@eduspry/event-bus';

/** Every problem code logging-service answers (the kit's included); the README lists them all. */
export const problems = defineProblems({
  ...BUS_ADMIN_PROBLEMS,
  'batch-too-large': { status: 413, title: 'Payload Too Large' },
});

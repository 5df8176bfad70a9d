import { defineProblems } from '@eduspry/common';
import { BUS_ADMIN_PROBLEMS } from '@eduspry/event-bus';

/** Every problem code realtime-service answers over HTTP (WebSocket errors are phx_reply reasons). */
export const problems = defineProblems({
  ...BUS_ADMIN_PROBLEMS,
  'broadcast-key-invalid': { status: 401, title: 'Invalid service key' },
  'topic-needs-tenant': { status: 400, title: 'Topic needs a tenant' },
});

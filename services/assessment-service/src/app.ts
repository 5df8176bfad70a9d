import {
  createServiceApp,
  type ServiceApp,
  type Sql,
  type TokenVerifier,
  useTokenVerifier,
} from '@eduspry/common';
import { busAdminRoutes, type EventBus } from '@eduspry/event-bus';
import type { Logger } from '@eduspry/logging';
import type { AssessmentContext } from './domain/context.ts';
import { type AssessmentEvents, outboxEvents } from './domain/events.ts';
import { type LiveFeed, noLiveFeed } from './domain/live.ts';
import type { CourseAccess } from './grpc/course-access.ts';
import { attemptRoutes } from './routes/attempts.ts';
import { bankRoutes } from './routes/banks.ts';
import { gradebookRoutes } from './routes/gradebook.ts';
import { gradingRoutes } from './routes/grading.ts';
import { qtiRoutes } from './routes/qti.ts';
import { quizRoutes } from './routes/quizzes.ts';

export interface AssessmentDeps {
  /** The service's event bus: mounts the super-admin routes `GET /admin/bus` and dead-letter replay. */
  eventBus?: EventBus;
  sql: Sql;
  /** Verifies bearer tokens against auth-service's keys (tests pass one over a test key pair). */
  verifier: TokenVerifier;
  /** course-service's CheckAccess (gRPC). */
  courses: CourseAccess;
  events?: AssessmentEvents;
  /** Where attempts' progress goes live (realtime-service); nowhere when not given. */
  live?: LiveFeed;
  logger?: Logger;
  graceSeconds?: number;
  now?: () => Date;
}

/** Wires assessment-service's HTTP API: no I/O happens here beyond what the routes do per request. */
export async function buildApp(deps: AssessmentDeps): Promise<{ app: ServiceApp; ctx: AssessmentContext }> {
  const app = await createServiceApp({
    name: 'assessment-service',
    description: 'Question banks, quizzes, attempts, auto and manual grading, the gradebook',
    ...(deps.logger ? { logger: deps.logger } : {}),
    readiness: { postgres: () => deps.sql`select 1` },
  });
  useTokenVerifier(app, deps.verifier);
  const ctx: AssessmentContext = {
    sql: deps.sql,
    courses: deps.courses,
    events: deps.events ?? outboxEvents,
    live: deps.live ?? noLiveFeed,
    log: app.log,
    graceSeconds: deps.graceSeconds ?? 30,
    now: deps.now ?? (() => new Date()),
  };
  await app.register(bankRoutes, { ctx });
  await app.register(qtiRoutes, { ctx });
  await app.register(quizRoutes, { ctx });
  await app.register(attemptRoutes, { ctx });
  await app.register(gradingRoutes, { ctx });
  await app.register(gradebookRoutes, { ctx });
  if (deps.eventBus)
    await app.register(busAdminRoutes, {
      bus: deps.eventBus,
      schema: 'assessment',
      service: 'assessment-service',
    });
  return { app, ctx };
}

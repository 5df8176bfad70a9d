import { createServiceApp, type ServiceApp, type Sql } from '@eduspry/common';
import { busAdminRoutes, type EventBus } from '@eduspry/event-bus';
import type { Logger } from '@eduspry/logging';
import type { Authenticate } from './auth.ts';
import type { CourseEvents } from './events.ts';
import { requireAuthentication } from './routes/context.ts';
import { courseRoutes } from './routes/courses.ts';
import { enrollmentRoutes } from './routes/enrollments.ts';
import { itemRoutes } from './routes/items.ts';
import { moduleRoutes } from './routes/modules.ts';
import { progressRoutes } from './routes/progress.ts';
import { rosterImportRoutes } from './routes/roster-imports.ts';
import { sectionRoutes } from './routes/sections.ts';

export interface CourseDeps {
  /** The service's event bus: mounts the super-admin routes `GET /admin/bus` and dead-letter replay. */
  eventBus?: EventBus;
  sql: Sql;
  events: CourseEvents;
  /** Verifies bearer tokens against auth-service's keys (tests pass one over a test key pair). */
  authenticate: Authenticate;
  logger?: Logger;
}

/** Wires course-service's HTTP API: no I/O happens here beyond what the routes do per request. */
export async function buildApp({
  sql,
  eventBus,
  events,
  authenticate,
  logger,
}: CourseDeps): Promise<ServiceApp> {
  const app = await createServiceApp({
    name: 'course-service',
    description: 'Courses, sections, modules, content items, enrollments and progress',
    ...(logger ? { logger } : {}),
    readiness: { postgres: () => sql`select 1` },
  });
  await app.register(async (api) => {
    requireAuthentication(api, authenticate);
    const deps = { sql, events, authenticate };
    await api.register(courseRoutes, deps);
    await api.register(sectionRoutes, deps);
    await api.register(moduleRoutes, deps);
    await api.register(itemRoutes, deps);
    await api.register(enrollmentRoutes, deps);
    await api.register(progressRoutes, deps);
    await api.register(rosterImportRoutes, deps);
    if (eventBus)
      await api.register(busAdminRoutes, { bus: eventBus, schema: 'course', service: 'course-service' });
  });
  return app;
}

import {
  createServiceApp,
  type ServiceApp,
  type Sql,
  type TokenVerifier,
  useTokenVerifier,
} from '@eduspry/common';
import { busAdminRoutes, type EventBus } from '@eduspry/event-bus';
import type { Logger } from '@eduspry/logging';
import type { AnalyticsContext } from './domain/context.ts';
import { adminRoutes } from './routes/admin.ts';
import { reportRoutes } from './routes/reports.ts';
import { trackRoutes } from './routes/track.ts';

export interface AnalyticsDeps {
  /** The service's event bus: mounts the super-admin routes `GET /admin/bus` and dead-letter replay. */
  eventBus?: EventBus;
  sql: Sql;
  tokenVerifier: TokenVerifier;
  logger?: Logger;
  now?: () => Date;
}

/** Wires analytics-service's HTTP API; no I/O happens here beyond what the routes do per request. */
export async function buildApp({
  sql,
  eventBus,
  tokenVerifier,
  logger,
  now,
}: AnalyticsDeps): Promise<{ app: ServiceApp; ctx: AnalyticsContext }> {
  const app = await createServiceApp({
    name: 'analytics-service',
    description:
      'Analytics: activity tracking and domain events in, incrementally maintained rollups, reports (JSON and CSV) out',
    ...(logger ? { logger } : {}),
    readiness: { postgres: () => sql`select 1` },
  });
  useTokenVerifier(app, tokenVerifier);
  const ctx: AnalyticsContext = { sql, log: app.log, now: now ?? (() => new Date()) };
  await app.register(trackRoutes, { ctx });
  await app.register(reportRoutes, { ctx });
  await app.register(adminRoutes, { ctx });
  if (eventBus)
    await app.register(busAdminRoutes, { bus: eventBus, schema: 'analytics', service: 'analytics-service' });
  return { app, ctx };
}

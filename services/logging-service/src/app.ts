import {
  createServiceApp,
  type ServiceApp,
  type Sql,
  type TokenVerifier,
  useTokenVerifier,
} from '@eduspry/common';
import { busAdminRoutes, type EventBus } from '@eduspry/event-bus';
import type { Logger } from '@eduspry/logging';
import type { LogSink } from './adapters/log-sink.ts';
import { createIngestor, type Ingestor } from './domain/ingest.ts';
import { MAX_BATCH_BYTES } from './domain/log-records.ts';
import { ingestRoutes } from './routes/ingest.ts';
import { retentionRoutes } from './routes/retention.ts';
import { searchRoutes } from './routes/search.ts';

export interface LoggingDeps {
  /** The service's event bus: mounts the super-admin routes `GET /admin/bus` and dead-letter replay. */
  eventBus?: EventBus;
  sql: Sql;
  logger: Logger;
  tokenVerifier: TokenVerifier;
  sinks?: LogSink[];
}

/** Wires the logging-service's HTTP side; the Kafka consumer and retention timer are started by main.ts. */
export async function buildApp({ sql, eventBus, logger, tokenVerifier, sinks = [] }: LoggingDeps): Promise<{
  app: ServiceApp;
  ingestor: Ingestor;
}> {
  const app = await createServiceApp({
    name: 'logging-service',
    description:
      'Log ingestion (HTTP batches and the logs topic), search, and retention per tenant and level',
    logger,
    bodyLimit: MAX_BATCH_BYTES,
    readiness: { postgres: () => sql`select 1` },
  });
  useTokenVerifier(app, tokenVerifier);
  const ingestor = createIngestor({ sql, log: logger.child({ component: 'ingest' }), sinks });
  await app.register(ingestRoutes, { ingestor });
  await app.register(searchRoutes, { sql });
  await app.register(retentionRoutes, { sql });
  if (eventBus)
    await app.register(busAdminRoutes, { bus: eventBus, schema: 'logging', service: 'logging-service' });
  return { app, ingestor };
}

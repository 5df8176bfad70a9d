import '@eduspry/common/telemetry-register';
import { mkdir } from 'node:fs/promises';
import { createDb, runService } from '@eduspry/common';
import { createEventBus, startOutboxRelay } from '@eduspry/event-bus';
import { createLogger } from '@eduspry/logging';
import { buildApp } from './app.ts';
import { readConfig } from './config.ts';

let config: ReturnType<typeof readConfig>;
await runService(
  () => {
    config = readConfig();
    return { name: 'content-service', host: config.HOST, port: config.PORT };
  },
  async () => {
    const logger = createLogger({
      service: 'content-service',
      level: config.LOG_LEVEL,
      environment: config.NODE_ENV,
    });
    const sql = createDb(config.DATABASE_URL, { applicationName: 'content-service' });
    await sql`select 1`;
    if (!config.CONTENT_SIGNING_SECRET)
      logger.warn(
        'CONTENT_SIGNING_SECRET is not set: signed URLs use a development secret (development only)',
      );
    await mkdir(config.CONTENT_UPLOAD_DIR, { recursive: true });
    // content.outbox → Kafka (KAFKA_BROKERS) or the Postgres event log.
    const bus = createEventBus({ sql, service: 'content-service', logger });
    const { app, sweep, followCourseEvents } = await buildApp({ sql, config, logger, eventBus: bus });
    const relay = startOutboxRelay({ sql, schema: 'content', bus, logger });
    // A deleted course item (or module) deletes its files: course-service's item_deleted.
    const courseEvents = await followCourseEvents(bus);
    const runSweep = () =>
      sweep().then(
        (swept) =>
          (swept.partials || swept.rows || swept.objects) &&
          logger.info({ context: swept }, 'swept stale uploads and deleted objects'),
        (error: Error) => logger.error({ err: error }, 'sweeping stale uploads failed'),
      );
    // At start (whatever a crash left behind), then periodically.
    void runSweep();
    const sweeper = setInterval(runSweep, config.CONTENT_SWEEP_INTERVAL_SECONDS * 1000);
    sweeper.unref();
    return {
      app,
      close: async () => {
        clearInterval(sweeper);
        await courseEvents.stop();
        await relay.stop();
        await bus.close();
        await sql.end({ timeout: 5 });
      },
    };
  },
);

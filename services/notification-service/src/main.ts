import '@eduspry/common/telemetry-register';
import { createDb, runService } from '@eduspry/common';
import { createEventBus } from '@eduspry/event-bus';
import { createLogger } from '@eduspry/logging';
import { buildApp } from './app.ts';
import { readConfig } from './config.ts';
import { subscribeToDomainEvents } from './consumers/domain-events.ts';
import { startWorkers } from './workers.ts';

let config: ReturnType<typeof readConfig>;
await runService(
  () => {
    config = readConfig();
    return { name: 'notification-service', host: config.HOST, port: config.PORT };
  },
  async () => {
    const logger = createLogger({
      service: 'notification-service',
      level: config.LOG_LEVEL,
      environment: config.NODE_ENV,
    });
    const sql = createDb(config.DATABASE_URL, { applicationName: 'notification-service', max: 20 });
    await sql`select 1`;
    if (!config.REALTIME_SERVICE_URL || !config.REALTIME_SERVICE_KEY)
      logger.warn(
        'REALTIME_SERVICE_URL or REALTIME_SERVICE_KEY is not set: no live pushes (the inbox still fills)',
      );
    if (!config.NOTIFICATION_LINK_SECRET)
      logger.warn(
        'NOTIFICATION_LINK_SECRET is not set: unsubscribe links are signed with a derived key (development only)',
      );
    if (config.WEBHOOK_ALLOW_PRIVATE)
      logger.warn(
        { allow: config.WEBHOOK_ALLOW_PRIVATE },
        'webhooks may reach these private addresses (development)',
      );
    const bus = createEventBus({ sql, service: 'notification-service', logger });
    const { app, ctx } = await buildApp({ sql, config, logger, eventBus: bus });
    const subscriptions = await subscribeToDomainEvents(bus, ctx);
    const workers = config.NOTIFICATION_WORKERS ? await startWorkers(ctx, sql) : undefined;
    return {
      app,
      close: async () => {
        await Promise.all(subscriptions.map((subscription) => subscription.stop()));
        await workers?.stop();
        await bus.close();
        await sql.end({ timeout: 5 });
      },
    };
  },
);

import '@eduspry/common/telemetry-register';
import { createDb, createTokenVerifier, runService } from '@eduspry/common';
import { createEventBus } from '@eduspry/event-bus';
import { createLogger } from '@eduspry/logging';
import { buildApp } from './app.ts';
import { postgresBus, redisBus } from './cluster/bus.ts';
import { limitsFrom, readConfig } from './config.ts';
import { consumeEnrollments } from './consumers/enrollments.ts';

let config: ReturnType<typeof readConfig>;
await runService(
  () => {
    config = readConfig();
    return { name: 'realtime-service', host: config.HOST, port: config.PORT };
  },
  async () => {
    const logger = createLogger({
      service: 'realtime-service',
      level: config.LOG_LEVEL,
      environment: config.NODE_ENV,
    });
    const sql = createDb(config.DATABASE_URL, { applicationName: 'realtime-service', max: 20 });
    await sql`select 1`;
    const tokenVerifier = createTokenVerifier({
      jwksUrl: new URL('/.well-known/jwks.json', config.AUTH_SERVICE_URL),
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
    });
    const busLog = logger.child({ component: 'cluster' });
    const bus = config.REDIS_URL ? await redisBus(config.REDIS_URL, busLog) : await postgresBus(sql, busLog);
    const events = createEventBus({ sql, service: 'realtime-service', logger });
    const realtime = await buildApp({
      sql,
      eventBus: events,
      logger,
      tokenVerifier,
      bus,
      serviceKey: config.REALTIME_SERVICE_KEY,
      limits: limitsFrom(config),
      changesRetentionSeconds: config.REALTIME_CHANGES_RETENTION_SECONDS,
    });
    await realtime.startChanges();
    const enrollments = await consumeEnrollments(events);
    logger.info({ cluster: bus.engine }, 'realtime-service wired');
    return {
      app: realtime.app,
      close: async () => {
        await enrollments.stop();
        await realtime.close();
        await events.close();
        await sql.end({ timeout: 5 });
      },
    };
  },
);

import '@eduspry/common/telemetry-register';
import { createDb, createRateLimitRedis, runService } from '@eduspry/common';
import { createEventBus, followEndedSessions, startOutboxRelay } from '@eduspry/event-bus';
import { createLogger } from '@eduspry/logging';
import { buildApp } from './app.ts';
import { readConfig } from './config.ts';

let config: ReturnType<typeof readConfig>;
await runService(
  () => {
    config = readConfig();
    return { name: 'auth-service', host: config.HOST, port: config.PORT };
  },
  async () => {
    const logger = createLogger({
      service: 'auth-service',
      level: config.LOG_LEVEL,
      environment: config.NODE_ENV,
    });
    const sql = createDb(config.DATABASE_URL, { applicationName: 'auth-service' });
    await sql`select 1`;
    if (!config.AUTH_KEY_ENCRYPTION_SECRET)
      logger.warn(
        'AUTH_KEY_ENCRYPTION_SECRET is not set: signing keys are stored unencrypted (development only)',
      );
    const redis = createRateLimitRedis(config.REDIS_URL);
    // identity.outbox → Kafka (KAFKA_BROKERS) or the Postgres event log.
    const bus = createEventBus({ sql, service: 'auth-service', logger });
    const app = await buildApp({ sql, config, logger, eventBus: bus, ...(redis ? { redis } : {}) });
    const relay = startOutboxRelay({ sql, schema: 'identity', bus, logger });
    // Its own sign-outs too: auth-service verifies tokens like every other service.
    const ended = await followEndedSessions(bus, {
      tokenLifetimeMs: config.AUTH_ACCESS_TOKEN_TTL_SECONDS * 1000,
    });
    return {
      app,
      close: async () => {
        await ended.stop();
        await relay.stop();
        await bus.close();
        redis?.disconnect();
        await sql.end({ timeout: 5 });
      },
    };
  },
);

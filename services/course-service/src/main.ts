import '@eduspry/common/telemetry-register';
import { createDb, runService } from '@eduspry/common';
import { createEventBus, followEndedSessions, startOutboxRelay } from '@eduspry/event-bus';
import { createLogger } from '@eduspry/logging';
import { buildApp } from './app.ts';
import { createAuthenticator } from './auth.ts';
import { readConfig } from './config.ts';
import { subscribeToUserEvents } from './consumers/users.ts';
import { outboxEvents } from './events.ts';
import { startGrpcServer } from './grpc/server.ts';

let config: ReturnType<typeof readConfig>;
await runService(
  () => {
    config = readConfig();
    return { name: 'course-service', host: config.HOST, port: config.PORT };
  },
  async () => {
    const logger = createLogger({
      service: 'course-service',
      level: config.LOG_LEVEL,
      environment: config.NODE_ENV,
    });
    const sql = createDb(config.DATABASE_URL, { applicationName: 'course-service' });
    await sql`select 1`;
    const authenticate = createAuthenticator({
      jwks: new URL(config.AUTH_JWKS_URL),
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
    });
    // Kafka when KAFKA_BROKERS is set, otherwise the Postgres event log.
    const bus = createEventBus({ sql, service: 'course-service', logger });
    const app = await buildApp({ sql, events: outboxEvents, authenticate, logger, eventBus: bus });
    const grpc = await startGrpcServer({
      sql,
      authenticate,
      logger,
      host: config.HOST,
      port: config.GRPC_PORT,
    });
    logger.info({ port: grpc.port }, 'gRPC listening');
    const relay = startOutboxRelay({ sql, schema: 'course', bus, logger });
    const subscription = await subscribeToUserEvents(bus, outboxEvents);
    const ended = await followEndedSessions(bus); // signed-out sessions' tokens are refused
    return {
      app,
      close: async () => {
        await ended.stop();
        await grpc.close();
        await subscription.stop();
        await relay.stop();
        await bus.close();
        await sql.end({ timeout: 5 });
      },
    };
  },
);

import '@eduspry/common/telemetry-register';
import { createDb, runService } from '@eduspry/common';
import { createEventBus, startOutboxRelay } from '@eduspry/event-bus';
import { createLogger } from '@eduspry/logging';
import { buildApp } from './app.ts';
import { createAuthenticator } from './auth.ts';
import { readConfig } from './config.ts';
import { subscribeToUserRegistered } from './consumers/user-registered.ts';
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
    const app = await buildApp({ sql, events: outboxEvents, authenticate, logger });
    const grpc = await startGrpcServer({
      sql,
      authenticate,
      logger,
      host: config.HOST,
      port: config.GRPC_PORT,
    });
    logger.info({ port: grpc.port }, 'gRPC listening');
    // Kafka when KAFKA_BROKERS is set, otherwise the Postgres event log.
    const bus = createEventBus({ sql, service: 'course-service', logger });
    const relay = startOutboxRelay({ sql, schema: 'course', bus, logger });
    const subscription = await subscribeToUserRegistered(bus, outboxEvents);
    return {
      app,
      close: async () => {
        await grpc.close();
        await subscription.stop();
        await relay.stop();
        await bus.close();
        await sql.end({ timeout: 5 });
      },
    };
  },
);

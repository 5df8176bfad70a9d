import '@eduspry/common/telemetry-register';
import { createDb, createRealtimeClient, createTokenVerifier, runService } from '@eduspry/common';
import { createEventBus, startOutboxRelay } from '@eduspry/event-bus';
import { createLogger } from '@eduspry/logging';
import { buildApp } from './app.ts';
import { readConfig } from './config.ts';
import { autoSubmitOverdue } from './domain/attempts.ts';
import { liveFeed, noLiveFeed } from './domain/live.ts';
import { grpcCourseAccess } from './grpc/course-access.ts';

let config: ReturnType<typeof readConfig>;
await runService(
  () => {
    config = readConfig();
    return { name: 'assessment-service', host: config.HOST, port: config.PORT };
  },
  async () => {
    const logger = createLogger({
      service: 'assessment-service',
      level: config.LOG_LEVEL,
      environment: config.NODE_ENV,
    });
    const sql = createDb(config.DATABASE_URL, { applicationName: 'assessment-service', max: 20 });
    await sql`select 1`;
    const courses = grpcCourseAccess({
      address: config.COURSE_SERVICE_GRPC,
      timeoutMs: config.COURSE_ACCESS_TIMEOUT_MS,
      cacheSeconds: config.COURSE_ACCESS_CACHE_SECONDS,
    });
    const verifier = createTokenVerifier({
      jwksUrl: config.AUTH_JWKS_URL,
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
    });
    // assessment.outbox → Kafka (KAFKA_BROKERS) or the Postgres event log.
    const bus = createEventBus({ sql, service: 'assessment-service', logger });
    const live =
      config.REALTIME_SERVICE_URL && config.REALTIME_SERVICE_KEY
        ? liveFeed({
            realtime: createRealtimeClient({
              url: config.REALTIME_SERVICE_URL,
              key: config.REALTIME_SERVICE_KEY,
              timeoutMs: config.REALTIME_TIMEOUT_MS,
            }),
            intervalMs: config.LIVE_PROGRESS_INTERVAL_MS,
            log: logger,
          })
        : noLiveFeed;
    if (live === noLiveFeed) logger.info('REALTIME_SERVICE_URL/KEY not set: no live view of running quizzes');
    const { app, ctx } = await buildApp({
      sql,
      eventBus: bus,
      verifier,
      courses,
      live,
      logger,
      graceSeconds: config.ATTEMPT_GRACE_SECONDS,
    });
    // Attempts still open at deadline + grace are submitted with what was saved.
    let sweeping = false;
    const sweeper = setInterval(() => {
      if (sweeping) return;
      sweeping = true;
      autoSubmitOverdue(ctx)
        .catch((error) => logger.error({ err: error }, 'auto-submit failed'))
        .finally(() => {
          sweeping = false;
        });
    }, config.AUTO_SUBMIT_INTERVAL_SECONDS * 1000);
    sweeper.unref();
    const relay = startOutboxRelay({ sql, schema: 'assessment', bus, logger });
    return {
      app,
      close: async () => {
        clearInterval(sweeper);
        await live.close();
        await relay.stop();
        await bus.close();
        courses.close();
        await sql.end({ timeout: 5 });
      },
    };
  },
);

import '@eduspry/common/telemetry-register';
import { createDb, createTokenVerifier, runService } from '@eduspry/common';
import { createEventBus, followEndedSessions, kafkaConnection } from '@eduspry/event-bus';
import { createLogger } from '@eduspry/logging';
import { createElasticsearchSink } from './adapters/elasticsearch-sink.ts';
import { buildApp } from './app.ts';
import { readConfig } from './config.ts';
import { consumeLogsTopic } from './consumers/logs-topic.ts';
import { applyRetention } from './domain/retention.ts';

let config: ReturnType<typeof readConfig>;
await runService(
  () => {
    config = readConfig();
    return { name: 'logging-service', host: config.HOST, port: config.PORT };
  },
  async () => {
    const logger = createLogger({
      service: 'logging-service',
      level: config.LOG_LEVEL,
      environment: config.NODE_ENV,
    });
    const sql = createDb(config.DATABASE_URL, { applicationName: 'logging-service' });
    await sql`select 1`;
    const tokenVerifier = createTokenVerifier({
      jwksUrl: new URL('/.well-known/jwks.json', config.AUTH_SERVICE_URL),
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
    });
    const sinks = config.LOG_ELASTICSEARCH_URL
      ? [
          createElasticsearchSink({
            url: config.LOG_ELASTICSEARCH_URL,
            indexPrefix: config.LOG_ELASTICSEARCH_INDEX_PREFIX,
            ...(config.LOG_ELASTICSEARCH_AUTHORIZATION
              ? { authorization: config.LOG_ELASTICSEARCH_AUTHORIZATION }
              : {}),
          }),
        ]
      : [];
    const bus = createEventBus({ sql, service: 'logging-service', logger });
    const { app, ingestor } = await buildApp({ sql, logger, tokenVerifier, sinks, eventBus: bus });
    const kafka = kafkaConnection();
    const consumer = kafka
      ? await consumeLogsTopic({
          connection: kafka,
          topic: config.LOGS_TOPIC,
          group: config.LOGS_CONSUMER_GROUP,
          ingestor,
          logger,
        })
      : undefined;
    const ended = await followEndedSessions(bus); // signed-out sessions' tokens are refused
    const retentionLog = logger.child({ component: 'retention' });
    const runRetention = () =>
      applyRetention(sql, retentionLog)
        .then((result) => retentionLog.info({ ...result }, 'retention applied'))
        .catch((error: unknown) => retentionLog.error({ err: error }, 'retention failed'));
    void runRetention();
    const retentionTimer = setInterval(runRetention, config.RETENTION_INTERVAL_SECONDS * 1000);
    retentionTimer.unref();
    return {
      app,
      close: async () => {
        clearInterval(retentionTimer);
        await ended.stop();
        await bus.close();
        await consumer?.stop();
        await sql.end({ timeout: 5 });
      },
    };
  },
);

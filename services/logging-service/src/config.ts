import { BaseConfig, loadConfig } from '@eduspry/common';
import { type Static, Type } from 'typebox';

export const LoggingConfig = Type.Object({
  ...BaseConfig,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 4005 }),
  /** auth-service, whose JWKS verifies bearer tokens; `npm start` sets it. */
  AUTH_SERVICE_URL: Type.String({ default: 'http://127.0.0.1:4001', pattern: '^https?://' }),
  AUTH_ISSUER: Type.String({ default: 'http://127.0.0.1:4001', pattern: '^https?://' }),
  AUTH_AUDIENCE: Type.String({ default: 'eduspry', minLength: 1 }),
  // KAFKA_BROKERS (and its SASL/TLS settings, read by the event bus's kafkaConnection): lines are
  // also consumed from the `logs` topic, what services and Fluent Bit ship.
  LOGS_TOPIC: Type.String({ default: 'logs', minLength: 1 }),
  LOGS_CONSUMER_GROUP: Type.String({ default: 'logging-service', minLength: 1 }),
  /** How often retention drops old day partitions and deletes expired lines. */
  RETENTION_INTERVAL_SECONDS: Type.Integer({ minimum: 10, default: 3600 }),
  /** Set: every stored batch is also bulk-indexed into Elasticsearch/OpenSearch. */
  LOG_ELASTICSEARCH_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  LOG_ELASTICSEARCH_INDEX_PREFIX: Type.String({ default: 'eduspry-logs', minLength: 1 }),
  LOG_ELASTICSEARCH_AUTHORIZATION: Type.Optional(Type.String({ minLength: 1 })),
});
export type LoggingConfig = Static<typeof LoggingConfig>;

export const readConfig = (env: NodeJS.ProcessEnv = process.env): LoggingConfig =>
  loadConfig(LoggingConfig, env);

import { createRequire } from 'node:module';
import type { Sql } from '@eduspry/common';
import type { KafkaBusOptions } from './kafka.ts';
import { kafkaConnection } from './kafka-connection.ts';
import { PostgresLogBus, type PostgresLogOptions } from './postgres-log.ts';
import type { BusOptions, EventBus } from './types.ts';

export interface CreateEventBusOptions extends BusOptions {
  /** The service's own connection: consumers write processed_events and dead_letters with it. */
  sql: Sql;
  /** Comma-separated brokers; defaults to KAFKA_BROKERS. Unset or empty: the Postgres event log.
   * SASL and TLS come from the environment either way (kafkaConnection). */
  kafkaBrokers?: string;
  kafka?: Omit<KafkaBusOptions, keyof BusOptions | 'connection'>;
  postgres?: Omit<PostgresLogOptions, keyof BusOptions>;
}

/**
 * Kafka when KAFKA_BROKERS is set, otherwise the Postgres event log: nothing else changes. The
 * Kafka client is loaded only then (a service on the Postgres log never carries its ~15 MB).
 */
export function createEventBus(options: CreateEventBusOptions): EventBus {
  const { sql, kafkaBrokers = process.env.KAFKA_BROKERS, service, logger, registry } = options;
  const connection = kafkaConnection({ ...process.env, KAFKA_BROKERS: kafkaBrokers });
  if (connection) {
    const { KafkaBus } = createRequire(import.meta.url)('./kafka.ts') as typeof import('./kafka.ts');
    return new KafkaBus(sql, { service, logger, registry, connection, ...options.kafka });
  }
  return new PostgresLogBus(sql, { service, logger, registry, ...options.postgres });
}

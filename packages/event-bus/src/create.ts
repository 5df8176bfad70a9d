import type { Sql } from '@eduspry/common';
import { KafkaBus, type KafkaBusOptions } from './kafka.ts';
import { PostgresLogBus, type PostgresLogOptions } from './postgres-log.ts';
import type { BusOptions, EventBus } from './types.ts';

export interface CreateEventBusOptions extends BusOptions {
  /** The service's own connection: consumers write processed_events and dead_letters with it. */
  sql: Sql;
  /** Comma-separated brokers; defaults to KAFKA_BROKERS. Unset or empty: the Postgres event log. */
  kafkaBrokers?: string;
  kafka?: Omit<KafkaBusOptions, keyof BusOptions | 'brokers'>;
  postgres?: Omit<PostgresLogOptions, keyof BusOptions>;
}

/** Kafka when KAFKA_BROKERS is set, otherwise the Postgres event log: nothing else changes. */
export function createEventBus(options: CreateEventBusOptions): EventBus {
  const { sql, kafkaBrokers = process.env.KAFKA_BROKERS, service, logger, registry } = options;
  const brokers = (kafkaBrokers ?? '')
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
  if (brokers.length)
    return new KafkaBus(sql, { service, logger, registry, brokers, ...options.kafka } as KafkaBusOptions);
  return new PostgresLogBus(sql, { service, logger, registry, ...options.postgres });
}

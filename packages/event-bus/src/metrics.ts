import client, { type Registry } from 'prom-client';

export interface EventBusMetrics {
  published: client.Counter<'topic' | 'event_type' | 'bus'>;
  consumed: client.Counter<'group' | 'event_type' | 'outcome'>;
  handlerSeconds: client.Histogram<'group' | 'event_type'>;
  handlerFailures: client.Counter<'group' | 'event_type'>;
  lag: client.Gauge<'group' | 'topic'>;
  outboxPending: client.Gauge<'schema'>;
}

const cache = new WeakMap<Registry, EventBusMetrics>();

/**
 * The event metrics on a prom-client registry (the default one unless given), created once per
 * registry so several buses in one process share them. Served by the service's `/metrics`.
 */
export function eventBusMetrics(registry: Registry = client.register): EventBusMetrics {
  const known = cache.get(registry);
  if (known) return known;
  const registers = [registry];
  const metrics: EventBusMetrics = {
    published: new client.Counter({
      name: 'eduspry_events_published_total',
      help: 'Events handed to the bus (Kafka or the Postgres event log) by outbox relays',
      labelNames: ['topic', 'event_type', 'bus'],
      registers,
    }),
    consumed: new client.Counter({
      name: 'eduspry_events_consumed_total',
      help: 'Events a consumer group finished with, by outcome (handled, duplicate, skipped, dead_lettered)',
      labelNames: ['group', 'event_type', 'outcome'],
      registers,
    }),
    handlerSeconds: new client.Histogram({
      name: 'eduspry_event_handler_duration_seconds',
      help: 'Time a consumer handler took, including its transaction',
      labelNames: ['group', 'event_type'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    handlerFailures: new client.Counter({
      name: 'eduspry_event_handler_failures_total',
      help: 'Handler attempts that threw (each retry counts)',
      labelNames: ['group', 'event_type'],
      registers,
    }),
    lag: new client.Gauge({
      name: 'eduspry_consumer_lag',
      help: 'Events on a topic the consumer group has not finished with yet',
      labelNames: ['group', 'topic'],
      registers,
    }),
    outboxPending: new client.Gauge({
      name: 'eduspry_outbox_pending',
      help: 'Outbox rows not yet published, as last seen by the relay',
      labelNames: ['schema'],
      registers,
    }),
  };
  cache.set(registry, metrics);
  return metrics;
}

import client from 'prom-client';

/**
 * The platform's Prometheus metrics, one registry per process. The kit records HTTP and
 * database metrics itself; the event bus and caches record theirs through these exports, so
 * every service answers `/metrics` with the same names and the alert rules fit all of them.
 */
export const metricsRegistry = new client.Registry();

let defaultsCollected = false;
/** Process metrics (CPU, memory, event-loop lag, GC, handles); collected once per process. */
export function collectProcessMetrics(): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  client.collectDefaultMetrics({ register: metricsRegistry });
}

const registers = [metricsRegistry];

export const httpRequestsTotal = new client.Counter({
  name: 'http_requests_total',
  help: 'HTTP requests answered, by route and status code',
  labelNames: ['service', 'method', 'route', 'status_code'] as const,
  registers,
});

export const httpRequestErrorsTotal = new client.Counter({
  name: 'http_request_errors_total',
  help: 'HTTP requests answered with a 5xx status, by route',
  labelNames: ['service', 'method', 'route', 'status_code'] as const,
  registers,
});

export const httpRequestDuration = new client.Histogram({
  name: 'http_request_duration_seconds',
  help: 'Time from receiving a request to sending the response, by route',
  labelNames: ['service', 'method', 'route', 'status_code'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers,
});

export const dbQueryDuration = new client.Histogram({
  name: 'db_query_duration_seconds',
  help: 'PostgreSQL query time by operation (select, insert, …) and outcome',
  labelNames: ['service', 'operation', 'outcome'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers,
});

export const eventsProducedTotal = new client.Counter({
  name: 'events_produced_total',
  help: 'Events published, by topic and event type',
  labelNames: ['service', 'topic', 'event_type'] as const,
  registers,
});

export const eventsConsumedTotal = new client.Counter({
  name: 'events_consumed_total',
  help: 'Events (or messages) handled by a consumer, by topic and outcome (ok, retried, dead_lettered)',
  labelNames: ['service', 'topic', 'group', 'outcome'] as const,
  registers,
});

export const consumerLag = new client.Gauge({
  name: 'kafka_consumer_lag',
  help: 'Messages a consumer group is behind the end of a partition',
  labelNames: ['service', 'topic', 'group', 'partition'] as const,
  registers,
});

export const cacheLookupsTotal = new client.Counter({
  name: 'cache_lookups_total',
  help: 'Cache lookups by cache and result (hit, miss)',
  labelNames: ['service', 'cache', 'result'] as const,
  registers,
});

/** Security signals the alert rules watch: failed sign-ins, cross-tenant denials. */
export const securityEventsTotal = new client.Counter({
  name: 'security_events_total',
  help: 'Security-relevant outcomes by kind (sign_in_failed, cross_tenant_denied, token_rejected)',
  labelNames: ['service', 'kind'] as const,
  registers,
});

import client from 'prom-client';

/**
 * The platform's Prometheus metrics on prom-client's default registry, so whatever else a
 * process registers there (the event bus's `eduspry_events_*`, a library's) is served by the
 * same `/metrics`. The kit records HTTP and database metrics itself; caches and security checks
 * record theirs through these exports, so alert rules fit every service.
 */
export const metricsRegistry: client.Registry = client.register;

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

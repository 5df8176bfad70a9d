import { BaseConfig, loadConfig } from '@eduspry/common';
import { type Static, Type } from 'typebox';

const { DATABASE_URL: _noDatabase, ...Base } = BaseConfig;

export const GatewayConfig = Type.Object({
  ...Base,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 4000 }),
  /** The services behind the edge (`/api/<service>/…`); a new one adds its URL here and to UPSTREAMS. */
  AUTH_SERVICE_URL: Type.String({ default: 'http://127.0.0.1:4001', pattern: '^https?://' }),
  COURSE_SERVICE_URL: Type.String({ default: 'http://127.0.0.1:4002', pattern: '^https?://' }),
  LOGGING_SERVICE_URL: Type.String({ default: 'http://127.0.0.1:4005', pattern: '^https?://' }),
  CONTENT_SERVICE_URL: Type.String({ default: 'http://127.0.0.1:4003', pattern: '^https?://' }),
  ASSESSMENT_SERVICE_URL: Type.String({ default: 'http://127.0.0.1:4004', pattern: '^https?://' }),
  NOTIFICATION_SERVICE_URL: Type.String({ default: 'http://127.0.0.1:4007', pattern: '^https?://' }),
  ANALYTICS_SERVICE_URL: Type.String({ default: 'http://127.0.0.1:4006', pattern: '^https?://' }),
  /** Its HTTP routes only (presence settings); browsers open its WebSocket directly (REALTIME_PUBLIC_URL). */
  REALTIME_SERVICE_URL: Type.String({ default: 'http://127.0.0.1:4008', pattern: '^https?://' }),
  /** `iss` and `aud` every accepted access token must carry (auth-service's AUTH_ISSUER / AUTH_AUDIENCE). */
  AUTH_ISSUER: Type.String({ default: 'http://127.0.0.1:4001', pattern: '^https?://' }),
  AUTH_AUDIENCE: Type.String({ default: 'eduspry', minLength: 1 }),
  /** Each upstream call gives up after this long (per attempt). */
  GATEWAY_UPSTREAM_TIMEOUT_MS: Type.Integer({ minimum: 50, maximum: 60_000, default: 3000 }),
  /** `GET /platform/health` gives each service this long to answer `/ready` and `/admin/bus`. */
  GATEWAY_HEALTH_TIMEOUT_MS: Type.Integer({ minimum: 50, maximum: 10_000, default: 2000 }),
  /** Attempts for idempotent calls (GET/HEAD) that failed with a network error, timeout or 502/503/504. */
  GATEWAY_UPSTREAM_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 5, default: 2 }),
  /**
   * An upstream's circuit opens when more than this share of its calls in the window failed
   * (no connection, timeout, 502/503/504), once the window holds at least the minimum number of
   * calls; it half-opens after the pause.
   */
  GATEWAY_BREAKER_FAILURE_RATIO: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.5 }),
  GATEWAY_BREAKER_MIN_CALLS: Type.Integer({ minimum: 1, default: 20 }),
  GATEWAY_BREAKER_WINDOW_MS: Type.Integer({ minimum: 1000, default: 10_000 }),
  GATEWAY_BREAKER_HALF_OPEN_MS: Type.Integer({ minimum: 100, default: 10_000 }),
  /**
   * Comma-separated addresses or CIDRs (`loopback`, `10.0.0.0/8`) of proxies in front of the
   * gateway whose `X-Forwarded-For` is kept; from anyone else it is replaced by the peer address.
   */
  GATEWAY_TRUSTED_PROXIES: Type.String({ default: '' }),
  /** How often the gateway asks auth-service for sessions that ended (their tokens are refused). */
  GATEWAY_ENDED_SESSIONS_POLL_MS: Type.Integer({ minimum: 100, maximum: 5000, default: 1000 }),
  /** Requests per minute: per signed-in user, and per client IP (anyone). */
  GATEWAY_RATE_LIMIT_PER_USER: Type.Integer({ minimum: 1, default: 600 }),
  GATEWAY_RATE_LIMIT_PER_IP: Type.Integer({ minimum: 1, default: 1200 }),
  GATEWAY_MAX_QUERY_DEPTH: Type.Integer({ minimum: 2, maximum: 30, default: 8 }),
  GATEWAY_MAX_QUERY_COMPLEXITY: Type.Integer({ minimum: 10, default: 1000 }),
  /**
   * `allow-list`: only the operations in packages/contracts/graphql are executed (production
   * default); `open`: any valid query (development default, GraphiQL on).
   */
  GATEWAY_GRAPHQL_OPERATIONS: Type.Optional(Type.Union([Type.Literal('allow-list'), Type.Literal('open')])),
  /** Set: rate-limit counters are shared through Redis; unset: in memory per instance. */
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
});
export type GatewayConfig = Static<typeof GatewayConfig>;

/** Each upstream service and the config field holding its base URL. */
export const UPSTREAMS = {
  'auth-service': 'AUTH_SERVICE_URL',
  'course-service': 'COURSE_SERVICE_URL',
  'logging-service': 'LOGGING_SERVICE_URL',
  'content-service': 'CONTENT_SERVICE_URL',
  'assessment-service': 'ASSESSMENT_SERVICE_URL',
  'notification-service': 'NOTIFICATION_SERVICE_URL',
  'analytics-service': 'ANALYTICS_SERVICE_URL',
  'realtime-service': 'REALTIME_SERVICE_URL',
} as const satisfies Record<string, keyof GatewayConfig>;

/**
 * Other names under `/api/<name>/` for an upstream (the same client, breaker and all): the
 * analytics contract names its REST surface `/api/analytics/...`.
 */
export const UPSTREAM_ALIASES = {
  analytics: 'analytics-service',
} as const satisfies Record<string, keyof typeof UPSTREAMS>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(GatewayConfig, env);
}

export const operationsMode = (config: GatewayConfig): 'allow-list' | 'open' =>
  config.GATEWAY_GRAPHQL_OPERATIONS ?? (config.NODE_ENV === 'production' ? 'allow-list' : 'open');

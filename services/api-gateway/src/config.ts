import { BaseConfig, loadConfig } from '@eduspry/common';
import { type Static, Type } from 'typebox';

const { DATABASE_URL: _noDatabase, ...Base } = BaseConfig;

export const GatewayConfig = Type.Object({
  ...Base,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 4000 }),
  AUTH_SERVICE_URL: Type.String({ default: 'http://127.0.0.1:4001', pattern: '^https?://' }),
  COURSE_SERVICE_URL: Type.String({ default: 'http://127.0.0.1:4002', pattern: '^https?://' }),
  /** `iss` and `aud` every accepted access token must carry (auth-service's AUTH_ISSUER / AUTH_AUDIENCE). */
  AUTH_ISSUER: Type.String({ default: 'http://127.0.0.1:4001', pattern: '^https?://' }),
  AUTH_AUDIENCE: Type.String({ default: 'eduspry', minLength: 1 }),
  /** Each upstream call gives up after this long (per attempt). */
  GATEWAY_UPSTREAM_TIMEOUT_MS: Type.Integer({ minimum: 50, maximum: 60_000, default: 3000 }),
  /** Attempts for idempotent calls (GET/HEAD) that failed with a network error, timeout or 502/503/504. */
  GATEWAY_UPSTREAM_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 5, default: 2 }),
  /** Consecutive failures that open an upstream's circuit; it half-opens after the pause. */
  GATEWAY_BREAKER_THRESHOLD: Type.Integer({ minimum: 1, default: 5 }),
  GATEWAY_BREAKER_HALF_OPEN_MS: Type.Integer({ minimum: 100, default: 10_000 }),
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

export function readConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(GatewayConfig, env);
}

export const operationsMode = (config: GatewayConfig): 'allow-list' | 'open' =>
  config.GATEWAY_GRAPHQL_OPERATIONS ?? (config.NODE_ENV === 'production' ? 'allow-list' : 'open');

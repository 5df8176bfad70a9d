import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import { tooManyRequests } from './problem.ts';

export type { Redis };

// ioredis (a CommonJS package, ~6 MB resident once loaded) is required only by a service that
// has a REDIS_URL, not by every service that imports the kit.
const require = createRequire(import.meta.url);

/**
 * The shared Redis behind rate limits when REDIS_URL is set (else limits stay in memory).
 * It fails fast rather than queueing: a slow or absent Redis must not hold requests up.
 */
export function createRateLimitRedis(url: string | undefined): Redis | undefined {
  if (!url) return undefined;
  const { Redis: Client } = require('ioredis') as typeof import('ioredis');
  return new Client(url, { connectTimeout: 2000, maxRetriesPerRequest: 1, enableOfflineQueue: false });
}

/**
 * A service's @fastify/rate-limit settings: limits per route (`global: false`), counted in Redis
 * under `nameSpace` when there is one, and a 429 problem+json with Retry-After. When Redis fails,
 * requests go through uncounted (fail open): an outage of the limiter must not become an outage
 * of sign-in; per-account lockout in the database still stands.
 */
export function rateLimitSettings(redis: Redis | undefined, nameSpace: string) {
  return {
    global: false,
    ...(redis ? { redis, nameSpace } : {}),
    skipOnError: true,
    errorResponseBuilder: (_request: unknown, context: { ttl: number }) =>
      tooManyRequests(
        `Too many requests: try again in ${Math.ceil(context.ttl / 1000)} s`,
        Math.ceil(context.ttl / 1000),
      ),
  };
}

import { Redis } from 'ioredis';

export type { Redis };

/**
 * The shared Redis behind rate limits when REDIS_URL is set (else limits stay in memory).
 * It fails fast rather than queueing: a slow or absent Redis must not hold requests up.
 */
export function createRateLimitRedis(url: string | undefined): Redis | undefined {
  return url
    ? new Redis(url, { connectTimeout: 2000, maxRetriesPerRequest: 1, enableOfflineQueue: false })
    : undefined;
}

import type { Clock } from '../core/ports.js';
import type { RateLimiter } from '../core/rate-limit.js';
import { MemoryRateLimiter } from './rate-limit-memory.js';
import { openRedisRateLimiter, type RedisRateLimiterOptions } from './rate-limit-redis.js';

export interface CreateRateLimiterOptions {
  /** A redis:// or rediss:// URL shares the limit between instances; without one the limit is per process. */
  redisUrl?: string | undefined;
  limit: number;
  windowSeconds: number;
  clock: Clock;
  /** Redis only: see RedisRateLimiterOptions.onError (e.g. a throttled warning in the log). */
  onRedisError?: RedisRateLimiterOptions['onError'];
}

/**
 * Redis when a URL is given (rejects if Redis is unreachable at start-up), in memory otherwise. With limit 0
 * (rate limiting off) no Redis connection is opened: there is nothing to count.
 */
export async function createRateLimiter(options: CreateRateLimiterOptions): Promise<RateLimiter> {
  const policy = { limit: options.limit, windowSeconds: options.windowSeconds };
  if (options.redisUrl === undefined || options.redisUrl === '' || options.limit === 0) {
    return new MemoryRateLimiter(policy, options.clock);
  }
  return openRedisRateLimiter(options.redisUrl, policy, { onError: options.onRedisError });
}

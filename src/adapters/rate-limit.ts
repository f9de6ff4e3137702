import type { RateLimiter, RateLimitPolicy } from '../apis/rate-limiter.js';
import type { Clock } from '../oauth/ports.js';
import { MemoryRateLimiter } from './rate-limit-memory.js';
import { openRedisRateLimiter, type RedisRateLimiterOptions } from './rate-limit-redis.js';

export interface CreateRateLimiterOptions {
  /** A redis:// or rediss:// URL shares the limit between instances; without one the limit is per process. */
  redisUrl?: string | undefined;
  policy: RateLimitPolicy;
  clock: Clock;
  /** Redis only: see RedisRateLimiterOptions.onError (e.g. a throttled warning in the log). */
  onRedisError?: RedisRateLimiterOptions['onError'];
}

/**
 * Redis when a URL is given (rejects if Redis is unreachable at start-up), in memory otherwise. With limit 0
 * (rate limiting off) no Redis connection is opened: the API does not consult the limiter then, so the
 * in-memory one only carries the policy.
 */
export async function createRateLimiter(options: CreateRateLimiterOptions): Promise<RateLimiter> {
  const { policy } = options;
  if (options.redisUrl === undefined || options.redisUrl === '' || policy.limit === 0) {
    return new MemoryRateLimiter(policy, options.clock);
  }
  return openRedisRateLimiter(options.redisUrl, policy, { onError: options.onRedisError });
}

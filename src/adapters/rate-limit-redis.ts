import { Redis } from 'ioredis';
import type { RateLimitDecision, RateLimiter, RateLimitPolicy } from '../apis/rate-limiter.js';

export const DEFAULT_REDIS_KEY_PREFIX = 'flexgate:rl:';

/** How long start-up waits for Redis before giving up with a clear message. */
const CONNECT_TIMEOUT_MS = 3000;

/**
 * One round trip, atomic: count the request; the first request of a window sets the window's expiry.
 * The PTTL < 0 branch repairs a key that lost its expiry (e.g. PERSISTed by hand), so no key lives forever.
 * Returns { count in this window, milliseconds until the window ends }.
 */
const CONSUME_LUA = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }
`;

/** The command `defineCommand` adds (EVALSHA, falling back to EVAL when Redis does not know the script). */
interface WithConsumeCommand {
  flexgateRateLimitConsume(key: string, windowMs: number): Promise<[number, number]>;
}

export interface RedisRateLimiterOptions {
  url: string;
  policy: RateLimitPolicy;
  /** Prepended to every key; default `flexgate:rl:`. */
  keyPrefix?: string | undefined;
  /**
   * When Redis fails a request (down, restarting, timed out): true (default) lets the request through,
   * reported as `remaining = limit`, and does so without waiting while the connection is down; false queues
   * the request until one reconnection attempt, then rejects `consume` with the Redis error (the HTTP
   * layer's 500).
   *
   * Fail-open is the default because the limiter protects the API, it is not the API: a Redis blip must not
   * take every API request down with it. Losing the limit for a few seconds is the lesser harm. Nothing is
   * logged here (that would log once per request during an outage); pass `onError` to observe failures.
   */
  failOpen?: boolean | undefined;
  /** Called with every Redis error seen by `consume` (and connection errors), e.g. to log them throttled. */
  onError?: ((error: Error) => void) | undefined;
}

/**
 * Fixed-window rate limiting shared by every instance using the same Redis: one key per client, INCR'd and
 * given the window's expiry on its first hit, in one Lua script (so concurrent requests from several
 * instances count exactly). Prefer `openRedisRateLimiter`, which waits for the connection at start-up.
 */
export class RedisRateLimiter implements RateLimiter {
  readonly policy: RateLimitPolicy;
  readonly redis: Redis;
  private readonly windowMs: number;
  private readonly failOpen: boolean;
  private readonly onError: ((error: Error) => void) | undefined;
  private closed = false;

  constructor(options: RedisRateLimiterOptions) {
    this.policy = Object.freeze({ limit: options.policy.limit, windowSeconds: options.policy.windowSeconds });
    this.windowMs = options.policy.windowSeconds * 1000;
    this.failOpen = options.failOpen ?? true;
    this.onError = options.onError;
    this.redis = new Redis(options.url, {
      // ioredis prepends it to every key, the script's KEYS[1] included (defineCommand passes it on).
      keyPrefix: options.keyPrefix ?? DEFAULT_REDIS_KEY_PREFIX,
      lazyConnect: false,
      // A request waits for at most one reconnection attempt, then fails (and, by default, fails open).
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
      connectTimeout: CONNECT_TIMEOUT_MS,
      // A Redis that accepts the connection but stops answering must not hold API requests for long.
      commandTimeout: 1000,
      // Reconnect quickly after a blip (ioredis's default backs off to 2 s), keep trying for as long as needed.
      retryStrategy: (times: number) => Math.min(times * 100, 1000),
    });
    // Without a listener ioredis prints every connection error to the console; reconnection is automatic.
    this.redis.on('error', (error: Error) => this.onError?.(error));
    this.redis.defineCommand('flexgateRateLimitConsume', { numberOfKeys: 1, lua: CONSUME_LUA });
  }

  /** Resolves once connected; rejects with the connection's error, or after `timeoutMs`. */
  waitUntilReady(timeoutMs: number = CONNECT_TIMEOUT_MS): Promise<void> {
    if (this.redis.status === 'ready') return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const done = (error?: Error) => {
        clearTimeout(timer);
        this.redis.off('ready', onReady);
        this.redis.off('error', onError);
        this.redis.off('end', onEnd);
        if (error === undefined) resolve();
        else reject(error);
      };
      const onReady = () => done();
      const onError = (error: Error) => done(error);
      const onEnd = () => done(new Error('connection closed'));
      const timer = setTimeout(() => done(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      this.redis.once('ready', onReady);
      this.redis.once('error', onError);
      this.redis.once('end', onEnd);
    });
  }

  async consume(key: string): Promise<RateLimitDecision> {
    const { limit, windowSeconds } = this.policy;
    // Fail-open while disconnected: answer at once rather than queue every API request behind reconnection
    // attempts (the connection's own errors already went to `onError` via the client's 'error' event).
    if (this.failOpen && this.redis.status !== 'ready') {
      return { allowed: true, limit, remaining: limit, resetSeconds: windowSeconds };
    }
    let count: number;
    let ttlMs: number;
    try {
      const command = this.redis as unknown as WithConsumeCommand;
      [count, ttlMs] = await command.flexgateRateLimitConsume(key, this.windowMs);
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      this.onError?.(failure);
      if (!this.failOpen) throw failure;
      return { allowed: true, limit, remaining: limit, resetSeconds: windowSeconds };
    }
    const resetSeconds = Math.max(1, Math.ceil(Number(ttlMs) / 1000));
    const used = Number(count);
    if (used > limit) return { allowed: false, limit, remaining: 0, resetSeconds };
    return { allowed: true, limit, remaining: limit - used, resetSeconds };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.redis.status === 'ready') {
      try {
        await this.redis.quit();
        return;
      } catch {
        // Fall through: drop the connection.
      }
    }
    this.redis.disconnect();
  }
}

/**
 * Connects to Redis and returns the limiter; at start-up an unreachable Redis is a configuration error:
 * rejects within about 3 s with `could not connect to Redis at <url without password>: <reason>`.
 */
export async function openRedisRateLimiter(
  url: string,
  policy: RateLimitPolicy,
  options: Omit<RedisRateLimiterOptions, 'url' | 'policy'> = {},
): Promise<RedisRateLimiter> {
  let limiter: RedisRateLimiter;
  try {
    limiter = new RedisRateLimiter({ ...options, url, policy });
  } catch (error) {
    throw new Error(`could not connect to Redis at ${redactUrl(url)}: ${reason(error)}`);
  }
  try {
    await limiter.waitUntilReady(CONNECT_TIMEOUT_MS);
  } catch (error) {
    limiter.redis.disconnect();
    throw new Error(`could not connect to Redis at ${redactUrl(url)}: ${reason(error)}`);
  }
  return limiter;
}

/** The URL as safe to print: without its password. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

const reason = (error: unknown): string => {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return error.message !== '' ? error.message : typeof code === 'string' ? code : error.name;
  }
  return String(error);
};

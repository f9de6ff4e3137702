import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../src/adapters/rate-limit.js';
import { openRedisRateLimiter, RedisRateLimiter, redactUrl } from '../../src/adapters/rate-limit-redis.js';
import type { RateLimiter, RateLimitPolicy } from '../../src/apis/rate-limiter.js';
import { ManualClock } from '../../src/oauth/clock.js';

const REDIS_URL = process.env.FLEXGATE_TEST_REDIS_URL;

/** Mirrors testDialects(): Redis is optional on a laptop, required in CI. */
function redisAvailable(): boolean {
  if (REDIS_URL !== undefined && REDIS_URL !== '') return true;
  if (process.env.CI !== undefined) throw new Error('CI must set FLEXGATE_TEST_REDIS_URL for the Redis suites');
  console.warn('Redis rate-limit tests skipped: set FLEXGATE_TEST_REDIS_URL=redis://127.0.0.1:6379');
  return false;
}

const url = REDIS_URL ?? '';
/** Unique per run (and per test file worker), so parallel or repeated runs never share counters. */
const runPrefix = `flexgate-test:${randomUUID()}:`;

describe.runIf(redisAvailable())('RedisRateLimiter (real Redis)', () => {
  const opened: RateLimiter[] = [];
  let admin: Redis;

  const open = async (policy: RateLimitPolicy, keyPrefix = runPrefix, options = {}) => {
    const limiter = await openRedisRateLimiter(url, policy, { keyPrefix, ...options });
    opened.push(limiter);
    return limiter;
  };

  beforeAll(() => {
    admin = new Redis(url, { maxRetriesPerRequest: 1 });
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((limiter) => limiter.close()));
  });

  afterAll(async () => {
    const keys = await admin.keys(`${runPrefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
  });

  it('counts requests per key and refuses past the limit', async () => {
    const rl = await open({ limit: 3, windowSeconds: 60 });
    const key = randomUUID();
    expect(await rl.consume(key)).toEqual({ allowed: true, limit: 3, remaining: 2, resetSeconds: 60 });
    expect(await rl.consume(key)).toEqual({ allowed: true, limit: 3, remaining: 1, resetSeconds: 60 });
    expect(await rl.consume(key)).toEqual({ allowed: true, limit: 3, remaining: 0, resetSeconds: 60 });
    const refused = await rl.consume(key);
    expect(refused).toMatchObject({ allowed: false, limit: 3, remaining: 0 });
    expect(refused.resetSeconds).toBeGreaterThanOrEqual(59);
    expect(refused.resetSeconds).toBeLessThanOrEqual(60);
    // Another key has its own count.
    expect(await rl.consume(randomUUID())).toMatchObject({ allowed: true, remaining: 2 });
  });

  it('stores the count under the prefix with the window as expiry', async () => {
    const rl = await open({ limit: 5, windowSeconds: 30 });
    const key = randomUUID();
    await rl.consume(key);
    await rl.consume(key);
    expect(await admin.get(`${runPrefix}${key}`)).toBe('2');
    const ttl = await admin.pttl(`${runPrefix}${key}`);
    expect(ttl).toBeGreaterThan(28_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
  });

  it('uses the flexgate:rl: prefix by default', async () => {
    const rl = await openRedisRateLimiter(url, { limit: 5, windowSeconds: 5 });
    opened.push(rl);
    const key = `${runPrefix}${randomUUID()}`;
    await rl.consume(key);
    expect(await admin.get(`flexgate:rl:${key}`)).toBe('1');
    await admin.del(`flexgate:rl:${key}`);
  });

  it('starts a new window after the old one expires', async () => {
    const rl = await open({ limit: 2, windowSeconds: 1 });
    const key = randomUUID();
    await rl.consume(key);
    await rl.consume(key);
    expect(await rl.consume(key)).toMatchObject({ allowed: false, resetSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await rl.consume(key)).toEqual({ allowed: true, limit: 2, remaining: 1, resetSeconds: 1 });
  });

  it('shares the count between instances using the same Redis', async () => {
    const policy = { limit: 4, windowSeconds: 60 };
    const a = await open(policy);
    const b = await open(policy);
    const key = randomUUID();
    expect(await a.consume(key)).toMatchObject({ allowed: true, remaining: 3 });
    expect(await b.consume(key)).toMatchObject({ allowed: true, remaining: 2 });
    expect(await a.consume(key)).toMatchObject({ allowed: true, remaining: 1 });
    expect(await b.consume(key)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await a.consume(key)).toMatchObject({ allowed: false });
    expect(await b.consume(key)).toMatchObject({ allowed: false });
  });

  it('allows exactly `limit` of 50 concurrent requests, across two instances', async () => {
    const policy = { limit: 17, windowSeconds: 60 };
    const a = await open(policy);
    const b = await open(policy);
    const key = randomUUID();
    const decisions = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).consume(key)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(17);
    const remaining = decisions.filter((d) => d.allowed).map((d) => d.remaining);
    expect(remaining.sort((x, y) => x - y)).toEqual(Array.from({ length: 17 }, (_, i) => i));
  });

  it('keeps runs apart: a different key prefix is a different count', async () => {
    const policy = { limit: 1, windowSeconds: 60 };
    const a = await open(policy, `${runPrefix}a:`);
    const b = await open(policy, `${runPrefix}b:`);
    expect((await a.consume('same')).allowed).toBe(true);
    expect((await b.consume('same')).allowed).toBe(true);
    expect((await a.consume('same')).allowed).toBe(false);
  });

  it('recovers a counter key that lost its expiry', async () => {
    const rl = await open({ limit: 5, windowSeconds: 10 });
    const key = randomUUID();
    await rl.consume(key);
    await admin.persist(`${runPrefix}${key}`);
    expect((await rl.consume(key)).resetSeconds).toBe(10);
    expect(await admin.pttl(`${runPrefix}${key}`)).toBeGreaterThan(0);
  });

  it('still works after Redis forgot the script (SCRIPT FLUSH)', async () => {
    const rl = await open({ limit: 5, windowSeconds: 10 });
    const key = randomUUID();
    await rl.consume(key);
    await admin.script('FLUSH');
    expect(await rl.consume(key)).toMatchObject({ allowed: true, remaining: 3 });
  });

  it('createRateLimiter picks Redis when given a URL', async () => {
    const rl = await createRateLimiter({
      redisUrl: url,
      policy: { limit: 3, windowSeconds: 5 },
      clock: new ManualClock(),
    });
    opened.push(rl);
    expect(rl).toBeInstanceOf(RedisRateLimiter);
  });

  describe('when Redis goes away after start-up', () => {
    it('fails open for a request caught mid-flight by the outage', async () => {
      const errors: Error[] = [];
      const rl = (await open({ limit: 3, windowSeconds: 60 }, runPrefix, {
        onError: (error: Error) => errors.push(error),
      })) as RedisRateLimiter;
      const key = randomUUID();
      // Sent while connected, then the socket is torn down before the answer can come back (`disconnect`
      // would close it gracefully, letting Redis answer first), and every reconnection fails.
      const pending = rl.consume(key);
      rl.redis.options.port = 1;
      rl.redis.options.host = '127.0.0.1';
      rl.redis.stream.destroy();
      // Only the fail-open answer has remaining = limit: a counted request would leave 2.
      expect(await pending).toEqual({ allowed: true, limit: 3, remaining: 3, resetSeconds: 60 });
      expect(errors.length).toBeGreaterThan(0);
    });

    it('fails open by default: allowed, remaining = limit, and reports the error', async () => {
      const errors: Error[] = [];
      const rl = (await open({ limit: 3, windowSeconds: 60 }, runPrefix, {
        onError: (error: Error) => errors.push(error),
      })) as RedisRateLimiter;
      // Point the client at a dead port and drop the connection: every reconnection now fails.
      rl.redis.options.port = 1;
      rl.redis.options.host = '127.0.0.1';
      rl.redis.disconnect(true);
      const started = Date.now();
      expect(await rl.consume(randomUUID())).toEqual({ allowed: true, limit: 3, remaining: 3, resetSeconds: 60 });
      expect(Date.now() - started).toBeLessThan(200);
      await expect.poll(() => errors.length).toBeGreaterThan(0);
    });

    it('rejects instead with failOpen: false', async () => {
      const rl = (await open({ limit: 3, windowSeconds: 60 }, runPrefix, { failOpen: false })) as RedisRateLimiter;
      rl.redis.options.port = 1;
      rl.redis.options.host = '127.0.0.1';
      rl.redis.disconnect(true);
      await expect(rl.consume(randomUUID())).rejects.toThrow();
    });
  });
});

describe('openRedisRateLimiter start-up errors', () => {
  it('fails fast with a clear message when Redis is unreachable, without the password', async () => {
    const started = Date.now();
    await expect(
      openRedisRateLimiter('redis://user:hunter2@127.0.0.1:1', { limit: 1, windowSeconds: 1 }),
    ).rejects.toThrow(/^could not connect to Redis at redis:\/\/user@127\.0\.0\.1:1: .+/);
    expect(Date.now() - started).toBeLessThan(4000);
    const error = await openRedisRateLimiter('redis://:hunter2@127.0.0.1:1', { limit: 1, windowSeconds: 1 }).then(
      () => new Error('connected'),
      (failure: unknown) => failure as Error,
    );
    expect(error.message).toMatch(/^could not connect to Redis at redis:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/);
    expect(error.message).not.toContain('hunter2');
  });

  it('createRateLimiter rejects the same way', async () => {
    await expect(
      createRateLimiter({
        redisUrl: 'redis://127.0.0.1:1',
        policy: { limit: 5, windowSeconds: 5 },
        clock: new ManualClock(),
      }),
    ).rejects.toThrow(/could not connect to Redis at redis:\/\/127\.0\.0\.1:1/);
  });

  it('redactUrl drops only the password', () => {
    expect(redactUrl('rediss://:pw@cache.example.com:6380/2')).toBe('rediss://cache.example.com:6380/2');
    expect(redactUrl('redis://cache:6379')).toBe('redis://cache:6379');
  });
});

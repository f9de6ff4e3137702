import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('has documented defaults', () => {
    const config = loadConfig({}, {});
    expect(config).toMatchObject({ port: 8080, host: '127.0.0.1', dataDir: '.flexgate', databaseUrl: undefined });
    expect(config.core).toMatchObject({
      issuer: 'http://localhost:8080',
      audience: 'http://localhost:8080/api',
      accessTokenTtlSeconds: 3600,
      authorizationCodeTtlSeconds: 60,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads FLEXGATE_* variables, and flags win over them', () => {
    const env = { FLEXGATE_PORT: '9000', FLEXGATE_ISSUER: 'https://auth.example.com/', FLEXGATE_DEMO: 'true' };
    expect(loadConfig({}, env)).toMatchObject({ port: 9000, demo: true, core: { issuer: 'https://auth.example.com' } });
    expect(loadConfig({ port: 7000 }, env).port).toBe(7000);
  });

  it.each([
    [{ port: 'abc' }, /port \(--port or FLEXGATE_PORT\)/],
    [{ databaseUrl: 'mysql://x' }, /databaseUrl \(--database-url or FLEXGATE_DATABASE_URL\): must be a postgres/],
    [{ issuer: 'ftp://x' }, /issuer/],
    [{ issuer: 'https://auth.example.com/?a=1' }, /must not have a query or fragment/],
    [{ codeTtl: 5 }, /codeTtl/],
    [
      { sandboxHost: 'https://api.example.com' },
      /sandboxHost \(--sandbox-host or FLEXGATE_SANDBOX_HOST\): must be a host name/,
    ],
    [{ sandboxHost: 'api.example.com', liveHost: 'API.example.com' }, /sandboxHost and liveHost must differ/],
    [
      { redisUrl: 'http://127.0.0.1:6379' },
      /redisUrl \(--redis-url or FLEXGATE_REDIS_URL\): must be a redis:\/\/ or rediss:\/\//,
    ],
    [{ redisUrl: 'redis://' }, /redisUrl \(--redis-url or FLEXGATE_REDIS_URL\)/],
    [{ redisUrl: '127.0.0.1:6379' }, /redisUrl.*must be a redis:\/\/ or rediss:\/\//],
    [{ rateLimit: -1 }, /rateLimit \(--rate-limit or FLEXGATE_RATE_LIMIT\)/],
    [{ rateLimit: 1_000_001 }, /rateLimit/],
    [{ rateLimit: '1.5' }, /rateLimit/],
    [{ rateLimitWindow: 0 }, /rateLimitWindow \(--rate-limit-window or FLEXGATE_RATE_LIMIT_WINDOW\)/],
    [{ rateLimitWindow: 3601 }, /rateLimitWindow/],
  ])('rejects %o with one line naming the option', (flags, message) => {
    expect(() => loadConfig(flags as never, {})).toThrow(ConfigError);
    try {
      loadConfig(flags as never, {});
    } catch (error) {
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('reports every invalid option at once, one line each', () => {
    const env = { FLEXGATE_PORT: 'x', FLEXGATE_DATA_DIR: '' };
    let message = '';
    try {
      loadConfig({ rateLimit: -1, databaseUrl: 'mysql://x', logLevel: 'loud' } as never, env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    const lines = message.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines.every((line) => line.startsWith('invalid configuration: '))).toBe(true);
    expect(message).toMatch(/port \(--port or FLEXGATE_PORT\)/);
    expect(message).toMatch(/databaseUrl \(--database-url or FLEXGATE_DATABASE_URL\)/);
    expect(message).toMatch(/logLevel \(--log-level or FLEXGATE_LOG_LEVEL\)/);
    expect(message).toMatch(/rateLimit \(--rate-limit or FLEXGATE_RATE_LIMIT\)/);
  });

  it('names an option by its own flag (dataDir is --data)', () => {
    expect(() => loadConfig({ dataDir: '' }, {})).toThrow(/dataDir \(--data or FLEXGATE_DATA_DIR\)/);
  });

  it('refuses an option it does not know', () => {
    expect(() => loadConfig({ colour: 'blue' } as never, {})).toThrow(/unknown option colour/);
  });

  describe('rate limiting', () => {
    it('defaults to 600 requests per 60 s, in memory', () => {
      const config = loadConfig({}, {});
      expect(config.rateLimit).toEqual({ limit: 600, windowSeconds: 60 });
      expect(config.redisUrl).toBeUndefined();
      expect(Object.isFrozen(config.rateLimit)).toBe(true);
    });

    it('reads FLEXGATE_REDIS_URL, FLEXGATE_RATE_LIMIT and FLEXGATE_RATE_LIMIT_WINDOW; flags win', () => {
      const env = {
        FLEXGATE_REDIS_URL: 'redis://:secret@cache.internal:6380/2',
        FLEXGATE_RATE_LIMIT: '100',
        FLEXGATE_RATE_LIMIT_WINDOW: '10',
      };
      expect(loadConfig({}, env)).toMatchObject({
        redisUrl: 'redis://:secret@cache.internal:6380/2',
        rateLimit: { limit: 100, windowSeconds: 10 },
      });
      const flagged = loadConfig({ redisUrl: 'rediss://cache.example.com', rateLimit: '5', rateLimitWindow: '1' }, env);
      expect(flagged).toMatchObject({
        redisUrl: 'rediss://cache.example.com',
        rateLimit: { limit: 5, windowSeconds: 1 },
      });
    });

    it('accepts 0 (off) and the bounds', () => {
      expect(loadConfig({ rateLimit: 0 }, {}).rateLimit.limit).toBe(0);
      expect(loadConfig({ rateLimit: 1_000_000, rateLimitWindow: 3600 }, {}).rateLimit).toEqual({
        limit: 1_000_000,
        windowSeconds: 3600,
      });
    });

    it('does not echo the Redis URL (it may carry a password) in the error', () => {
      expect(() => loadConfig({}, { FLEXGATE_REDIS_URL: 'http://:hunter2@cache' })).toThrow(
        /^invalid configuration: redisUrl \(--redis-url or FLEXGATE_REDIS_URL\): must be a redis:\/\/ or rediss:\/\/ URL$/,
      );
    });
  });
});

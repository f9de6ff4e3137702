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
  ])('rejects %o with one line naming the option', (flags, message) => {
    expect(() => loadConfig(flags as never, {})).toThrow(ConfigError);
    try {
      loadConfig(flags as never, {});
    } catch (error) {
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    }
  });
});

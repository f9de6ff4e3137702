import { z } from 'zod';
import { MAX_ACCESS_TOKEN_TTL_SECONDS } from './oauth/context.js';
import type { PortalConfig } from './portal/domain/context.js';

/**
 * Flexgate's configuration: every option, its default and its environment variable, in one place.
 * Validated once at start-up; the result is frozen. CLI flags win over environment variables.
 */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const hostName = z
  .string()
  .toLowerCase()
  .regex(/^[a-z0-9.-]+(:\d{1,5})?$/, 'must be a host name, optionally with :port (e.g. api.sandbox.example.com)');

const seconds = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const configSchema = z
  .object({
    /** FLEXGATE_PORT: TCP port to listen on. */
    port: z.coerce.number().int().min(0).max(65_535).default(8080),
    /** FLEXGATE_HOST: interface to bind; 0.0.0.0 to accept connections from other machines. */
    host: z.string().min(1).default('127.0.0.1'),
    /** FLEXGATE_DATA_DIR: folder of the embedded SQLite database (created if missing). */
    dataDir: z.string().min(1).default('.flexgate'),
    /** FLEXGATE_DATABASE_URL: a postgres:// URL selects PostgreSQL instead of SQLite. */
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\/.+/, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    /** FLEXGATE_ISSUER: the public base URL of this server; default http://localhost:<port>. */
    issuer: z.url({ protocol: /^https?$/ }).optional(),
    /** FLEXGATE_SANDBOX_HOST: host name (optionally :port) on which the API serves sandbox tokens only. */
    sandboxHost: hostName.optional(),
    /** FLEXGATE_LIVE_HOST: host name (optionally :port) on which the API serves live tokens only. */
    liveHost: hostName.optional(),
    /** FLEXGATE_DEMO: create a demo user and application on the first start. */
    demo: z.boolean().default(false),
    /** FLEXGATE_LOG_LEVEL */
    logLevel: z.enum(LOG_LEVELS).default('info'),
    /** FLEXGATE_ACCESS_TOKEN_TTL: access-token lifetime in seconds. */
    accessTokenTtl: seconds(30, MAX_ACCESS_TOKEN_TTL_SECONDS).default(3600),
    /** FLEXGATE_REFRESH_TOKEN_TTL: refresh-token lifetime in seconds (each rotation starts a new one). */
    refreshTokenTtl: seconds(300, 31_536_000).default(30 * 86_400),
    /** FLEXGATE_CODE_TTL: authorization-code lifetime in seconds. */
    codeTtl: seconds(10, 600).default(60),
    /** FLEXGATE_SESSION_TTL: browser session lifetime in seconds. */
    sessionTtl: seconds(60, 30 * 86_400).default(8 * 3600),
    /**
     * FLEXGATE_CC_TOKEN_REUSE: for this many seconds after issuing a client-credentials token, the same
     * client asking for the same scopes gets that token again (expires_in counts down); 0 turns it off.
     */
    ccTokenReuse: seconds(0, 3600).default(60),
    /**
     * FLEXGATE_LOGIN_DELAY: milliseconds per failed login (from the 3rd in a row) that a failed login's
     * response is held back, at most 2 s; 0 turns the slow-down off (the lock-out stays).
     */
    loginDelayMs: z.coerce.number().int().min(0).max(2000).default(250),
    /** FLEXGATE_SYNC_INTERVAL: how often (ms) to pick up revocations and keys written by other processes. */
    syncIntervalMs: z.coerce.number().int().min(100).max(60_000).default(2000),
    /**
     * FLEXGATE_REDIS_URL: a redis:// or rediss:// URL; API rate limits are then counted in Redis and shared by
     * every instance using it (otherwise each process counts on its own).
     */
    redisUrl: z
      .url({ protocol: /^rediss?$/, hostname: /^.+$/, error: 'must be a redis:// or rediss:// URL' })
      .optional(),
    /** FLEXGATE_RATE_LIMIT: API requests per window per client (or per address without a token); 0 turns it off. */
    rateLimit: z.coerce.number().int().min(0).max(1_000_000).default(600),
    /** FLEXGATE_RATE_LIMIT_WINDOW: length in seconds of the rate-limit window. */
    rateLimitWindow: seconds(1, 3600).default(60),
  })
  .strict();

export type ConfigInput = z.input<typeof configSchema>;

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly demo: boolean;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly syncIntervalMs: number;
  readonly redisUrl: string | undefined;
  /** API rate limit: `limit` requests per `windowSeconds` per client; limit 0 is off. */
  readonly rateLimit: Readonly<{ limit: number; windowSeconds: number }>;
  readonly core: Readonly<PortalConfig>;
}

const ENV_NAMES: Record<keyof ConfigInput, string> = {
  port: 'FLEXGATE_PORT',
  host: 'FLEXGATE_HOST',
  dataDir: 'FLEXGATE_DATA_DIR',
  databaseUrl: 'FLEXGATE_DATABASE_URL',
  issuer: 'FLEXGATE_ISSUER',
  sandboxHost: 'FLEXGATE_SANDBOX_HOST',
  liveHost: 'FLEXGATE_LIVE_HOST',
  demo: 'FLEXGATE_DEMO',
  logLevel: 'FLEXGATE_LOG_LEVEL',
  accessTokenTtl: 'FLEXGATE_ACCESS_TOKEN_TTL',
  refreshTokenTtl: 'FLEXGATE_REFRESH_TOKEN_TTL',
  codeTtl: 'FLEXGATE_CODE_TTL',
  sessionTtl: 'FLEXGATE_SESSION_TTL',
  ccTokenReuse: 'FLEXGATE_CC_TOKEN_REUSE',
  syncIntervalMs: 'FLEXGATE_SYNC_INTERVAL',
  loginDelayMs: 'FLEXGATE_LOGIN_DELAY',
  redisUrl: 'FLEXGATE_REDIS_URL',
  rateLimit: 'FLEXGATE_RATE_LIMIT',
  rateLimitWindow: 'FLEXGATE_RATE_LIMIT_WINDOW',
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads the environment variables of every option that `flags` does not set. */
export function configFromEnv(env: NodeJS.ProcessEnv): Partial<ConfigInput> {
  const values: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(ENV_NAMES)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    values[key] = key === 'demo' ? ['1', 'true', 'yes'].includes(value.toLowerCase()) : value;
  }
  return values as Partial<ConfigInput>;
}

/** Validates flags over environment over defaults. Throws ConfigError with one line naming the option. */
export function loadConfig(flags: Partial<ConfigInput>, env: NodeJS.ProcessEnv = process.env): Config {
  const defined = Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== undefined));
  const parsed = configSchema.safeParse({ ...configFromEnv(env), ...defined });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? '');
    const envName = ENV_NAMES[key as keyof ConfigInput];
    const where = envName === undefined ? key : `${key} (--${kebab(key)} or ${envName})`;
    throw new ConfigError(`invalid configuration: ${where}: ${issue?.message ?? 'invalid value'}`);
  }
  const options = parsed.data;
  if (options.sandboxHost !== undefined && options.sandboxHost === options.liveHost) {
    throw new ConfigError('invalid configuration: sandboxHost and liveHost must differ (one host per environment)');
  }
  const issuer = normaliseIssuer(options.issuer ?? `http://localhost:${options.port}`);
  return Object.freeze({
    port: options.port,
    host: options.host,
    dataDir: options.dataDir,
    databaseUrl: options.databaseUrl,
    demo: options.demo,
    logLevel: options.logLevel,
    syncIntervalMs: options.syncIntervalMs,
    redisUrl: options.redisUrl,
    rateLimit: Object.freeze({ limit: options.rateLimit, windowSeconds: options.rateLimitWindow }),
    core: Object.freeze({
      issuer,
      audience: `${issuer}/api`,
      accessTokenTtlSeconds: options.accessTokenTtl,
      refreshTokenTtlSeconds: options.refreshTokenTtl,
      authorizationCodeTtlSeconds: options.codeTtl,
      sessionTtlSeconds: options.sessionTtl,
      // Another process's change to a client (CLI rotate-secret, delete) shows within a second at most.
      clientCacheTtlMs: Math.min(options.syncIntervalMs, 1000),
      environmentHosts: Object.freeze({
        ...(options.sandboxHost === undefined ? {} : { sandbox: options.sandboxHost }),
        ...(options.liveHost === undefined ? {} : { live: options.liveHost }),
      }),
      clientTokenReuseSeconds: Math.min(options.ccTokenReuse, options.accessTokenTtl),
      loginDelayBaseMs: options.loginDelayMs,
    }),
  });
}

/** RFC 8414 §2: the issuer has no query or fragment; a trailing slash is dropped so URLs join cleanly. */
function normaliseIssuer(value: string): string {
  const url = new URL(value);
  if (url.search !== '' || url.hash !== '') {
    throw new ConfigError(
      'invalid configuration: issuer (--issuer or FLEXGATE_ISSUER): must not have a query or fragment',
    );
  }
  return url.toString().replace(/\/+$/, '');
}

const kebab = (key: string) => key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

import { z } from 'zod';
import { MAX_ACCESS_TOKEN_TTL_SECONDS } from '../oauth/context.js';

/**
 * Every option of Flexgate, declared once: its key (the public name, as in a config file), its command-line
 * flag, its environment variable, its schema with the default, and its help text. `serve` gets a flag for
 * each one, and the configuration is validated from this table; adding an option is adding a row.
 */
export interface OptionSpec {
  /** The public name. */
  key: string;
  /** The commander flag, e.g. `--port <port>` (`--demo` for a switch). */
  flag: string;
  env: string;
  /** Parses the flag's or the variable's text; the default is part of it. */
  schema: z.ZodType;
  help: string;
  /** The commands other than `serve` that take it too (every command opens the same storage). */
  storage?: true;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const hostName = z
  .string()
  .toLowerCase()
  .regex(/^[a-z0-9.-]+(:\d{1,5})?$/, 'must be a host name, optionally with :port (e.g. api.sandbox.example.com)');

const seconds = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** A switch: true from the flag, or from the variable's `1`, `true` or `yes`. */
const flagSwitch = z
  .union([z.boolean(), z.string().transform((value) => ['1', 'true', 'yes'].includes(value.toLowerCase()))])
  .default(false);

const option = <S extends z.ZodType>(spec: Omit<OptionSpec, 'schema'> & { schema: S }) => spec;

export const OPTIONS = {
  port: option({
    key: 'port',
    flag: '--port <port>',
    env: 'FLEXGATE_PORT',
    schema: z.coerce.number().int().min(0).max(65_535).default(8080),
    help: 'TCP port to listen on (default 8080)',
  }),
  host: option({
    key: 'host',
    flag: '--host <host>',
    env: 'FLEXGATE_HOST',
    schema: z.string().min(1).default('127.0.0.1'),
    help: 'interface to bind; 0.0.0.0 accepts connections from other machines (default 127.0.0.1)',
  }),
  dataDir: option({
    key: 'dataDir',
    flag: '--data <dir>',
    env: 'FLEXGATE_DATA_DIR',
    schema: z.string().min(1).default('.flexgate'),
    help: 'data folder of the embedded SQLite database, created if missing (default .flexgate)',
    storage: true,
  }),
  databaseUrl: option({
    key: 'databaseUrl',
    flag: '--database-url <url>',
    env: 'FLEXGATE_DATABASE_URL',
    schema: z
      .string()
      .regex(/^postgres(ql)?:\/\/.+/, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    help: 'postgres:// URL (selects PostgreSQL instead of SQLite)',
    storage: true,
  }),
  issuer: option({
    key: 'issuer',
    flag: '--issuer <url>',
    env: 'FLEXGATE_ISSUER',
    schema: z.url({ protocol: /^https?$/ }).optional(),
    help: 'public base URL of this server (default http://localhost:<port>)',
  }),
  sandboxHost: option({
    key: 'sandboxHost',
    flag: '--sandbox-host <host>',
    env: 'FLEXGATE_SANDBOX_HOST',
    schema: hostName.optional(),
    help: 'host name (optionally :port) on which the API accepts sandbox tokens only',
  }),
  liveHost: option({
    key: 'liveHost',
    flag: '--live-host <host>',
    env: 'FLEXGATE_LIVE_HOST',
    schema: hostName.optional(),
    help: 'host name (optionally :port) on which the API accepts live tokens only',
  }),
  demo: option({
    key: 'demo',
    flag: '--demo',
    env: 'FLEXGATE_DEMO',
    schema: flagSwitch,
    help: 'create a demo user and app on the first start',
  }),
  logLevel: option({
    key: 'logLevel',
    flag: '--log-level <level>',
    env: 'FLEXGATE_LOG_LEVEL',
    schema: z.enum(LOG_LEVELS).default('info'),
    help: `${LOG_LEVELS.join('|')} (default info)`,
  }),
  accessTokenTtl: option({
    key: 'accessTokenTtl',
    flag: '--access-token-ttl <seconds>',
    env: 'FLEXGATE_ACCESS_TOKEN_TTL',
    schema: seconds(30, MAX_ACCESS_TOKEN_TTL_SECONDS).default(3600),
    help: 'access-token lifetime in seconds (default 3600)',
  }),
  refreshTokenTtl: option({
    key: 'refreshTokenTtl',
    flag: '--refresh-token-ttl <seconds>',
    env: 'FLEXGATE_REFRESH_TOKEN_TTL',
    schema: seconds(300, 31_536_000).default(30 * 86_400),
    help: 'refresh-token lifetime in seconds; each rotation starts a new one (default 30 days)',
  }),
  codeTtl: option({
    key: 'codeTtl',
    flag: '--code-ttl <seconds>',
    env: 'FLEXGATE_CODE_TTL',
    schema: seconds(10, 600).default(60),
    help: 'authorization-code lifetime in seconds (default 60)',
  }),
  sessionTtl: option({
    key: 'sessionTtl',
    flag: '--session-ttl <seconds>',
    env: 'FLEXGATE_SESSION_TTL',
    schema: seconds(60, 30 * 86_400).default(8 * 3600),
    help: 'browser session lifetime in seconds (default 8 hours)',
  }),
  ccTokenReuse: option({
    key: 'ccTokenReuse',
    flag: '--cc-token-reuse <seconds>',
    env: 'FLEXGATE_CC_TOKEN_REUSE',
    schema: seconds(0, 3600).default(60),
    help:
      'for this many seconds after issuing a client-credentials token, the same client asking for the same ' +
      'scopes gets that token again (expires_in counts down); 0 turns it off (default 60)',
  }),
  loginDelayMs: option({
    key: 'loginDelayMs',
    flag: '--login-delay <ms>',
    env: 'FLEXGATE_LOGIN_DELAY',
    schema: z.coerce.number().int().min(0).max(2000).default(250),
    help:
      'milliseconds per failed login (from the 3rd in a row) that the answer is held back, at most 2 s; ' +
      '0 turns the slow-down off, the lock-out stays (default 250)',
  }),
  syncIntervalMs: option({
    key: 'syncIntervalMs',
    flag: '--sync-interval <ms>',
    env: 'FLEXGATE_SYNC_INTERVAL',
    schema: z.coerce.number().int().min(100).max(60_000).default(2000),
    help: 'how often (ms) to pick up revocations and keys written by other processes (default 2000)',
  }),
  redisUrl: option({
    key: 'redisUrl',
    flag: '--redis-url <url>',
    env: 'FLEXGATE_REDIS_URL',
    schema: z.url({ protocol: /^rediss?$/, hostname: /^.+$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
    help: 'redis:// or rediss:// URL: share API rate limits between instances (default: counted per process)',
  }),
  rateLimit: option({
    key: 'rateLimit',
    flag: '--rate-limit <n>',
    env: 'FLEXGATE_RATE_LIMIT',
    schema: z.coerce.number().int().min(0).max(1_000_000).default(600),
    help: 'API requests allowed per window per client (or per address without a token); 0 turns it off (default 600)',
  }),
  rateLimitWindow: option({
    key: 'rateLimitWindow',
    flag: '--rate-limit-window <seconds>',
    env: 'FLEXGATE_RATE_LIMIT_WINDOW',
    schema: seconds(1, 3600).default(60),
    help: 'length of the API rate-limit window in seconds (default 60)',
  }),
} as const;

export type OptionKey = keyof typeof OPTIONS;
export const OPTION_LIST: readonly OptionSpec[] = Object.values(OPTIONS);

/** The values the options parse to (defaults applied). */
export type OptionValues = { [K in OptionKey]: z.output<(typeof OPTIONS)[K]['schema']> };
/** What a flag, a variable or a caller may give for each option. */
export type OptionInput = { [K in OptionKey]?: z.input<(typeof OPTIONS)[K]['schema']> | undefined };

/** `port (--port or FLEXGATE_PORT)`: how a message names an option. */
export const describeOption = (spec: OptionSpec) => `${spec.key} (${spec.flag.split(' ')[0]} or ${spec.env})`;

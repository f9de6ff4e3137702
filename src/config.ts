import { z } from 'zod';
import { ConfigError } from './config/errors.js';
import type { ConfigFile } from './config/file.js';
import {
  describeOption,
  type LOG_LEVELS,
  OPTION_LIST,
  OPTIONS,
  type OptionInput,
  type OptionKey,
  type OptionValues,
} from './config/options.js';
import type { PortalConfig } from './portal/domain/context.js';

/**
 * Flexgate's configuration, from the option table (config/options.ts): flags over environment variables over
 * defaults. Validated once at start-up, every problem reported at once; the result is frozen.
 */
export type ConfigInput = OptionInput;

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

const configSchema = z.strictObject(
  Object.fromEntries(OPTION_LIST.map((spec) => [spec.key, spec.schema])) as {
    [K in OptionKey]: (typeof OPTIONS)[K]['schema'];
  },
);

export { ConfigError } from './config/errors.js';

/** Reads the environment variable of every option. */
export function configFromEnv(env: NodeJS.ProcessEnv): ConfigInput {
  const values: Record<string, unknown> = {};
  for (const spec of OPTION_LIST) {
    const value = env[spec.env];
    if (value !== undefined && value !== '') values[spec.key] = value;
  }
  return values as ConfigInput;
}

/**
 * Validates flags over environment over the configuration file over defaults. Throws ConfigError with one
 * line per problem; a value from the file is named by the file and its key.
 */
export function loadConfig(flags: ConfigInput, env: NodeJS.ProcessEnv = process.env, file?: ConfigFile): Config {
  const defined = Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== undefined));
  const fromEnv = configFromEnv(env);
  const parsed = configSchema.safeParse({ ...(file?.values ?? {}), ...fromEnv, ...defined });
  if (!parsed.success) {
    const fromFile = (key: string) =>
      file !== undefined && !(key in defined) && !(key in fromEnv) && key in file.values;
    throw new ConfigError(
      parsed.error.issues
        .map((issue) => {
          const key = String(issue.path[0] ?? '');
          return fromFile(key) ? `${file?.path}: ${key}: ${issue.message}` : describeIssue(issue);
        })
        .join('\n'),
    );
  }
  const options = parsed.data as OptionValues;
  const problems = crossFieldProblems(options);
  if (problems.length > 0)
    throw new ConfigError(problems.map((problem) => `invalid configuration: ${problem}`).join('\n'));
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
      ccTokenReuseSeconds: Math.min(options.ccTokenReuse, options.accessTokenTtl),
      loginDelayBaseMs: options.loginDelayMs,
    }),
  });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `invalid configuration: unknown option ${issue.keys.join(', ')}`;
  const key = String(issue.path[0] ?? '');
  const spec = OPTIONS[key as OptionKey] as (typeof OPTION_LIST)[number] | undefined;
  return `invalid configuration: ${spec === undefined ? key : describeOption(spec)}: ${issue.message}`;
}

/** What no single option's schema can see. */
function crossFieldProblems(options: OptionValues): string[] {
  const problems: string[] = [];
  if (options.sandboxHost !== undefined && options.sandboxHost === options.liveHost) {
    problems.push('sandboxHost and liveHost must differ (one host per environment)');
  }
  if (options.issuer !== undefined) {
    const url = new URL(options.issuer);
    // RFC 8414 §2: the issuer has no query or fragment.
    if (url.search !== '' || url.hash !== '') {
      problems.push(`${describeOption(OPTIONS.issuer)}: must not have a query or fragment`);
    }
  }
  return problems;
}

/** A trailing slash is dropped so URLs join cleanly. */
const normaliseIssuer = (value: string): string => new URL(value).toString().replace(/\/+$/, '');

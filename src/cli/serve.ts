import { type Command, Option } from 'commander';
import { loadConfig } from '../config.js';
import { describeDemoSeed, seedDemoData } from '../demo/seed.js';
import { startServer } from '../server.js';
import { describeDatabase } from '../storage/open.js';
import { configFlags, type StorageFlags, withStorageOptions } from './shared.js';

interface ServeFlags extends StorageFlags {
  port?: string;
  host?: string;
  issuer?: string;
  sandboxHost?: string;
  liveHost?: string;
  demo?: boolean;
  logLevel?: string;
  redisUrl?: string;
  rateLimit?: string;
  rateLimitWindow?: string;
}

export function registerServe(program: Command): void {
  const command = program
    .command('serve')
    .description('start the authorization server (runs database migrations first)')
    .addOption(new Option('--port <port>', 'TCP port (default 8080)').env('FLEXGATE_PORT'))
    .addOption(new Option('--host <host>', 'interface to bind (default 127.0.0.1)').env('FLEXGATE_HOST'))
    .addOption(new Option('--issuer <url>', 'public base URL (default http://localhost:<port>)').env('FLEXGATE_ISSUER'))
    // No .env() here: commander would read FLEXGATE_DEMO=false as true; config.ts parses the variable.
    .option('--demo', 'create a demo user and app on the first start (or FLEXGATE_DEMO=true)')
    .addOption(
      new Option('--sandbox-host <host>', 'host name on which the API accepts sandbox tokens only').env(
        'FLEXGATE_SANDBOX_HOST',
      ),
    )
    .addOption(
      new Option('--live-host <host>', 'host name on which the API accepts live tokens only').env('FLEXGATE_LIVE_HOST'),
    )
    .addOption(new Option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent').env('FLEXGATE_LOG_LEVEL'))
    .addOption(
      new Option(
        '--redis-url <url>',
        'redis:// or rediss:// URL: share API rate limits between instances (default: counted per process)',
      ).env('FLEXGATE_REDIS_URL'),
    )
    .addOption(
      new Option('--rate-limit <n>', 'API requests allowed per window per client; 0 turns it off (default 600)').env(
        'FLEXGATE_RATE_LIMIT',
      ),
    )
    .addOption(
      new Option('--rate-limit-window <seconds>', 'length of the API rate-limit window in seconds (default 60)').env(
        'FLEXGATE_RATE_LIMIT_WINDOW',
      ),
    );
  withStorageOptions(command).action(async (flags: ServeFlags) => {
    const config = loadConfig({
      ...configFlags(flags),
      port: flags.port,
      host: flags.host,
      issuer: flags.issuer,
      sandboxHost: flags.sandboxHost,
      liveHost: flags.liveHost,
      demo: flags.demo,
      logLevel: flags.logLevel as never,
      redisUrl: flags.redisUrl,
      rateLimit: flags.rateLimit,
      rateLimitWindow: flags.rateLimitWindow,
    });
    const server = await startServer(config);
    const log = server.app.log;
    const shutdown = (signal: string) => {
      log.info({ signal }, 'draining in-flight requests, then exiting');
      server.close().then(
        () => process.exit(0),
        (error: unknown) => {
          log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
    // Seeded before "listening" is logged, so whoever waits for that line sees the demo data in place.
    const seed = config.demo ? await seedDemoData(server.ctx) : undefined;
    log.info(
      { url: server.url, issuer: config.core.issuer, database: describeDatabase(config) },
      'Flexgate is listening',
    );
    log.info(
      {
        portal: `${config.core.issuer}/`,
        applications: `${config.core.issuer}/developers/apps`,
        metadata: `${config.core.issuer}/.well-known/oauth-authorization-server`,
      },
      'Developer portal and authorization server metadata',
    );
    // For the person at the terminal: where to go next (the JSON lines above are for log collectors).
    process.stdout.write(`\nFlexgate portal: ${config.core.issuer}/  (sign up, then Applications)\n`);
    // Printed, not logged: the demo secrets must be shown once, and logs never carry secrets.
    if (seed !== undefined) process.stdout.write(`\n${describeDemoSeed(seed, config.core.issuer)}\n\n`);
  });
}

import type { Command } from 'commander';
import { loadCommandConfig, withConfigOptions } from './config-options.js';

export function registerServe(program: Command): void {
  const command = program
    .command('serve')
    .description('start the authorization server (runs database migrations first)');
  withConfigOptions(command, 'all').action(async (flags: Record<string, unknown>) => {
    const config = loadCommandConfig(flags);
    // Loaded on use, so that `flexgate --help` and the developer commands start without the server.
    const [{ startServer }, { describeDemoSeed, seedDemoData }, { describeDatabase }] = await Promise.all([
      import('../server.js'),
      import('../demo/seed.js'),
      import('../storage/open.js'),
    ]);
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

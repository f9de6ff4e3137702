import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import type { CoreContext } from './core/context.js';
import { purgeExpired } from './core/maintenance.js';
import { buildApp } from './http/app.js';
import { createLogger } from './logger.js';
import { openRuntime, type RuntimeOverrides } from './runtime.js';

export interface RunningServer {
  app: FastifyInstance;
  ctx: CoreContext;
  /** Where the server listens (the bound address; the public URL is the issuer). */
  url: string;
  close(): Promise<void>;
}

const CLEANUP_INTERVAL_MS = 10 * 60 * 1000;

/** The composition root: config → storage → core → HTTP → listen, plus the background sync. */
export async function startServer(
  config: Config,
  overrides: Omit<RuntimeOverrides, 'logger'> & { logger?: ReturnType<typeof createLogger> | false } = {},
): Promise<RunningServer> {
  // With logging off there is no logger at all: Fastify then skips per-request child loggers.
  const logger = overrides.logger ?? (config.logLevel === 'silent' ? false : createLogger(config.logLevel));
  const { logger: _ignored, ...runtimeOverrides } = overrides;
  const ctx = await openRuntime(config, { ...runtimeOverrides, ...(logger === false ? {} : { logger }) });
  const app = await buildApp(ctx, { logger });
  const timers = startBackgroundWork(ctx, config, app);
  try {
    const url = await app.listen({ port: config.port, host: config.host });
    let closed: Promise<void> | undefined;
    const close = () => {
      closed ??= (async () => {
        for (const timer of timers) clearInterval(timer);
        // Fastify's close stops accepting connections and waits for in-flight requests.
        await app.close();
        await ctx.storage.close();
      })();
      return closed;
    };
    return { app, ctx, url, close };
  } catch (error) {
    for (const timer of timers) clearInterval(timer);
    await app.close();
    await ctx.storage.close();
    throw error;
  }
}

/** Picks up other processes' revocations and keys, and deletes expired rows. */
function startBackgroundWork(ctx: CoreContext, config: Config, app: FastifyInstance): NodeJS.Timeout[] {
  const sync = setInterval(() => {
    Promise.all([ctx.keys.refresh(), ctx.revocations.sync()]).catch((error: unknown) =>
      app.log.warn({ err: error }, 'could not sync revocations and keys'),
    );
  }, config.syncIntervalMs);
  const cleanup = setInterval(() => {
    purgeExpired(ctx).catch((error: unknown) => app.log.warn({ err: error }, 'could not delete expired rows'));
  }, CLEANUP_INTERVAL_MS);
  sync.unref();
  cleanup.unref();
  return [sync, cleanup];
}

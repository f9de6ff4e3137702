import type { FastifyInstance } from 'fastify';
import { logTransport } from './adapters/log-transport.js';
import { createRateLimiter } from './adapters/rate-limit.js';
import { MessageWorker } from './apis/example/messages/worker.js';
import type { RateLimiter } from './apis/rate-limiter.js';
import type { Config } from './config.js';
import type { FlexgateContext } from './context.js';
import { buildApp } from './http/app.js';
import { createLogger } from './logger.js';
import { purgeExpired } from './maintenance.js';
import { openRuntime, type RuntimeOverrides } from './runtime.js';

export interface RunningServer {
  app: FastifyInstance;
  ctx: FlexgateContext;
  /** Where the server listens (the bound address; the public URL is the issuer). */
  url: string;
  rateLimiter: RateLimiter;
  /** Moves messages along their lifecycle; tests call `runOnce()` to step it. */
  messageWorker: MessageWorker;
  close(): Promise<void>;
}

const CLEANUP_INTERVAL_MS = 10 * 60 * 1000;
const MESSAGE_WORKER_INTERVAL_MS = 1000;
/** The log transport "delivers" this long after sending, so the sent state is visible for a moment. */
const MESSAGE_DELIVERY_DELAY_MS = 2000;

/** The composition root: config → storage → core → HTTP → listen, plus the background sync. */
export async function startServer(
  config: Config,
  overrides: Omit<RuntimeOverrides, 'logger'> & { logger?: ReturnType<typeof createLogger> | false } = {},
): Promise<RunningServer> {
  // With logging off there is no logger at all: Fastify then skips per-request child loggers.
  const logger = overrides.logger ?? (config.logLevel === 'silent' ? false : createLogger(config.logLevel));
  const { logger: _ignored, ...runtimeOverrides } = overrides;
  const ctx = await openRuntime(config, { ...runtimeOverrides, ...(logger === false ? {} : { logger }) });
  let rateLimiter: RateLimiter;
  try {
    rateLimiter = await createRateLimiter({
      redisUrl: config.redisUrl,
      policy: config.rateLimit,
      clock: ctx.clock,
      onRedisError: throttledWarning(logger, 'Redis rate limiter error: requests are let through (fail-open)'),
    });
  } catch (error) {
    await ctx.storage.close();
    throw error;
  }
  const app = await buildApp(ctx, { logger, rateLimiter });
  const messageWorker = new MessageWorker(ctx.storage, ctx.clock, logTransport(app.log), {
    deliveryDelayMs: MESSAGE_DELIVERY_DELAY_MS,
    batchSize: 100,
    onError: (error, messageId) => app.log.warn({ err: error, messageId }, 'message worker could not handle a message'),
  });
  const timers = startBackgroundWork(ctx, config, app, messageWorker);
  try {
    const url = await app.listen({ port: config.port, host: config.host });
    let closed: Promise<void> | undefined;
    const close = () => {
      closed ??= (async () => {
        for (const timer of timers) clearInterval(timer);
        // A worker pass in flight finishes its message before storage closes under it.
        await messageWorker.stop();
        // Fastify's close stops accepting connections and waits for in-flight requests.
        await app.close();
        await rateLimiter.close();
        await ctx.storage.close();
      })();
      return closed;
    };
    return { app, ctx, url, rateLimiter, messageWorker, close };
  } catch (error) {
    for (const timer of timers) clearInterval(timer);
    await app.close();
    await rateLimiter.close();
    await ctx.storage.close();
    throw error;
  }
}

/** Picks up other processes' revocations and keys, deletes expired rows, and runs the message worker. */
function startBackgroundWork(
  ctx: FlexgateContext,
  config: Config,
  app: FastifyInstance,
  messageWorker: MessageWorker,
): NodeJS.Timeout[] {
  const sync = setInterval(() => {
    Promise.all([ctx.keys.refresh(), ctx.revocations.sync()]).catch((error: unknown) =>
      app.log.warn({ err: error }, 'could not sync revocations and keys'),
    );
  }, config.syncIntervalMs);
  const cleanup = setInterval(() => {
    purgeExpired(ctx).catch((error: unknown) => app.log.warn({ err: error }, 'could not delete expired rows'));
  }, CLEANUP_INTERVAL_MS);
  const worker = setInterval(() => {
    messageWorker.runOnce().catch((error: unknown) => app.log.warn({ err: error }, 'message worker failed'));
  }, MESSAGE_WORKER_INTERVAL_MS);
  sync.unref();
  cleanup.unref();
  worker.unref();
  return [sync, cleanup, worker];
}

/** A warning at most every 30 s: a Redis outage fails every request, and the log should not drown. */
function throttledWarning(
  logger: ReturnType<typeof createLogger> | false,
  message: string,
): ((error: unknown) => void) | undefined {
  if (logger === false) return undefined;
  let lastAt = 0;
  return (error) => {
    // Wall-clock time, not ctx.clock, on purpose: this only spaces out log lines, and a test's manual clock
    // must not hold back (or let through) warnings about a real Redis.
    const now = Date.now();
    if (now - lastAt < 30_000) return;
    lastAt = now;
    logger.warn({ err: error }, message);
  };
}

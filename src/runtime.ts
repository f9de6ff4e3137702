import { argon2Passwords } from './adapters/argon2.js';
import type { Config } from './config.js';
import type { CoreContext } from './oauth/context.js';
import { createCore, loadSharedState } from './oauth/create.js';
import type { Clock, PasswordHasher } from './oauth/ports.js';
import { openStorage } from './storage/open.js';

export interface RuntimeOverrides {
  clock?: Clock;
  passwords?: PasswordHasher;
  logger?: { info(obj: object, msg: string): void };
  /** PostgreSQL schema to use (tests isolate runs in one database this way). */
  pgSchema?: string;
}

/** Opens storage (running migrations) and wires the core: what `serve` and every CLI command start from. */
export async function openRuntime(config: Config, overrides: RuntimeOverrides = {}): Promise<CoreContext> {
  const storage = await openStorage({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    pgSchema: overrides.pgSchema,
    logger: overrides.logger,
  });
  try {
    const ctx = createCore({
      config: config.core,
      storage,
      passwords: overrides.passwords ?? argon2Passwords,
      ...(overrides.clock === undefined ? {} : { clock: overrides.clock }),
    });
    await loadSharedState(ctx);
    return ctx;
  } catch (error) {
    await storage.close();
    throw error;
  }
}

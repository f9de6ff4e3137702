import { argon2Passwords } from './adapters/argon2.js';
import { exampleScopeCatalogue } from './apis/example/scopes.js';
import type { Config } from './config.js';
import type { FlexgateContext } from './context.js';
import { createOAuth, loadSharedState } from './oauth/create.js';
import type { Clock, Random } from './oauth/ports.js';
import type { PortalConfig } from './portal/domain/context.js';
import type { PasswordHasher } from './portal/domain/ports.js';
import { openStorage } from './storage/open.js';
import type { Storage } from './storage/storage.js';

export interface RuntimeOverrides {
  clock?: Clock;
  passwords?: PasswordHasher;
  logger?: { info(obj: object, msg: string): void };
  /** PostgreSQL schema to use (tests isolate runs in one database this way). */
  pgSchema?: string;
}

/** Opens storage (running migrations) and wires the core: what `serve` and every CLI command start from. */
export async function openRuntime(config: Config, overrides: RuntimeOverrides = {}): Promise<FlexgateContext> {
  const storage = await openStorage({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    pgSchema: overrides.pgSchema,
    logger: overrides.logger,
  });
  try {
    const ctx = createContext({
      config: config.core,
      storage,
      passwords: overrides.passwords ?? argon2Passwords,
      clock: overrides.clock,
    });
    await loadSharedState(ctx);
    return ctx;
  } catch (error) {
    await storage.close();
    throw error;
  }
}

export interface ContextDependencies {
  config: PortalConfig;
  storage: Storage;
  passwords: PasswordHasher;
  clock?: Clock | undefined;
  random?: Random | undefined;
}

/** Wires every product over one storage: the protocol, then what the portal adds (passwords). */
export function createContext(deps: ContextDependencies): FlexgateContext {
  const oauth = createOAuth({
    config: deps.config,
    storage: deps.storage,
    scopes: exampleScopeCatalogue(),
    clock: deps.clock,
    random: deps.random,
  });
  return { ...oauth, config: deps.config, passwords: deps.passwords };
}

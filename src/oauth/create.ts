import { ClientCache } from './client-cache.js';
import { systemClock } from './clock.js';
import type { CoreConfig, CoreContext } from './context.js';
import type { Clock, PasswordHasher, Random, Storage } from './ports.js';
import { cryptoRandom } from './secrets.js';
import { AccessTokenService } from './tokens/access-token.js';
import { ClientTokenCache } from './tokens/client-token-cache.js';
import { KeyRing } from './tokens/keyring.js';
import { RevocationList } from './tokens/revocation-list.js';

export interface CoreDependencies {
  config: CoreConfig;
  storage: Storage;
  passwords: PasswordHasher;
  clock?: Clock;
  random?: Random;
}

/** Wires the protocol core. Call `loadSharedState` before serving, and again to pick up other processes' work. */
export function createCore(deps: CoreDependencies): CoreContext {
  const clock = deps.clock ?? systemClock;
  const random = deps.random ?? cryptoRandom;
  const keys = new KeyRing(deps.storage, clock, random);
  const revocations = new RevocationList(deps.storage, clock);
  const accessTokens = new AccessTokenService(
    { issuer: deps.config.issuer, audience: deps.config.audience, ttlSeconds: deps.config.accessTokenTtlSeconds },
    keys,
    revocations,
    clock,
    random,
  );
  const clients = new ClientCache(deps.storage, clock, deps.config.clientCacheTtlMs);
  return {
    config: deps.config,
    storage: deps.storage,
    clients,
    clock,
    random,
    passwords: deps.passwords,
    keys,
    revocations,
    accessTokens,
    clientTokens: new ClientTokenCache(deps.config.clientTokenReuseSeconds, clock, revocations),
  };
}

/**
 * Re-reads what other processes may have changed: signing keys (a `keys rotate` from the CLI) and
 * revocations (another instance, or `clients delete`).
 */
export async function loadSharedState(ctx: CoreContext): Promise<void> {
  await ctx.keys.ensureActiveKey();
  await ctx.revocations.sync();
}

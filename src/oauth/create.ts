import { ClientCache } from './client-cache.js';
import { systemClock } from './clock.js';
import type { OAuthConfig, OAuthContext } from './context.js';
import type { Clock, OAuthStorage, Random } from './ports.js';
import type { ScopeCatalogue } from './scopes.js';
import { cryptoRandom } from './secrets.js';
import { AccessTokenService } from './tokens/access-token.js';
import { ClientTokenCache } from './tokens/client-token-cache.js';
import { KeyRing } from './tokens/keyring.js';
import { RevocationList } from './tokens/revocation-list.js';

export interface OAuthDependencies<S extends OAuthStorage> {
  config: OAuthConfig;
  storage: S;
  scopes: ScopeCatalogue;
  clock?: Clock | undefined;
  random?: Random | undefined;
}

/**
 * Wires the protocol. Call `loadSharedState` before serving, and again to pick up other processes' work. The
 * storage keeps its full type, so a caller that passes more repositories than OAuth needs keeps them.
 */
export function createOAuth<S extends OAuthStorage>(
  deps: OAuthDependencies<S>,
): Omit<OAuthContext, 'storage'> & { storage: S } {
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
  return {
    config: deps.config,
    storage: deps.storage,
    clientCache: new ClientCache(deps.storage, clock, deps.config.clientCacheTtlMs),
    clock,
    random,
    scopes: deps.scopes,
    keys,
    revocations,
    accessTokens,
    clientTokens: new ClientTokenCache(deps.config.ccTokenReuseSeconds, clock, revocations),
  };
}

/**
 * Re-reads what other processes may have changed: signing keys (a `keys rotate` from the CLI) and
 * revocations (another instance, or `clients delete`).
 */
export async function loadSharedState(ctx: OAuthContext): Promise<void> {
  await ctx.keys.ensureActiveKey();
  await ctx.revocations.sync();
}

import type { Environment } from '../../oauth/ports.js';
import type { ScopeDefinition } from '../../oauth/scopes.js';
import type { PortalContext } from './context.js';

/** An app (client) an end user has granted access to, as the Connected apps page shows it. */
export interface ConnectedApp {
  clientId: string;
  name: string;
  environment: Environment;
  scopes: ScopeDefinition[];
  /** When the user first allowed this app. */
  grantedAt: number;
  /** When the user last allowed it (possibly widening the scopes). */
  updatedAt: number;
}

/** The user has no consent for this client: nothing to revoke (also what another user's app looks like). */
export class ConnectedAppNotFoundError extends Error {
  override readonly name = 'ConnectedAppNotFoundError';
}

/** Every app the user has granted, by name. Consents of clients deleted meanwhile are left out. */
export async function listConnectedApps(ctx: PortalContext, userId: string): Promise<ConnectedApp[]> {
  const consents = await ctx.storage.consents.listByUser(userId);
  const apps = await Promise.all(
    consents.map(async (consent): Promise<ConnectedApp | undefined> => {
      const client = await ctx.clientCache.findById(consent.clientId);
      if (client === undefined) return undefined;
      return {
        clientId: client.id,
        name: client.name,
        environment: client.environment,
        // A scope dropped from the catalogue since is still shown, by its name.
        scopes: consent.scopes.map((name) => ctx.scopes.describeOrName(name)),
        grantedAt: consent.grantedAt,
        updatedAt: consent.updatedAt,
      };
    }),
  );
  return apps
    .filter((app): app is ConnectedApp => app !== undefined)
    .sort((a, b) => a.name.localeCompare(b.name) || a.clientId.localeCompare(b.clientId));
}

/**
 * Takes back everything the user gave the app, in one transaction: the consent (the next authorization asks
 * again), every grant (its refresh tokens fail) and, through a revocation per grant, its access tokens at
 * once. Throws ConnectedAppNotFoundError, changing nothing, when the user never granted this app.
 */
export async function revokeConnectedApp(ctx: PortalContext, userId: string, clientId: string): Promise<void> {
  const now = ctx.clock.now();
  // Any access token of these grants was issued before now, so it is dead by then: the entry can go.
  const expiresAt = now + ctx.config.accessTokenTtlSeconds * 1000;
  await ctx.storage.transaction(async (tx) => {
    if (!(await tx.consents.delete(userId, clientId))) {
      throw new ConnectedAppNotFoundError(`No connected app ${clientId} for this user`);
    }
    const grantIds = await tx.grants.revokeByUserAndClient(userId, clientId, now);
    // Last: on PostgreSQL the revocation insert takes a lock held until commit; rows first, as in revokeFamily.
    for (const grantId of grantIds) await ctx.revocations.revoke('grant', grantId, expiresAt, tx);
  });
}

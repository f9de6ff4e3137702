import type { ApiContext } from '../context.js';
import type { Principal } from '../principal.js';
import type { DataScope } from './ports.js';

/** The owner id of a client's data when no application (hence no developer) owns the client. */
export const clientOwnerId = (clientId: string): string => `client:${clientId}`;

/**
 * Whose data a principal works on. A token for an end user (authorization code) works on that user's data. A
 * client-credentials token works on the data of the developer who owns the client's application, so a
 * developer sees the same contacts whichever flow they use; a client made by the CLI (no application) has
 * data of its own. Always within the token's environment: sandbox and live never share rows.
 */
export class OwnerResolver {
  /** client id → owner id. An application never changes owner, so entries never go stale. */
  private readonly clientOwners = new Map<string, string>();

  constructor(private readonly ctx: ApiContext) {}

  /** Synchronous once the client's owner is known (every request after a client's first). */
  ownerOf(principal: Principal): DataScope | Promise<DataScope> {
    if (principal.userId !== null) return { ownerId: principal.userId, environment: principal.environment };
    const known = this.clientOwners.get(principal.clientId);
    if (known !== undefined) return { ownerId: known, environment: principal.environment };
    return this.clientOwner(principal.clientId).then((ownerId) => {
      this.clientOwners.set(principal.clientId, ownerId);
      return { ownerId, environment: principal.environment };
    });
  }

  private async clientOwner(clientId: string): Promise<string> {
    const client = await this.ctx.clientCache.findById(clientId);
    const app = client?.appId == null ? undefined : await this.ctx.storage.apps.findById(client.appId);
    return app?.ownerId ?? clientOwnerId(clientId);
  }
}

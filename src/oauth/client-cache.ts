import type { ClientLookup } from './client-auth.js';
import type { ClientRecord, Clock, OAuthStorage } from './ports.js';

/**
 * Client records for the token endpoint's hot path, kept for a short time. Changes made in this process
 * invalidate at once; changes made by another process (the CLI, another instance) show within `ttlMs`.
 * Unknown ids are not cached, so a client created elsewhere works at once.
 */
export class ClientCache implements ClientLookup {
  private readonly entries = new Map<string, { client: ClientRecord; until: number }>();

  constructor(
    private readonly storage: Pick<OAuthStorage, 'clients'>,
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  async findById(id: string): Promise<ClientRecord | undefined> {
    const now = this.clock.now();
    const cached = this.entries.get(id);
    if (cached !== undefined && cached.until > now) return cached.client;
    const client = await this.storage.clients.findById(id);
    if (client === undefined) {
      this.entries.delete(id);
      return undefined;
    }
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(id, { client, until: now + this.ttlMs });
    return client;
  }

  invalidate(id: string): void {
    this.entries.delete(id);
  }
}

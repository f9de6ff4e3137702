import type { Clock } from '../ports.js';
import type { RevocationList } from './revocation-list.js';

export interface CachedClientToken {
  token: string;
  jti: string;
  clientId: string;
  /** Epoch seconds. */
  issuedAt: number;
  expiresAt: number;
}

/**
 * Client-credentials tokens handed out again to the same client for the same scopes within a short window
 * (as large API providers do: a client that asks again a second later gets the token it already has, with
 * `expires_in` counting down). It saves a signature per request from clients that ignore "re-use the token
 * until it expires", and keeps them from piling up live tokens. A revoked token is never handed out again;
 * a key rotation starts afresh (the key id is part of the cache key).
 */
export class ClientTokenCache {
  private readonly entries = new Map<string, CachedClientToken>();

  constructor(
    private readonly reuseWindowSeconds: number,
    private readonly clock: Clock,
    private readonly revocations: RevocationList,
    private readonly maxEntries = 10_000,
  ) {}

  get enabled(): boolean {
    return this.reuseWindowSeconds > 0;
  }

  static key(clientId: string, scopes: readonly string[], environment: string, kid: string): string {
    return `${clientId}\u0000${environment}\u0000${kid}\u0000${[...scopes].sort().join(' ')}`;
  }

  find(key: string): CachedClientToken | undefined {
    const cached = this.entries.get(key);
    if (cached === undefined) return undefined;
    const nowSeconds = Math.floor(this.clock.now() / 1000);
    const fresh = nowSeconds < cached.issuedAt + this.reuseWindowSeconds && nowSeconds < cached.expiresAt;
    if (fresh && !this.revocations.isRevoked({ jti: cached.jti, clientId: cached.clientId, grantId: undefined })) {
      return cached;
    }
    this.entries.delete(key);
    return undefined;
  }

  remember(key: string, token: CachedClientToken): void {
    if (!this.enabled) return;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, token);
  }
}

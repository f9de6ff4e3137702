import type { Clock, OAuthRepositories, OAuthStorage, RevocationKind, RevocationRecord } from '../ports.js';

const SEQ_OVERLAP = 1000;

/**
 * What this instance knows to be revoked: single tokens (jti), token families (grant id) and whole clients.
 * Revocations are written to storage first and applied here at once, so a revoked token stops working on
 * this instance immediately; `sync()` polls storage for revocations made elsewhere (other instances, the
 * CLI). Entries are dropped when no token they could match is still valid.
 */
export class RevocationList {
  private readonly entries: Record<RevocationKind, Map<string, number>> = {
    jti: new Map(),
    grant: new Map(),
    client: new Map(),
  };
  private lastSeq = 0;

  constructor(
    private readonly storage: Pick<OAuthStorage, 'revocations'>,
    private readonly clock: Clock,
  ) {}

  /** Pass `repos` to write the revocation inside an open transaction. */
  async revoke(
    kind: RevocationKind,
    value: string,
    expiresAt: number,
    repos: Pick<OAuthRepositories, 'revocations'> = this.storage,
  ): Promise<void> {
    await repos.revocations.add({ kind, value, createdAt: this.clock.now(), expiresAt });
    // Applied here at once; lastSeq only moves in sync(), so revocations other instances wrote with a
    // lower sequence number are not skipped.
    this.entries[kind].set(value, expiresAt);
  }

  async sync(): Promise<void> {
    // On PostgreSQL sequence numbers can commit out of order; re-reading an overlap (re-applying is
    // idempotent) keeps a late commit from being missed.
    const from = Math.max(0, this.lastSeq - SEQ_OVERLAP);
    const records = await this.storage.revocations.listSince(from, this.clock.now());
    for (const record of records) this.apply(record);
    this.prune();
  }

  isRevoked(token: { jti: string; clientId: string; grantId: string | undefined }): boolean {
    return (
      this.entries.jti.has(token.jti) ||
      this.entries.client.has(token.clientId) ||
      (token.grantId !== undefined && this.entries.grant.has(token.grantId))
    );
  }

  private apply(record: RevocationRecord): void {
    this.entries[record.kind].set(record.value, record.expiresAt);
    if (record.seq > this.lastSeq) this.lastSeq = record.seq;
  }

  private prune(): void {
    const now = this.clock.now();
    for (const map of Object.values(this.entries)) {
      for (const [value, expiresAt] of map) if (expiresAt <= now) map.delete(value);
    }
  }
}

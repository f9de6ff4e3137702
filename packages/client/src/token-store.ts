/**
 * Where the client keeps its tokens between calls (and, with a persistent store, between runs).
 */

/** The tokens of one grant, as the client stores them. */
export interface StoredTokens {
  /** The bearer access token. */
  accessToken: string;
  /** When the access token expires, in epoch milliseconds. */
  expiresAt: number;
  /**
   * The current refresh token. Flexgate rotates it on every refresh and the old one dies at once, so a store
   * must always hold the newest one.
   */
  refreshToken?: string;
  /** The granted scopes, space-separated. */
  scope?: string;
  /** The token type (`Bearer`). */
  tokenType: string;
  /**
   * When the client obtained these tokens, in epoch milliseconds: tells which of two sets is newer (the one
   * in the store or the one in memory) and how long the access token lives. Absent in tokens stored by older
   * versions.
   */
  obtainedAt?: number;
}

/**
 * Persistence for {@link StoredTokens}. `save` must be durable before it resolves: the client writes the
 * rotated refresh token there before it uses the new access token.
 *
 * Sharing a store: Flexgate rotates refresh tokens and revokes the whole grant when one is sent twice, so
 * clients that share a store (several `createClient` on one store, several processes on one file) must not
 * refresh at the same time. A store that is shared implements {@link TokenStore.lock}; the client then renews
 * inside the lock and first re-reads the store, using what another client has just stored instead of
 * refreshing again. **A store without `lock` must not be shared by several clients.**
 * `MemoryTokenStore` and `FileTokenStore` implement it.
 */
export interface TokenStore {
  /** The stored tokens, or undefined when there are none. */
  load(): Promise<StoredTokens | undefined>;
  /** Replaces the stored tokens. */
  save(tokens: StoredTokens): Promise<void>;
  /** Forgets the stored tokens. */
  clear(): Promise<void>;
  /**
   * Runs `work` while holding a lock that every client sharing this store respects (across processes for a
   * file), and resolves or rejects as `work` does; the lock is released either way. `load`, `save` and
   * `clear` are called inside `work` and must not wait for the lock themselves. Optional: see above.
   */
  lock?<T>(work: () => Promise<T>): Promise<T>;
}

/** Copies tokens so that nobody holding a reference can change what is stored. */
export function copyTokens(tokens: StoredTokens): StoredTokens {
  return {
    accessToken: tokens.accessToken,
    expiresAt: tokens.expiresAt,
    tokenType: tokens.tokenType,
    ...(tokens.refreshToken === undefined ? {} : { refreshToken: tokens.refreshToken }),
    ...(tokens.scope === undefined ? {} : { scope: tokens.scope }),
    ...(tokens.obtainedAt === undefined ? {} : { obtainedAt: tokens.obtainedAt }),
  };
}

/** Checks that a parsed value looks like {@link StoredTokens} (for stores that read from outside). */
export function isStoredTokens(value: unknown): value is StoredTokens {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.accessToken === 'string' &&
    typeof record.expiresAt === 'number' &&
    typeof record.tokenType === 'string' &&
    (record.refreshToken === undefined || typeof record.refreshToken === 'string') &&
    (record.scope === undefined || typeof record.scope === 'string') &&
    (record.obtainedAt === undefined || typeof record.obtainedAt === 'number')
  );
}

/**
 * Keeps the tokens in memory, for one process: the default store. Several clients of one process may share
 * an instance: its {@link MemoryTokenStore.lock} lets one of them renew at a time.
 */
export class MemoryTokenStore implements TokenStore {
  #tokens: StoredTokens | undefined;
  /** The end of the chain of lock holders: each one waits for the one before. */
  #tail: Promise<void> = Promise.resolve();

  /** @inheritDoc */
  lock<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(() => work());
    this.#tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** @inheritDoc */
  async load(): Promise<StoredTokens | undefined> {
    return this.#tokens === undefined ? undefined : copyTokens(this.#tokens);
  }

  /** @inheritDoc */
  async save(tokens: StoredTokens): Promise<void> {
    this.#tokens = copyTokens(tokens);
  }

  /** @inheritDoc */
  async clear(): Promise<void> {
    this.#tokens = undefined;
  }

  /** Never shows the tokens. */
  toString(): string {
    return 'MemoryTokenStore';
  }

  /** Never serializes the tokens. */
  toJSON(): Record<string, never> {
    return {};
  }
}

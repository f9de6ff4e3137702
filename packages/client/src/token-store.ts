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
}

/**
 * Persistence for {@link StoredTokens}. `save` must be durable before it resolves: the client writes the
 * rotated refresh token there before it uses the new access token.
 */
export interface TokenStore {
  /** The stored tokens, or undefined when there are none. */
  load(): Promise<StoredTokens | undefined>;
  /** Replaces the stored tokens. */
  save(tokens: StoredTokens): Promise<void>;
  /** Forgets the stored tokens. */
  clear(): Promise<void>;
}

/** Copies tokens so that nobody holding a reference can change what is stored. */
export function copyTokens(tokens: StoredTokens): StoredTokens {
  return {
    accessToken: tokens.accessToken,
    expiresAt: tokens.expiresAt,
    tokenType: tokens.tokenType,
    ...(tokens.refreshToken === undefined ? {} : { refreshToken: tokens.refreshToken }),
    ...(tokens.scope === undefined ? {} : { scope: tokens.scope }),
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
    (record.scope === undefined || typeof record.scope === 'string')
  );
}

/** Keeps the tokens in memory, for one process: the default store. */
export class MemoryTokenStore implements TokenStore {
  #tokens: StoredTokens | undefined;

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

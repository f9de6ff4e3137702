/**
 * The token manager: gets tokens, reuses them until they are about to expire, refreshes them with one
 * request however many callers ask at once (Flexgate rotates refresh tokens and treats a reused one as
 * theft), and writes every rotated refresh token to the store before the new access token is used.
 * Tokens and the client secret live only in this module's private fields and closures.
 */
import { AuthorizationRequiredError, OAuthError, ResponseError, TokenStoreError } from './errors.js';
import { deadline } from './http.js';
import { basicAuthorization, isTokenResponse, newer, oauthErrorFrom, type TokenResponse } from './token-response.js';
import { copyTokens, type StoredTokens, type TokenStore } from './token-store.js';

/** The `fetch` the client uses (the global one unless another is injected). */
export type FetchFunction = typeof globalThis.fetch;

/** The parts of the RFC 8414 authorization server metadata the client uses. */
export interface ServerMetadata {
  /** The issuer identifier (compared with `iss` in authorization responses, RFC 9207). */
  issuer: string;
  /** Where to send the user to authorize. */
  authorization_endpoint: string;
  /** Where tokens are issued. */
  token_endpoint: string;
  /** Where tokens are revoked (RFC 7009). */
  revocation_endpoint?: string;
  /** Whether every authorization response carries `iss`. */
  authorization_response_iss_parameter_supported?: boolean;
}

/** What the token manager needs from the client. */
export interface TokenManagerOptions {
  /** The OAuth client id. */
  clientId: string;
  /** The client secret (confidential clients), sent with HTTP Basic; undefined for public clients. */
  clientSecret: string | undefined;
  /** Scopes to ask for with client credentials. */
  scopes: readonly string[] | undefined;
  /** Where the tokens are kept. */
  store: TokenStore;
  /** The `fetch` to send token requests with. */
  fetch: FetchFunction;
  /** The clock, in epoch milliseconds. */
  now: () => number;
  /**
   * Renew when fewer than this many milliseconds of the access token's life remain (at most half its
   * lifetime: tokens that live shorter than twice the margin are still reused for half their life).
   */
  marginMs: number;
  /** Every token and revocation request is aborted after this many milliseconds. */
  timeoutMs: number;
  /** The server metadata (fetched once by the client). */
  metadata: () => Promise<ServerMetadata>;
  /**
   * How to get a token when there is none: `client_credentials` (needs a secret) or `authorization_code`
   * (the user must go through `authorizeUrl`). `createClient` resolves its own default before passing it here.
   */
  grant: 'client_credentials' | 'authorization_code';
}

/** Access tokens without `expires_in` are treated as valid for this long. */
const DEFAULT_LIFETIME_MS = 5 * 60_000;

/** Gets, caches, refreshes and stores the client's tokens. */
export class TokenManager {
  readonly #options: TokenManagerOptions;
  /** The tokens as last loaded or saved; undefined until loaded, null when there are none. */
  #current: StoredTokens | null | undefined;
  /**
   * Tokens just issued whose save failed. Their refresh token is the only live one (the old one died when
   * it was rotated), so they are saved again before anything else, and never used before they are saved.
   */
  #unsaved: StoredTokens | undefined;
  #loading: Promise<StoredTokens | null> | undefined;
  /** The one renewal in flight, shared by every caller. */
  #renewal: Promise<StoredTokens> | undefined;
  /**
   * This instance has held a user's grant (a refresh token): once that grant is gone the user must
   * authorize again; falling back to client credentials would silently switch identities.
   */
  #userGrant = false;

  /** @param options - See {@link TokenManagerOptions}. */
  constructor(options: TokenManagerOptions) {
    this.#options = options;
  }

  /** A valid access token: the stored one while it has more than the margin left, else a renewed one. */
  async getAccessToken(): Promise<string> {
    const tokens = await this.#load();
    if (tokens !== null && this.#unsaved === undefined && this.#isFresh(tokens)) return tokens.accessToken;
    return (await this.#renew(tokens?.accessToken)).accessToken;
  }

  /**
   * The API refused `rejected` (401): renew once, unless another caller already has, and return the new
   * access token. Concurrent callers share the renewal.
   */
  async renewAfterRejection(rejected: string): Promise<string> {
    return (await this.#renew(rejected)).accessToken;
  }

  /** Exchanges an authorization code (RFC 6749 §4.1.3 with PKCE) and stores the tokens. */
  async exchangeCode(code: string, redirectUri: string, codeVerifier: string): Promise<StoredTokens> {
    const response = await this.#tokenRequest({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: codeVerifier,
    });
    return this.#adopt(response, undefined);
  }

  /**
   * Revokes the refresh token (or else the access token) at the revocation endpoint and clears the store.
   * The store is cleared even when revocation fails (the error is then thrown).
   */
  async signOut(): Promise<void> {
    const tokens = await this.#load().catch(() => null);
    try {
      await this.#renewal?.catch(() => undefined);
      const latest = this.#unsaved ?? this.#current ?? tokens;
      if (latest === null || latest === undefined) return;
      const { revocation_endpoint: endpoint } = await this.#options.metadata();
      if (endpoint === undefined) return;
      const [token, hint] =
        latest.refreshToken === undefined
          ? [latest.accessToken, 'access_token']
          : [latest.refreshToken, 'refresh_token'];
      const sent = deadline('the revocation request', this.#options.timeoutMs);
      const response = await this.#post(endpoint, { token, token_type_hint: hint }, sent.signal).catch(
        (error: unknown) => {
          throw sent.fail(error);
        },
      );
      if (!response.ok) throw await oauthErrorFrom(response);
      await response.body?.cancel().catch(() => undefined);
    } finally {
      await this.#clear();
    }
  }

  /** Forgets the tokens here and in the store. */
  async #clear(): Promise<void> {
    this.#current = null;
    this.#unsaved = undefined;
    try {
      await this.#options.store.clear();
    } catch (error) {
      throw new TokenStoreError('The token store failed to clear the tokens', { cause: error });
    }
  }

  /** `store.load()`, its failure a {@link TokenStoreError} (cause: the store's error). */
  async #loadStore(): Promise<StoredTokens | undefined> {
    try {
      return await this.#options.store.load();
    } catch (error) {
      throw new TokenStoreError('The token store failed to load the tokens', { cause: error });
    }
  }

  /** More than the margin left; the margin is at most half the token's lifetime (short server TTLs). */
  #isFresh(tokens: StoredTokens): boolean {
    const lifetime = tokens.obtainedAt === undefined ? Number.POSITIVE_INFINITY : tokens.expiresAt - tokens.obtainedAt;
    const margin = Math.min(this.#options.marginMs, lifetime / 2);
    return tokens.expiresAt - this.#options.now() > margin;
  }

  /** The tokens, loaded from the store once (concurrent first calls share the load). */
  async #load(): Promise<StoredTokens | null> {
    if (this.#current !== undefined) return this.#current;
    this.#loading ??= this.#loadStore().then(
      (tokens) => {
        this.#loading = undefined;
        // A renewal that finished meanwhile wins over what was read.
        if (this.#current === undefined) this.#current = tokens ?? null;
        if (this.#current?.refreshToken !== undefined) this.#userGrant = true;
        return this.#current;
      },
      (error: unknown) => {
        this.#loading = undefined;
        throw error;
      },
    );
    return this.#loading;
  }

  /**
   * Renews the tokens unless the access token is no longer `stale` (someone renewed meanwhile). One renewal
   * at a time: a rotated refresh token must never be sent twice.
   */
  #renew(stale: string | undefined): Promise<StoredTokens> {
    if (this.#renewal !== undefined) return this.#renewal;
    const current = this.#current;
    if (
      this.#unsaved === undefined &&
      current !== undefined &&
      current !== null &&
      current.accessToken !== stale &&
      this.#isFresh(current)
    ) {
      return Promise.resolve(current);
    }
    const renewal = this.#runRenewal(stale).finally(() => {
      this.#renewal = undefined;
    });
    this.#renewal = renewal;
    return renewal;
  }

  /**
   * Renews inside the store's lock (when it has one): clients sharing the store renew one at a time. A failure
   * of the lock itself (not of the renewal inside it) is a {@link TokenStoreError} (cause: the store's error).
   */
  async #runRenewal(stale: string | undefined): Promise<StoredTokens> {
    const { store } = this.#options;
    if (store.lock === undefined) return this.#renewLocked(stale);
    let failure: { error: unknown } | undefined;
    try {
      return await store.lock(async () => {
        try {
          return await this.#renewLocked(stale);
        } catch (error) {
          failure = { error };
          throw error;
        }
      });
    } catch (error) {
      if (failure !== undefined && failure.error === error) throw error;
      throw new TokenStoreError('The token store failed to lock the tokens for a renewal', { cause: error });
    }
  }

  async #renewLocked(stale: string | undefined): Promise<StoredTokens> {
    // Tokens issued earlier whose save failed come first: their refresh token is the only live one.
    if (this.#unsaved !== undefined) await this.#saveUnsaved();
    // Another client sharing the store may have rotated the refresh token: use the newer set.
    const stored = await this.#loadStore();
    const mine = this.#current ?? undefined;
    const latest = newer(stored, mine);
    if (latest !== undefined && latest !== mine) {
      this.#current = latest;
      if (latest.refreshToken !== undefined) this.#userGrant = true;
    }
    if (latest !== undefined && latest.accessToken !== stale && this.#isFresh(latest)) return latest;
    if (latest?.refreshToken !== undefined) return this.#refresh(latest);
    if (this.#options.grant === 'client_credentials' && !this.#userGrant) return this.#clientCredentials();
    throw new AuthorizationRequiredError(
      'there are no tokens: the user has not authorized this application',
      'login_required',
    );
  }

  async #refresh(tokens: StoredTokens): Promise<StoredTokens> {
    const refreshToken = tokens.refreshToken ?? '';
    let response: TokenResponse;
    try {
      response = await this.#tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken });
    } catch (error) {
      if (error instanceof OAuthError && error.error === 'invalid_grant') {
        // Revoked, expired or reused: the grant is dead for good; forget it.
        await this.#clear();
        throw new AuthorizationRequiredError(error.description);
      }
      throw error;
    }
    return this.#adopt(response, tokens);
  }

  async #clientCredentials(): Promise<StoredTokens> {
    const scopes = this.#options.scopes;
    const response = await this.#tokenRequest({
      grant_type: 'client_credentials',
      ...(scopes === undefined || scopes.length === 0 ? {} : { scope: scopes.join(' ') }),
    });
    return this.#adopt(response, undefined);
  }

  /**
   * Stores a token response (the rotated refresh token first), then makes it current. When the save fails
   * the tokens are kept as unsaved (see {@link TokenManager.#unsaved}) and a {@link TokenStoreError} is thrown.
   */
  async #adopt(response: TokenResponse, previous: StoredTokens | undefined): Promise<StoredTokens> {
    const lifetimeMs = response.expires_in === undefined ? DEFAULT_LIFETIME_MS : response.expires_in * 1000;
    const refreshToken = response.refresh_token ?? previous?.refreshToken;
    const scope = response.scope ?? previous?.scope;
    const obtainedAt = this.#options.now();
    const tokens: StoredTokens = {
      accessToken: response.access_token,
      expiresAt: obtainedAt + lifetimeMs,
      tokenType: response.token_type,
      obtainedAt,
      ...(refreshToken === undefined ? {} : { refreshToken }),
      ...(scope === undefined ? {} : { scope }),
    };
    if (refreshToken !== undefined) this.#userGrant = true;
    this.#unsaved = tokens;
    // The rotated refresh token is durable before anyone uses the new access token.
    await this.#saveUnsaved();
    return tokens;
  }

  /** Saves the unsaved tokens and makes them current; a failure leaves them unsaved (TokenStoreError). */
  async #saveUnsaved(): Promise<void> {
    const tokens = this.#unsaved;
    if (tokens === undefined) return;
    try {
      await this.#options.store.save(copyTokens(tokens));
    } catch (error) {
      throw new TokenStoreError(
        'The token store failed to save the new tokens: they are kept in memory and saved again on the next call',
        { cause: error },
      );
    }
    if (this.#unsaved === tokens) this.#unsaved = undefined;
    this.#current = tokens;
  }

  async #tokenRequest(params: Record<string, string>): Promise<TokenResponse> {
    const { token_endpoint: endpoint } = await this.#options.metadata();
    const sent = deadline('the token request', this.#options.timeoutMs);
    let body: unknown;
    let response: Response;
    try {
      response = await this.#post(endpoint, params, sent.signal);
      if (!response.ok) throw await oauthErrorFrom(response);
      const text = await response.text();
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
    } catch (error) {
      if (error instanceof OAuthError) throw error;
      throw sent.fail(error);
    }
    if (!isTokenResponse(body)) {
      throw new ResponseError(
        `The token endpoint answered ${response.status} without a valid token response`,
        response.status,
        response.headers.get('x-request-id') ?? undefined,
      );
    }
    return body;
  }

  /** POSTs a form to an OAuth endpoint with the client's authentication (Basic with a secret, else client_id). */
  #post(endpoint: string, params: Record<string, string>, signal: AbortSignal): Promise<Response> {
    const { clientId, clientSecret } = this.#options;
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    const form = new URLSearchParams(params);
    if (clientSecret === undefined) form.set('client_id', clientId);
    else headers.authorization = basicAuthorization(clientId, clientSecret);
    return this.#options.fetch(endpoint, { method: 'POST', headers, body: form.toString(), signal });
  }
}

/**
 * The newer of the stored and the in-memory tokens: the later `obtainedAt` (tokens without one count as
 * oldest), then the later expiry; on a tie the store wins (it is what every client sharing it sees).
 */

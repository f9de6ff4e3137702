/**
 * `createClient`: the Flexgate client. It finds the server's endpoints in its metadata, manages tokens (see
 * tokens.ts), runs the authorization-code flow with PKCE, and sends API requests with typed errors. It runs
 * in Node 20+ and in browsers: only web-platform globals, no `node:` imports.
 */
import type { ApiCall, ApiRequest, ApiResponse } from './api-call.js';
import { apiErrorFrom, apiUrl, buildInit, readBody, retryAfterSeconds } from './api-request.js';

export { API_BASE_PATH } from './api-request.js';

import { AuthorizationCallbackError, FlexgateError, RateLimitError, ResponseError } from './errors.js';
import { createOperations, type Operations } from './generated/operations.js';
import { deadline, sleep, untilAborted } from './http.js';
import { assertSubtleCrypto, codeChallengeS256, constantTimeEqual, createCodeVerifier, createState } from './pkce.js';
import { MemoryTokenStore, type TokenStore } from './token-store.js';
import { type FetchFunction, type ServerMetadata, TokenManager } from './tokens.js';

/** Automatic retries after a 429. */
export interface RetryOnRateLimitOptions {
  /**
   * How many times to retry one request (default 1). A 429 without `Retry-After` is retried once, after 1 s.
   * `Retry-After` counts when it is a whole number of seconds or an HTTP date; anything else is ignored.
   */
  maxRetries?: number;
  /**
   * Never wait longer than this; a longer `Retry-After` throws {@link RateLimitError} at once (default 10, at
   * most 86 400: a day).
   */
  maxWaitSeconds?: number;
}

/** The options of {@link createClient}. */
export interface ClientOptions {
  /** The Flexgate server, e.g. `https://auth.example.com` (its issuer). */
  baseUrl: string;
  /** The OAuth client id. */
  clientId: string;
  /** The client secret of a confidential client; leave it out in browsers and other public clients. */
  clientSecret?: string;
  /** Scopes to ask for with client credentials. */
  scopes?: readonly string[];
  /** Where tokens are kept (default: memory). Use `FileTokenStore` from `@flexgate/client/node` to persist. */
  tokenStore?: TokenStore;
  /** The `fetch` to use (default: the global one). */
  fetch?: FetchFunction;
  /**
   * Renew the access token when fewer than this many seconds of its life remain (default 60), but never
   * earlier than half-way through its life (servers may issue tokens for 30 s). A finite number ≥ 0.
   */
  refreshMarginSeconds?: number;
  /**
   * Abort every request (metadata, token, revocation, API) that has not been answered after this many
   * milliseconds, with {@link NetworkError} (default 30 000). A finite number > 0.
   */
  timeoutMs?: number;
  /** The clock, in epoch milliseconds (default `Date.now`); for tests. */
  now?: () => number;
  /** Wait for `Retry-After` and retry after a 429 (default: no retries). */
  retryOnRateLimit?: RetryOnRateLimitOptions;
  /**
   * How to get a token when none is stored: `client_credentials` (machine-to-machine, needs `clientSecret`)
   * or `authorization_code` (a user authorizes through {@link FlexgateClientCore.authorizeUrl}). Default:
   * client credentials when a secret is configured, else authorization code.
   */
  grant?: 'client_credentials' | 'authorization_code';
}

/** What the app keeps between {@link FlexgateClientCore.authorizeUrl} and the callback (it holds a secret: the verifier). */
export interface PendingAuthorization {
  /** The `state` sent with the request. */
  state: string;
  /** The PKCE code verifier. */
  codeVerifier: string;
  /** The redirect URI sent with the request (the code exchange must repeat it). */
  redirectUri: string;
}

/** Parameters of an authorization request. */
export interface AuthorizeUrlOptions {
  /** The scopes to ask the user for. */
  scopes: readonly string[];
  /** One of the client's registered redirect URIs. */
  redirectUri: string;
}

/** The client's own methods (the API operations come on top: see {@link FlexgateClient}). */
export interface FlexgateClientCore {
  /** The server base URL. */
  readonly baseUrl: string;
  /** The OAuth client id. */
  readonly clientId: string;
  /**
   * Sends one API request with a valid token; resolves with the {@link ApiResponse} of a 2xx (status, headers,
   * body), rejects with a typed error.
   */
  request: ApiCall;
  /** A valid access token (renewed when fewer than `refreshMarginSeconds` remain). */
  getAccessToken(): Promise<string>;
  /** The server's authorization server metadata (fetched once). */
  metadata(): Promise<ServerMetadata>;
  /** Builds an authorization request URL with a fresh `state` and PKCE S256; keep `pending` for the callback. */
  authorizeUrl(options: AuthorizeUrlOptions): Promise<{ url: string; pending: PendingAuthorization }>;
  /**
   * Checks the authorization response (state, RFC 9207 `iss`, errors), exchanges the code and stores the
   * tokens. Throws {@link AuthorizationCallbackError} (nothing stored) when the response is refused. A relative
   * `callbackUrl` (a server's `request.url`, e.g. `/callback?code=…&state=…`) is read against
   * `pending.redirectUri`.
   */
  handleCallback(callbackUrl: string | URL, pending: PendingAuthorization): Promise<void>;
  /** Revokes the refresh token at the server and clears the token store (even if revocation fails). */
  signOut(): Promise<void>;
  /** `FlexgateClient(baseUrl, clientId)`: never any secret. */
  toString(): string;
  /** `{ baseUrl, clientId }`: never any secret. */
  toJSON(): { baseUrl: string; clientId: string };
}

/** A Flexgate client: the runtime methods plus one method per API operation. */
export type FlexgateClient = FlexgateClientCore & Operations;

const WELL_KNOWN = '/.well-known/oauth-authorization-server';

/** The largest {@link RetryOnRateLimitOptions.maxWaitSeconds}: a day. */
const MAX_WAIT_SECONDS = 86_400;

/** The default of {@link ClientOptions.timeoutMs}. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Creates a Flexgate client. Secrets passed here stay in closures: they never show in logs or JSON. Throws
 * {@link FlexgateError} for invalid options (a negative or non-numeric `refreshMarginSeconds` or `timeoutMs`,
 * a `retryOnRateLimit.maxWaitSeconds` that is negative or over a day).
 */
export function createClient(options: ClientOptions): FlexgateClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const { clientId } = options;
  const fetchFn: FetchFunction = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const now = options.now ?? (() => Date.now());
  const retry = options.retryOnRateLimit;
  const maxRetries = retry === undefined ? 0 : (retry.maxRetries ?? 1);
  const maxWaitSeconds = retry?.maxWaitSeconds ?? 10;
  if (typeof maxWaitSeconds !== 'number' || !Number.isFinite(maxWaitSeconds) || maxWaitSeconds < 0) {
    throw new FlexgateError(
      `retryOnRateLimit.maxWaitSeconds must be a finite number of seconds ≥ 0, not ${String(maxWaitSeconds)}`,
    );
  }
  if (maxWaitSeconds > MAX_WAIT_SECONDS) {
    throw new FlexgateError(
      `retryOnRateLimit.maxWaitSeconds must be at most ${MAX_WAIT_SECONDS} (24 h), not ${maxWaitSeconds}`,
    );
  }
  const marginSeconds = options.refreshMarginSeconds ?? 60;
  if (typeof marginSeconds !== 'number' || !Number.isFinite(marginSeconds) || marginSeconds < 0) {
    throw new FlexgateError(
      `refreshMarginSeconds must be a finite number of seconds ≥ 0, not ${String(options.refreshMarginSeconds)}`,
    );
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new FlexgateError(`timeoutMs must be a finite number of milliseconds > 0, not ${String(options.timeoutMs)}`);
  }

  let metadataPromise: Promise<ServerMetadata> | undefined;
  const metadata = (): Promise<ServerMetadata> => {
    metadataPromise ??= fetchMetadata(baseUrl, fetchFn, timeoutMs).catch((error: unknown) => {
      metadataPromise = undefined; // a failed fetch is tried again next time
      throw error;
    });
    return metadataPromise;
  };

  const tokens = new TokenManager({
    clientId,
    clientSecret: options.clientSecret,
    scopes: options.scopes,
    store: options.tokenStore ?? new MemoryTokenStore(),
    fetch: fetchFn,
    now,
    marginMs: marginSeconds * 1000,
    timeoutMs,
    metadata,
    grant: options.grant ?? (options.clientSecret === undefined ? 'authorization_code' : 'client_credentials'),
  });

  const request = async <T>(apiRequest: ApiRequest): Promise<ApiResponse<T>> => {
    const url = apiUrl(baseUrl, apiRequest);
    const { signal } = apiRequest;
    const operation = `the ${apiRequest.operationId} request`;
    // The renewal is shared: the caller's signal stops this caller's wait, not the renewal.
    let token = await untilAborted(tokens.getAccessToken(), signal, operation);
    let renewed = false;
    let rateLimitRetries = 0;
    let retriedWithoutRetryAfter = false;
    for (;;) {
      const sent = deadline(operation, timeoutMs, signal);
      let response: Response;
      try {
        response = await fetchFn(url, { ...buildInit(apiRequest, token), signal: sent.signal });
      } catch (error) {
        throw sent.fail(error);
      }
      if (response.status === 401 && !renewed) {
        await response.body?.cancel().catch(() => undefined);
        renewed = true;
        token = await untilAborted(tokens.renewAfterRejection(token), signal, operation);
        continue;
      }
      if (response.status === 429 && rateLimitRetries < maxRetries) {
        let wait = retryAfterSeconds(response.headers, now);
        if (wait === undefined && !retriedWithoutRetryAfter) {
          retriedWithoutRetryAfter = true;
          wait = 1;
        }
        if (wait !== undefined && wait <= maxWaitSeconds) {
          await response.body?.cancel().catch(() => undefined);
          rateLimitRetries += 1;
          await sleep(wait * 1000, signal);
          continue;
        }
      }
      if (!response.ok) throw await apiErrorFrom(response, now);
      const data = (await readBody(response, apiRequest.operationId, sent)) as T;
      return { status: response.status, data, headers: response.headers };
    }
  };

  const describe = () => `FlexgateClient(${baseUrl}, ${clientId})`;
  const core: FlexgateClientCore = {
    baseUrl,
    clientId,
    request,
    getAccessToken: () => tokens.getAccessToken(),
    metadata,
    async authorizeUrl({ scopes, redirectUri }) {
      assertSubtleCrypto();
      const { authorization_endpoint: endpoint } = await metadata();
      const state = createState();
      const codeVerifier = createCodeVerifier();
      const url = new URL(endpoint);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('client_id', clientId);
      url.searchParams.set('redirect_uri', redirectUri);
      url.searchParams.set('scope', scopes.join(' '));
      url.searchParams.set('state', state);
      url.searchParams.set('code_challenge', await codeChallengeS256(codeVerifier));
      url.searchParams.set('code_challenge_method', 'S256');
      return { url: url.toString(), pending: { state, codeVerifier, redirectUri } };
    },
    async handleCallback(callbackUrl, pending) {
      // A relative URL (a server's `request.url`, e.g. `/callback?code=…`) is read against the redirect URI.
      const params = new URL(callbackUrl, pending.redirectUri).searchParams;
      const state = params.get('state');
      if (state === null || !constantTimeEqual(state, pending.state)) {
        throw new AuthorizationCallbackError(
          'state_mismatch',
          'The state of the authorization response does not match the request (a forged or stale response)',
        );
      }
      const server = await metadata();
      const iss = params.get('iss');
      if (iss === null ? server.authorization_response_iss_parameter_supported === true : iss !== server.issuer) {
        throw new AuthorizationCallbackError(
          'issuer_mismatch',
          iss === null
            ? 'The authorization response has no iss parameter, though the server always sends one (RFC 9207)'
            : 'The authorization response comes from another issuer (RFC 9207): possible mix-up attack',
        );
      }
      const error = params.get('error');
      if (error !== null) {
        throw new AuthorizationCallbackError(error, params.get('error_description') ?? undefined);
      }
      const code = params.get('code');
      if (code === null || code === '') {
        throw new AuthorizationCallbackError('missing_code', 'The authorization response has neither code nor error');
      }
      await tokens.exchangeCode(code, pending.redirectUri, pending.codeVerifier);
    },
    signOut: () => tokens.signOut(),
    toString: describe,
    toJSON: () => ({ baseUrl, clientId }),
  };
  const client: FlexgateClient = { ...createOperations(request), ...core };
  // util.inspect (and console.log in Node) show this instead of the object's properties.
  Object.defineProperty(client, Symbol.for('nodejs.util.inspect.custom'), { value: describe, enumerable: false });
  return client;
}

async function fetchMetadata(baseUrl: string, fetchFn: FetchFunction, timeoutMs: number): Promise<ServerMetadata> {
  const issuerPath = new URL(baseUrl).pathname.replace(/\/$/, '');
  const url = `${new URL(baseUrl).origin}${WELL_KNOWN}${issuerPath}`;
  const sent = deadline('the server metadata request', timeoutMs);
  let response: Response;
  let text: string;
  try {
    response = await fetchFn(url, { headers: { accept: 'application/json' }, signal: sent.signal });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new FlexgateError(`Cannot read the server metadata at ${url}: HTTP ${response.status}`);
    }
    text = await response.text();
  } catch (error) {
    if (error instanceof FlexgateError) throw error;
    throw sent.fail(error);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ResponseError(`The server metadata at ${url} is not JSON`, response.status);
  }
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  for (const field of ['issuer', 'authorization_endpoint', 'token_endpoint'] as const) {
    if (typeof record[field] !== 'string') {
      throw new ResponseError(`The server metadata at ${url} lacks ${field}`, response.status);
    }
  }
  return record as unknown as ServerMetadata;
}

/** `{base}/api/v0.0.1` + the path with its placeholders filled in (URL-encoded) + the query. */

/**
 * `createClient`: the Flexgate client. It finds the server's endpoints in its metadata, manages tokens (see
 * tokens.ts), runs the authorization-code flow with PKCE, and sends API requests with typed errors. It runs
 * in Node 20+ and in browsers: only web-platform globals, no `node:` imports.
 */
import type { ApiCall, ApiRequest, ApiResponse } from './api-call.js';
import {
  ApiError,
  AuthError,
  AuthorizationCallbackError,
  FlexgateError,
  RateLimitError,
  ValidationError,
} from './errors.js';
import { createOperations, type Operations } from './generated/operations.js';
import { codeChallengeS256, constantTimeEqual, createCodeVerifier, createState } from './pkce.js';
import { MemoryTokenStore, type TokenStore } from './token-store.js';
import { type FetchFunction, type ServerMetadata, TokenManager } from './tokens.js';

/** The path of the REST API below the server's base URL. */
export const API_BASE_PATH = '/api/v0.0.1';

/** Automatic retries after a 429. */
export interface RetryOnRateLimitOptions {
  /** How many times to retry one request (default 1). */
  maxRetries?: number;
  /** Never wait longer than this; a longer `Retry-After` throws {@link RateLimitError} at once (default 10). */
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
  /** Renew the access token when fewer than this many seconds of its life remain (default 60). */
  refreshMarginSeconds?: number;
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
  /** Sends one API request with a valid token; resolves with the body of a 2xx, rejects with a typed error. */
  request: ApiCall;
  /** A valid access token (renewed when fewer than `refreshMarginSeconds` remain). */
  getAccessToken(): Promise<string>;
  /** The server's authorization server metadata (fetched once). */
  metadata(): Promise<ServerMetadata>;
  /** Builds an authorization request URL with a fresh `state` and PKCE S256; keep `pending` for the callback. */
  authorizeUrl(options: AuthorizeUrlOptions): Promise<{ url: string; pending: PendingAuthorization }>;
  /**
   * Checks the authorization response (state, RFC 9207 `iss`, errors), exchanges the code and stores the
   * tokens. Throws {@link AuthorizationCallbackError} (nothing stored) when the response is refused.
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

/** Creates a Flexgate client. Secrets passed here stay in closures: they never show in logs or JSON. */
export function createClient(options: ClientOptions): FlexgateClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const { clientId } = options;
  const fetchFn: FetchFunction = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const now = options.now ?? (() => Date.now());
  const retry = options.retryOnRateLimit;
  const maxRetries = retry === undefined ? 0 : (retry.maxRetries ?? 1);
  const maxWaitSeconds = retry?.maxWaitSeconds ?? 10;

  let metadataPromise: Promise<ServerMetadata> | undefined;
  const metadata = (): Promise<ServerMetadata> => {
    metadataPromise ??= fetchMetadata(baseUrl, fetchFn).catch((error: unknown) => {
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
    marginMs: (options.refreshMarginSeconds ?? 60) * 1000,
    metadata,
    grant: options.grant ?? (options.clientSecret === undefined ? 'authorization_code' : 'client_credentials'),
  });

  const request = async <T>(apiRequest: ApiRequest): Promise<ApiResponse<T>> => {
    const url = apiUrl(baseUrl, apiRequest);
    let token = await tokens.getAccessToken();
    let renewed = false;
    let rateLimitRetries = 0;
    for (;;) {
      const response = await fetchFn(url, buildInit(apiRequest, token));
      if (response.status === 401 && !renewed) {
        await response.body?.cancel().catch(() => undefined);
        renewed = true;
        token = await tokens.renewAfterRejection(token);
        continue;
      }
      if (response.status === 429 && rateLimitRetries < maxRetries) {
        const wait = retryAfterSeconds(response.headers, now);
        if (wait !== undefined && wait <= maxWaitSeconds) {
          await response.body?.cancel().catch(() => undefined);
          rateLimitRetries += 1;
          await sleep(wait * 1000);
          continue;
        }
      }
      if (!response.ok) throw await apiErrorFrom(response, now);
      const data = (await readBody(response)) as T;
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
      const params = new URL(callbackUrl).searchParams;
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

async function fetchMetadata(baseUrl: string, fetchFn: FetchFunction): Promise<ServerMetadata> {
  const issuerPath = new URL(baseUrl).pathname.replace(/\/$/, '');
  const url = `${new URL(baseUrl).origin}${WELL_KNOWN}${issuerPath}`;
  const response = await fetchFn(url, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new FlexgateError(`Cannot read the server metadata at ${url}: HTTP ${response.status}`);
  const body: unknown = await response.json().catch(() => undefined);
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  for (const field of ['issuer', 'authorization_endpoint', 'token_endpoint'] as const) {
    if (typeof record[field] !== 'string') throw new FlexgateError(`The server metadata at ${url} lacks ${field}`);
  }
  return record as unknown as ServerMetadata;
}

/** `{base}/api/v0.0.1` + the path with its placeholders filled in (URL-encoded) + the query. */
function apiUrl(baseUrl: string, request: ApiRequest): string {
  const path = request.path.replace(/\{([^}]+)\}/g, (_whole, name: string) => {
    const value = request.pathParams?.[name];
    if (value === undefined) throw new FlexgateError(`${request.operationId}: missing path parameter ${name}`);
    return encodeURIComponent(String(value));
  });
  const url = new URL(`${baseUrl}${API_BASE_PATH}${path}`);
  for (const [name, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  return url.toString();
}

function buildInit(request: ApiRequest, token: string): RequestInit {
  const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${token}` };
  if (request.idempotencyKey !== undefined) headers['idempotency-key'] = request.idempotencyKey;
  if (request.body === undefined) return { method: request.method, headers };
  headers['content-type'] = 'application/json';
  return { method: request.method, headers, body: JSON.stringify(request.body) };
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  if (text === '') return undefined;
  return (response.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text;
}

/** Retry-After as seconds (delta-seconds or an HTTP date); undefined when absent or unreadable. */
function retryAfterSeconds(headers: Headers, now: () => number): number | undefined {
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now()) / 1000));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function isFieldMap(body: unknown): body is Record<string, string[]> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const values = Object.values(body);
  return values.length > 0 && values.every((v) => Array.isArray(v) && v.every((m) => typeof m === 'string'));
}

/** An API error response → the matching typed error (only `error`, `error_description` and ids are kept). */
async function apiErrorFrom(response: Response, now: () => number): Promise<FlexgateError> {
  const body: unknown = await response.json().catch(() => undefined);
  const headerId = response.headers.get('x-request-id') ?? undefined;
  if (response.status === 400 && isFieldMap(body)) {
    return new ValidationError(body, { status: 400, requestId: headerId });
  }
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const code = typeof record.error === 'string' ? record.error : `http_${response.status}`;
  const description = typeof record.error_description === 'string' ? record.error_description : undefined;
  const requestId = typeof record.request_id === 'string' ? record.request_id : headerId;
  if (response.status === 401 || response.status === 403) return new AuthError(response.status, code, description);
  if (response.status === 429) {
    return new RateLimitError(retryAfterSeconds(response.headers, now), description, requestId);
  }
  return new ApiError(response.status, code, description, requestId);
}
